/**
 * What the task's creator may do to it from its page: cancel or retry, each offered while the
 * task's `availableActions` has it. Both mutations answer the task under one alias, `task`, so
 * one button does for both: it runs its mutation and puts the answer in the task store (the live
 * stream brings the same version too; the store keeps the newest).
 */
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { TaskAction } from '../gql/graphql';
import { tasks } from '../stores';
import { ErrorText } from './ErrorText';

const Cancel = graphql(`
  mutation CancelTask($taskId: ID!) {
    task: cancelTask(taskId: $taskId) {
      ...LiveTask_task
    }
  }
`);
const Retry = graphql(`
  mutation RetryTask($taskId: ID!) {
    task: retryTask(taskId: $taskId) {
      ...LiveTask_task
    }
  }
`);

/** `available`: the actions the viewer may take (none unless it is their task). */
export function TaskActions({ taskId, available }: { taskId: string; available: readonly TaskAction[] }) {
  const actions = [
    { action: 'CANCEL', mutation: useMutation(Cancel), className: 'button danger', label: 'Cancel task', busy: 'Cancelling…' },
    { action: 'RETRY', mutation: useMutation(Retry), className: 'button primary', label: 'Retry', busy: 'Retrying…' },
  ] as const;
  return (
    <>
      <div className="actions">
        {actions.map(({ action, mutation: [state, run], className, label, busy }) =>
          available.includes(action) ? (
            <button key={action} type="button" className={className} disabled={state.fetching} onClick={async () => {
              const r = await run({ taskId });
              if (r.data) tasks.apply(r.data.task);
            }}>
              {state.fetching ? busy : label}
            </button>
          ) : null,
        )}
      </div>
      <ErrorText error={actions.map(({ mutation: [state] }) => state.error).find(Boolean)} />
    </>
  );
}
