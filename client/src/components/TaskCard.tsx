import { Link } from 'wouter';
import { graphql, useFragment, type FragmentType } from '../gql';
import { useSession } from '../lib/session';
import { relativeTime } from '../lib/time';
import { StatusBadge } from './StatusBadge';
import { PrivateTag, TaskCardNotes } from './TaskNotices';

export const TaskCard_task = graphql(`
  fragment TaskCard_task on Task {
    id
    version
    title
    createdAt
    updatedAt
    creator {
      name
    }
    issue {
      number
    }
    pullRequest {
      number
    }
    ...StatusBadge_task
    ...TaskNotices_task
  }
`);

/** `updated`: the list is by latest change, so the card says when that was. */
export function TaskCard(props: { task: FragmentType<typeof TaskCard_task>; now: number; isNew: boolean; updated?: boolean }) {
  const task = useFragment(TaskCard_task, props.task);
  const { now, isNew, updated } = props;
  const viewer = useSession()!.viewer;
  return (
    <li className={`task-card${isNew ? ' is-new' : ''}`} data-task-id={task.id} data-version={task.version}>
      <div className="task-card-main">
        <Link href={`/tasks/${task.id}`} className="task-title">
          {task.title}
        </Link>
        <div className="task-meta">
          <span>
            created by <strong>{task.creator.name}</strong>
          </span>
          <time dateTime={task.createdAt} title={new Date(task.createdAt).toLocaleString()}>
            {relativeTime(task.createdAt, now)}
          </time>
          {updated && relativeTime(task.updatedAt, now) !== relativeTime(task.createdAt, now) ? (
            <time className="updated-at" dateTime={task.updatedAt} title={new Date(task.updatedAt).toLocaleString()}>
              · updated {relativeTime(task.updatedAt, now)}
            </time>
          ) : null}
          <PrivateTag task={task} viewer={viewer} />
          {task.issue ? <span className="muted">issue #{task.issue.number}</span> : null}
          {task.pullRequest ? <span className="muted">PR #{task.pullRequest.number}</span> : null}
          {isNew ? <span className="tag new">new</span> : null}
        </div>
        <TaskCardNotes task={task} now={now} />
      </div>
      <StatusBadge task={task} />
    </li>
  );
}
