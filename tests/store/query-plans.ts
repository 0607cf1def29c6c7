/**
 * Every shape of the task list and the task counts (issue 14: every query stays flat), and a
 * store filled with a few thousand tasks for their plans to be real: the test files ask each
 * database's planner (tests/store/query-plans.test.ts, tests/production/query-plans.test.ts).
 */
import { TASK_STATUSES, type TaskStatus } from '../../src/machines/index.js';
import { eventPageSql, readSql, type Dialect, type Statement } from '../../src/store/sql.js';
import { searchRowsQuery, searchWindowQuery, taskCountQuery, taskPageQuery, taskSearchCountQuery } from '../../src/store/task-queries.js';
import type { Change, EventStore, Viewer } from '../../src/store/types.js';
import { taskChange } from './task-counts.js';

/** Ten orgs of four: a small org's share of a shared database is a tenth or less. */
const ORGS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne'];
const USERS = ORGS.flatMap((org) => ['ada', 'bob', 'cy', 'di'].map((name) => ({ id: `${org}/${name}`, org })));
/** Where tasks end, most of them merged, as in a team's months of history. */
const ENDS: TaskStatus[] = [...Array<TaskStatus>(12).fill('merged'), 'failed', 'cancelled', 'received', 'dispatched', 'coding', 'pr_open', 'needs_clarification', 'analyzing'];

/** Commit `n` tasks through the store (each created, then moved to where it ends), in groups. */
export async function fillTasks(store: EventStore, n: number): Promise<void> {
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let from = 0; from < n; from += 250) {
    const tasks = Array.from({ length: Math.min(250, n - from) }, (_, i) => ({
      id: `plan-${from + i}`,
      creator: USERS[Math.floor(rand() * USERS.length)],
      private: rand() < 0.15,
      end: ENDS[Math.floor(rand() * ENDS.length)],
    }));
    await Promise.all(tasks.map((t) => store.commit([taskChange(t.id, 0, t.creator, t.private, 'received', null)])));
    const moves: Change[][] = tasks.filter((t) => t.end !== 'received').map((t) => [taskChange(t.id, 1, t.creator, t.private, t.end, 'received')]);
    await Promise.all(moves.map((changes) => store.commit(changes)));
  }
}

export interface Shape {
  name: string;
  statement: Statement;
  /**
   * A count reads counters only; a list reads `tasks` by index ranges in `seq` order; a search
   * finds its matches by the full-text index (then sorts them by rank: what it matched, not the org).
   */
  kind: 'list' | 'count' | 'read' | 'search';
}

/**
 * Every list and count query the dashboard and the API make, as `viewer` (with `after` from the
 * middle: `after` in `seq` order, `afterUpdated` in `updated_seq` order).
 */
export function queryShapes(d: Dialect, viewer: Viewer, other: string, after: number, afterUpdated: number): Shape[] {
  const shapes: Shape[] = [];
  const scopes: { name: string; mine?: boolean; creatorId?: string }[] = [
    { name: 'all' },
    { name: 'mine', mine: true },
    { name: 'creatorId (someone else)', creatorId: other },
    { name: 'creatorId (self)', creatorId: viewer.id },
  ];
  const filters: (TaskStatus[] | undefined)[] = [undefined, ...TASK_STATUSES.map((s) => [s]), ['received', 'analyzing', 'dispatched', 'coding']];
  for (const scope of scopes) {
    for (const statuses of filters) {
      for (const sort of ['created', 'updated'] as const) {
        for (const page of [undefined, sort === 'created' ? after : afterUpdated]) {
          const name = `tasks ${sort} ${scope.name}${statuses ? ` status ${statuses.join('|')}` : ''}${page === undefined ? '' : ' after'}`;
          shapes.push({ name, kind: 'list', statement: taskPageQuery(d, { viewer, mine: scope.mine, creatorId: scope.creatorId, statuses, first: 50, after: page, sort }) });
        }
      }
    }
    shapes.push({ name: `counts ${scope.name}`, kind: 'count', statement: taskCountQuery(d, viewer, { mine: scope.mine ?? false, creatorId: scope.creatorId }) });
  }
  // Searches (issue 14): tasks are titled `task plan-<n>`, so `12` matches about 1 in 36 of them.
  for (const scope of scopes) {
    for (const search of [['12'], ['123'], ['plan', '12']]) {
      for (const statuses of [undefined, ['merged' as TaskStatus]]) {
        // A search page is read a window at a time (store/search-window.ts): the newest window,
        // or the one below an older task's seq.
        for (const below of [null, after]) {
          const name = `search ${search.join('+')} ${scope.name}${statuses ? ` status ${statuses.join('|')}` : ''}${below === null ? '' : ' older window'}`;
          shapes.push({ name, kind: 'search', statement: searchWindowQuery(d, { viewer, mine: scope.mine, creatorId: scope.creatorId, statuses, first: 50, search }, below) });
        }
      }
      const counted = { mine: scope.mine ?? false, creatorId: scope.creatorId };
      shapes.push({ name: `search counts ${search.join('+')} ${scope.name}`, kind: 'search', statement: taskSearchCountQuery(d, viewer, counted, search) });
    }
  }
  shapes.push({ name: 'search page rows', kind: 'read', statement: searchRowsQuery(d, viewer, [after, after - 7, after - 20]) });
  const sql = readSql(d);
  shapes.push({ name: 'agentList', kind: 'read', statement: { sql: sql.listAgents, params: [viewer.org] } });
  shapes.push({ name: 'dispatched tasks', kind: 'read', statement: { sql: sql.dispatched, params: [100] } });
  return shapes;
}

/**
 * The log's reads (a page after a cursor: all of it, one entity's, one type's; a patch's window;
 * the head): on SQLite the `events` view over `log` and `log_entities` (schema.ts), each a
 * range of a key or an index, in order.
 */
export function logShapes(d: Dialect, entityId: string, cursor: number): { name: string; statement: Statement }[] {
  const read = readSql(d);
  return [
    { name: 'log page', statement: { sql: eventPageSql(d, 'all'), params: [cursor, 100] } },
    { name: 'log page of an entity', statement: { sql: eventPageSql(d, 'entity'), params: [entityId, cursor, 100] } },
    { name: 'log page of tasks', statement: { sql: eventPageSql(d, 'type'), params: ['task', cursor, 100] } },
    { name: 'log page of agents', statement: { sql: eventPageSql(d, 'type'), params: ['agent', cursor, 100] } },
    { name: 'window', statement: { sql: read.window, params: [entityId, 1, 16] } },
    { name: 'head', statement: { sql: read.head, params: [] } },
  ];
}
