/**
 * Export/import checks shared by the SQLite and PostgreSQL tests: a data dir filled through the
 * real app (tasks in several states, private ones, agents with their deadlines, local issues, a
 * webhook delivery), and everything a store answers, read back for comparison.
 */
import { expect } from 'vitest';
import type { TaskStatus } from '../../src/machines/index.js';
import { searchTerms } from '../../src/store/search.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { EventStore, LogEvent, Viewer as ServiceViewer } from '../../src/store/types.js';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite.js';
import { untilSteady } from '../utils/poll.js';
import { startServer, tempDataDir } from '../utils/server.js';
import { expectCountsMatchRecount, type RawRows } from './task-counts.js';

const USERS: ServiceViewer[] = [
  { id: 'acme/ada', name: 'Ada', org: 'acme' },
  { id: 'acme/bob', name: 'Bob', org: 'acme' },
  { id: 'globex/cy', name: 'Cy', org: 'globex' },
];

/** Fill a new data dir through the real app (then stopped); returns the dir. */
export async function fillDataDir(tasks = 18): Promise<string> {
  const dataDir = tempDataDir();
  const store = await SqliteStore.open({ file: join(dataDir, 'conveyor.db') });
  const server = await startServer({ dataDir, overrides: { store } });
  const { app } = server;
  const { tasks: service, agents } = app.services;
  await agents.register(USERS[0], 'worker-1');
  await agents.register(USERS[2], 'worker-g');
  const ids: string[] = [];
  for (let i = 0; i < tasks; i++) {
    const user = USERS[i % USERS.length];
    const vague = i % 4 === 1;
    const task = await service.create(user, {
      title: `Task ${i}`,
      description: vague ? 'fix it' : `Add the export button number ${i} to the settings page, with a CSV download.`,
      private: i % 5 === 2,
    });
    ids.push(task.id);
  }
  // Settled: no new event for a while (analysis, issues, dispatch, wait reasons).
  const settled = () => untilSteady(() => store.head(), (a, b) => a === b, { everyMs: 300, timeoutMs: 20_000 });
  await settled();
  for (let i = 0; i < tasks; i += 6) await service.cancel(USERS[i % USERS.length], ids[i], 'no longer needed').catch(() => undefined);
  await store.recordWebhookDelivery('delivery-1', 'ignored');
  await settled();
  await server.stop();
  return dataDir;
}

const VIEWERS = [...USERS, { id: 'acme/zed', name: 'Zed', org: 'acme' }];
const STATUSES: TaskStatus[] = ['received', 'analyzing', 'needs_clarification', 'dispatched', 'coding', 'pr_open', 'merged', 'failed', 'cancelled'];

/** Everything the store answers through the port, for `toEqual` between two stores. */
export async function storeSnapshot(store: EventStore) {
  const events: LogEvent[] = [];
  for (let after = 0; ; ) {
    const page = await store.readAfter(after, { limit: 50 });
    if (page.events.length === 0) break;
    events.push(...page.events.map((e) => JSON.parse(JSON.stringify(e)) as LogEvent));
    after = page.events.at(-1)!.cursor;
  }
  const entityIds = [...new Set(events.map((e) => e.entityId))].sort();
  const entities = await Promise.all(entityIds.map((id) => store.load(id)));
  const taskIds = [...new Set(events.filter((e) => e.entityType === 'task').map((e) => e.entityId))].sort();
  const tasks = await Promise.all(taskIds.map((id) => store.getTask(id)));
  const agents = (await store.listAllAgents()).sort((a, b) => a.id.localeCompare(b.id));
  const agentViews = await Promise.all(agents.map((a) => store.getAgent(a.id)));
  const deadlines = (await store.dueDeadlines(Number.MAX_SAFE_INTEGER, 10_000)).sort((a, b) => `${a.entityId}/${a.key}`.localeCompare(`${b.entityId}/${b.key}`));
  const lists: unknown[] = [];
  const counts: unknown[] = [];
  const searches: { terms: string[]; ids: string[] }[] = [];
  for (const viewer of VIEWERS) {
    // By latest change too: each task's updated_seq is derived on import, from the imported log.
    for (const query of [{}, { mine: true }, { statuses: ['cancelled', 'dispatched'] as TaskStatus[] }, { sort: 'updated' as const }, { mine: true, sort: 'updated' as const }]) {
      const pages = [];
      for (let after: number | undefined; ; ) {
        const page = await store.listTasks({ viewer, first: 4, after, ...query });
        pages.push(page);
        if (!page.hasNextPage) break;
        after = page.endCursor!;
      }
      lists.push(pages);
    }
    // What the search index finds (ids sorted: the two dialects rank alike only in what they find).
    for (const task of tasks.slice(0, 6)) {
      const terms = searchTerms(task?.title).slice(0, 1);
      const page = await store.listTasks({ viewer, first: 100, search: terms });
      searches.push({ terms, ids: page.tasks.map((t) => t.id).sort() });
    }
    counts.push(await store.countTasks(viewer, { mine: false }), await store.countTasks(viewer, { mine: true }));
    counts.push(await store.countTasks(viewer, { mine: false, creatorId: USERS[0].id }));
  }
  const byBranch = await Promise.all(tasks.map((t) => (t?.branch ? store.findTaskByBranch(t.branch) : null)));
  const byIssue = await Promise.all(tasks.map((t) => (t?.issue ? store.findTaskByIssueNumber(t.issue.number) : null)));
  return {
    head: await store.head(),
    events,
    entities,
    tasks,
    agents: agentViews,
    agentsByOrg: await Promise.all(['acme', 'globex'].map((org) => store.listAgents(org))),
    deadlines,
    nextDeadline: await store.nextDeadlineAt(),
    dispatched: await store.listDispatchedTasks(1000),
    lists,
    searches,
    counts,
    byBranch,
    byIssue,
    delivery: await store.webhookDelivery('delivery-1'),
    statuses: STATUSES.map((s) => tasks.filter((t) => t?.status === s).length),
  };
}

/** What the fill must have produced, so the comparison is not vacuous. */
export function expectVariedFill(snapshot: Awaited<ReturnType<typeof storeSnapshot>>) {
  expect(snapshot.events.length).toBeGreaterThan(50);
  expect(snapshot.tasks.some((t) => t?.private)).toBe(true);
  expect(new Set(snapshot.tasks.map((t) => t?.status)).size).toBeGreaterThanOrEqual(3);
  expect(snapshot.agents.length).toBe(2);
  expect(snapshot.deadlines.length).toBeGreaterThan(0);
  expect(snapshot.byIssue.some(Boolean)).toBe(true);
  expect(snapshot.delivery).toBe('ignored');
}

/** The export as lines (exported at a fixed time). */
export async function exportAll(store: SqlStore, exportedAt = '2026-01-01T00:00:00.000Z'): Promise<string[]> {
  const { exportLines } = await import('../../src/store/transfer.js');
  const lines: string[] = [];
  for await (const line of exportLines(store, exportedAt)) lines.push(line);
  return lines;
}

/** After an import: the counters equal a recount, and new writes continue past the imported ids. */
export async function expectWorkingAfterImport(store: EventStore, raw: RawRows, lastIssue: number) {
  await expectCountsMatchRecount(store, raw);
  expect(await store.allocateIssueNumber('after-import')).toBe(lastIssue + 1);
}
