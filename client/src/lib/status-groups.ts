/**
 * The one definition of the dashboard's groups — active, completed, failed, cancelled — read by
 * the count cards and by the lists alike, so a card always counts exactly the tasks of its list.
 *
 * It mirrors the server's `summarize` (src/services/counts.ts): active = received + analyzing +
 * needs_clarification + dispatched + coding + pr_open + held; completed = merged; failed; cancelled;
 * total = all of them. The cards are computed here from `dashboardCounts.byStatus` (not from the
 * server's derived `active`/`completed` figures), so both sides of the page use this table;
 * status-groups.test.ts checks it against `summarize` for every status.
 */
import type { TaskStatus } from '../gql/graphql';

export type StatusGroup = 'active' | 'completed' | 'failed' | 'cancelled';

/** Every status in exactly one group (a new enum value does not compile until it is placed). */
export const STATUS_GROUP: Record<TaskStatus, StatusGroup> = {
  RECEIVED: 'active',
  ANALYZING: 'active',
  NEEDS_CLARIFICATION: 'active',
  DISPATCHED: 'active',
  CODING: 'active',
  PR_OPEN: 'active',
  HELD: 'active',
  MERGED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};

export interface GroupInfo {
  key: StatusGroup;
  /** Card label and list heading. */
  label: string;
  /** What the group holds, in words (card tooltip, list subtitle). */
  holds: string;
  /** Colour family (styles.css `.count-<tone>`). */
  tone: string;
  /** The empty list's text when no status filter is on. */
  empty: string;
}

/** In the order the cards and the lists are shown. */
export const GROUPS: readonly GroupInfo[] = [
  { key: 'active', label: 'Active', holds: 'received, analyzing, needs clarification, dispatched, coding or PR open', tone: 'active', empty: 'Nothing in progress. Create a task to get started.' },
  { key: 'completed', label: 'Completed', holds: 'merged', tone: 'merged', empty: 'No merged tasks yet.' },
  { key: 'failed', label: 'Failed', holds: 'failed (their creator can retry them)', tone: 'failed', empty: 'No failed tasks.' },
  { key: 'cancelled', label: 'Cancelled', holds: 'cancelled', tone: 'cancelled', empty: 'No cancelled tasks.' },
];

export function groupOf(status: TaskStatus): StatusGroup {
  return STATUS_GROUP[status];
}

export function statusesOf(group: StatusGroup): TaskStatus[] {
  return (Object.keys(STATUS_GROUP) as TaskStatus[]).filter((s) => STATUS_GROUP[s] === group);
}

export type GroupCounts = Record<StatusGroup | 'total', number>;

/**
 * Card values from per-status counts. With `only` (the status filter chips) a status outside it
 * counts 0, exactly as the lists leave its tasks out.
 */
export function countGroups(byStatus: readonly { status: TaskStatus; count: number }[], only: readonly TaskStatus[] = []): GroupCounts {
  const counts: GroupCounts = { active: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
  for (const { status, count } of byStatus) {
    if (only.length > 0 && !only.includes(status)) continue;
    counts[STATUS_GROUP[status]] += count;
    counts.total += count;
  }
  return counts;
}

/** Tasks split into the groups, each in the order given. */
export function groupTasks<T extends { status: TaskStatus }>(items: readonly T[]): Record<StatusGroup, T[]> {
  const groups: Record<StatusGroup, T[]> = { active: [], completed: [], failed: [], cancelled: [] };
  for (const item of items) groups[STATUS_GROUP[item.status]].push(item);
  return groups;
}
