/**
 * A failed task's failure on its page: the code and message, what the worker added (details, a
 * link to its own logs), and the last lines its session printed before it failed.
 */
import { useQuery } from 'urql';
import { graphql, useFragment, type FragmentType } from '../gql';
import { formatTime } from '../lib/time';

export const TaskFailure_task = graphql(`
  fragment TaskFailure_task on Task {
    id
    failure {
      code
      message
      details
      logsUrl
      at
      attempt
    }
  }
`);

const LastLines = graphql(`
  query FailureLines($taskId: ID!, $attempt: Int) {
    taskLogs(taskId: $taskId, attempt: $attempt, last: 20) {
      lines {
        cursor
        stream
        text
      }
    }
  }
`);

export function TaskFailure(props: { task: FragmentType<typeof TaskFailure_task> }) {
  const task = useFragment(TaskFailure_task, props.task);
  const failure = task.failure;
  const [{ data }] = useQuery({ query: LastLines, variables: { taskId: task.id, attempt: failure?.attempt ?? null }, pause: !failure?.attempt });
  if (!failure) return null;
  const lines = data?.taskLogs.lines ?? [];
  return (
    <div role="alert" className="banner error failure" data-testid="failure" data-code={failure.code}>
      <p>
        <strong>Failed</strong> <code>{failure.code}</code>: {failure.message}{' '}
        <span className="muted">
          · {formatTime(failure.at)}
          {failure.attempt ? ` · session #${failure.attempt}` : ''}
        </span>
        {failure.logsUrl ? (
          <>
            {' '}
            · <a href={failure.logsUrl} target="_blank" rel="noopener noreferrer">worker logs</a>
          </>
        ) : null}
      </p>
      {failure.details ? <pre className="failure-details">{JSON.stringify(failure.details, null, 2)}</pre> : null}
      {lines.length > 0 ? (
        <div className="log-box failure-lines" aria-label="Last lines before the failure">
          {lines.map((l) => (
            <div key={l.cursor} className={`log-line log-${l.stream.toLowerCase()}`}>
              <span className="log-text">{l.text}</span>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
