import { Link } from 'wouter';
import { graphql } from '../gql';
import type { TaskCard_TaskFragment } from '../gql/graphql';
import { useSession } from '../lib/session';
import { relativeTime } from '../lib/time';
import { StatusBadge } from './StatusBadge';
import { privacyText, TaskCardNotes } from './TaskNotices';

export const TaskCard_task = graphql(`
  fragment TaskCard_task on Task {
    id
    title
    status
    version
    private
    createdAt
    updatedAt
    creator {
      id
      name
    }
    issue {
      number
      url
    }
    pullRequest {
      number
      url
    }
    heldReason
    waiting {
      code
      reason
      since
    }
    grant {
      agentId
      agentName
      userId
    }
  }
`);

export function TaskCard({ task, now, isNew }: { task: TaskCard_TaskFragment; now: number; isNew: boolean }) {
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
          {task.private ? <span className="tag" title={privacyText(task, viewer) ?? undefined}>private</span> : null}
          {task.issue ? <span className="muted">issue #{task.issue.number}</span> : null}
          {task.pullRequest ? <span className="muted">PR #{task.pullRequest.number}</span> : null}
          {isNew ? <span className="tag new">new</span> : null}
        </div>
        <TaskCardNotes task={task} now={now} />
      </div>
      <StatusBadge status={task.status} />
    </li>
  );
}
