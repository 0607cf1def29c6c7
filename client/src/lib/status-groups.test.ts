import { describe, expect, it } from 'vitest';
import { TASK_STATUSES } from '../../../src/machines/index.js';
import { summarize } from '../../../src/services/counts.js';
import type { TaskStatus } from '../gql/graphql';
import { countGroups, groupTasks, GROUPS, STATUS_GROUP, statusesOf } from './status-groups.js';

const upper = (s: string) => s.toUpperCase() as TaskStatus;

describe('dashboard status groups', () => {
  it('cover every status of the server exactly once', () => {
    expect(Object.keys(STATUS_GROUP).sort()).toEqual(TASK_STATUSES.map(upper).sort());
    const grouped = GROUPS.flatMap((g) => statusesOf(g.key));
    expect(grouped.sort()).toEqual(TASK_STATUSES.map(upper).sort());
  });

  it('count as the server summarises, one status at a time and all together', () => {
    const cases: Record<string, number>[] = [
      ...TASK_STATUSES.map((only) => Object.fromEntries(TASK_STATUSES.map((s) => [s, s === only ? 1 : 0]))),
      Object.fromEntries(TASK_STATUSES.map((s, i) => [s, 2 ** i])), // every status a distinct bit
    ];
    for (const byStatus of cases) {
      const server = summarize({ byStatus: byStatus as never, cursor: 0 });
      const client = countGroups(TASK_STATUSES.map((s) => ({ status: upper(s), count: byStatus[s] })));
      expect(client).toEqual({ active: server.active, completed: server.completed, failed: server.failed, cancelled: server.cancelled, total: server.total });
    }
  });

  it('restrict the counts to the status filter as the lists do', () => {
    const byStatus = TASK_STATUSES.map((s) => ({ status: upper(s), count: 1 }));
    expect(countGroups(byStatus, ['FAILED', 'CODING'])).toEqual({ active: 1, completed: 0, failed: 1, cancelled: 0, total: 2 });
    const tasks = TASK_STATUSES.map((s) => ({ status: upper(s) }));
    const lists = groupTasks(tasks);
    expect(countGroups(byStatus)).toEqual({
      active: lists.active.length,
      completed: lists.completed.length,
      failed: lists.failed.length,
      cancelled: lists.cancelled.length,
      total: tasks.length,
    });
  });
});
