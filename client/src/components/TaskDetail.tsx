import { graphql, useFragment, type FragmentType } from '../gql';
import { formatTime } from '../lib/time';

export const TaskDetail_task = graphql(`
  fragment TaskDetail_task on Task {
    issue {
      number
      url
    }
    pullRequest {
      number
      url
      title
    }
    branch
    mergeCommitSha
    mergedAt
    assignedAgent {
      name
      health
    }
    waiting {
      code
    }
  }
`);

/** The task page's "Details" card: issue, pull request, branch, merge, agent. */
export function TaskDetail(props: { task: FragmentType<typeof TaskDetail_task> }) {
  const task = useFragment(TaskDetail_task, props.task);
  return (
    <section className="card facts" aria-labelledby="facts-heading">
      <h2 id="facts-heading">Details</h2>
      <dl>
        <dt>Issue</dt>
        <dd>
          {task.issue ? (
            <a href={task.issue.url} target="_blank" rel="noopener noreferrer" data-testid="issue-link">
              #{task.issue.number}
            </a>
          ) : (
            <span className="muted">not opened yet</span>
          )}
        </dd>
        <dt>Pull request</dt>
        <dd>
          {task.pullRequest ? (
            <a href={task.pullRequest.url} target="_blank" rel="noopener noreferrer" data-testid="pr-link">
              #{task.pullRequest.number} {task.pullRequest.title}
            </a>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        <dt>Branch</dt>
        <dd>{task.branch ? <code>{task.branch}</code> : <span className="muted">none</span>}</dd>
        <dt>Merge commit</dt>
        <dd>{task.mergeCommitSha ? <code data-testid="merge-sha">{task.mergeCommitSha}</code> : <span className="muted">not merged</span>}</dd>
        {task.mergedAt ? (
          <>
            <dt>Merged</dt>
            <dd>{formatTime(task.mergedAt)}</dd>
          </>
        ) : null}
        <dt>Agent</dt>
        <dd>
          {task.assignedAgent ? (
            <>
              {task.assignedAgent.name}{' '}
              {task.assignedAgent.health !== 'HEALTHY' ? (
                <span className={`badge health-${task.assignedAgent.health.toLowerCase()}`}>{task.assignedAgent.health.toLowerCase()}</span>
              ) : null}
            </>
          ) : (
            <span className="muted">{task.waiting ? 'waiting for one' : 'unassigned'}</span>
          )}
        </dd>
      </dl>
    </section>
  );
}
