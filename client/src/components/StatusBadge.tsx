import { graphql, useFragment, type FragmentType } from '../gql';
import type { TaskStatus } from '../gql/graphql';

export const STATUS_LABEL: Record<TaskStatus, string> = {
  RECEIVED: 'Received',
  ANALYZING: 'Analyzing',
  NEEDS_CLARIFICATION: 'Needs clarification',
  DISPATCHED: 'Dispatched',
  CODING: 'Coding',
  PR_OPEN: 'PR open',
  HELD: 'Held (budget)',
  MERGED: 'Merged',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export const ALL_STATUSES = Object.keys(STATUS_LABEL) as TaskStatus[];
// Which statuses count as active, completed, failed or cancelled: lib/status-groups.ts.

export const StatusBadge_task = graphql(`
  fragment StatusBadge_task on Task {
    status
  }
`);

/** Colour per status (styles.css); `key` on the status replays the change animation. */
export function StatusBadge(props: { task: FragmentType<typeof StatusBadge_task> }) {
  const { status } = useFragment(StatusBadge_task, props.task);
  return (
    <span key={status} className={`badge status-${status.toLowerCase()}`} data-status={status}>
      {status === 'ANALYZING' ? <span className="spinner small" aria-hidden="true" /> : null}
      {STATUS_LABEL[status]}
    </span>
  );
}
