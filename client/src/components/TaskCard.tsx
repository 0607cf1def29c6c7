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

export function TaskCard(props: { task: FragmentType<typeof TaskCard_task>; now: number; isNew: boolean }) {
  const task = useFragment(TaskCard_task, props.task);
  const { now, isNew } = props;
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
