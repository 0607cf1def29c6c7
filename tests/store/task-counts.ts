/**
 * Task counters against a full recount (issue 14), for every adapter: random commits of creates,
 * status moves (cancel, fail, retry, …), several tasks in one commit, commits in one group,
 * refused and failing requests beside committed ones. After each sequence the counter tables
 * equal a GROUP BY over `tasks`, and `countTasks` and `listTasks` (every page) equal what the
 * visibility rule picks out of `tasks`, for every viewer and scope.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { TaskStatus } from '../../src/machines/index.js';
import type { Change, EventStore, Viewer } from '../../src/store/types.js';

/** A raw read of the adapter's own database, for the recount. */
export type RawRows = (sql: string) => Promise<Record<string, unknown>[]>;

const at = '2026-01-01T00:00:00.000Z';
const STATUSES: TaskStatus[] = ['received', 'analyzing', 'needs_clarification', 'dispatched', 'coding', 'pr_open', 'merged', 'failed', 'cancelled'];
/** Creators: ids are not tied to an org (a JWT's subject), so one of them works in two orgs. */
const USERS = ['acme/ada@acme', 'acme/bob@acme', 'globex/cy@globex', 'roamer@acme', 'roamer@globex'].map((user) => {
  const [id, org] = user.split('@');
  return { id, org };
});

/** A task's stored change: `view` says what the commit claims (creator, org, flag, status). */
export function taskChange(id: string, expectedVersion: number, creator: { id: string; org: string }, isPrivate: boolean, status: string, prevStatus: string | null): Change {
  const version = expectedVersion + 1;
  const view = {
    id, title: `task ${id}`, description: null, creator: { id: creator.id, name: creator.id }, org: creator.org, private: isPrivate, createdAt: at,
    clarifications: [], issue: null, branch: null, pr: null, mergeCommitSha: null, mergedAt: null, error: null, agentId: null,
    status, stateValue: status, version, updatedAt: at,
  } as never;
  return {
    entityType: 'task', entityId: id, expectedVersion,
    events: [{ entityType: 'task', entityId: id, version, type: expectedVersion === 0 ? 'CREATED' : 'STEP', at, actor: creator.id, payload: null,
      scope: { org: creator.org, ownerId: creator.id, private: isPrivate }, prevStatus, state: view }],
    state: { value: status, context: { id } }, effects: [], view, deadlines: [],
  };
}

type Op =
  | { kind: 'create'; user: number; private: boolean; status: number }
  | { kind: 'move'; task: number; status: number }
  /** A commit whose view claims another creator and flag: the stored row keeps its own. */
  | { kind: 'relabel'; task: number; user: number; status: number }
  | { kind: 'stale'; task: number }
  | { kind: 'broken'; user: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), user: fc.nat(USERS.length - 1), private: fc.boolean(), status: fc.constantFrom(0, 0, 3, 7) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('move' as const), task: fc.nat(), status: fc.nat(STATUSES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('relabel' as const), task: fc.nat(), user: fc.nat(USERS.length - 1), status: fc.nat(STATUSES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), task: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('broken' as const), user: fc.nat(USERS.length - 1) }) },
);

/** Commits: each a list of ops in one commit; commits of one step share a tick (one group). */
const steps = fc.array(fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 });

interface Model {
  id: string;
  creator: { id: string; org: string };
  private: boolean;
  status: string;
  version: number;
}

let run = 0;

/** Run the property on `open()`'s store; `raw` reads its database. */
export async function checkCountsProperty(open: () => Promise<{ store: EventStore; raw: RawRows; close(): Promise<void> }>, numRuns: number) {
  await fc.assert(
    fc.asyncProperty(steps, async (plan) => {
      const { store, raw, close } = await open();
      const prefix = `r${run++}-`;
      const tasks: Model[] = [];
      let made = 0;
      try {
        for (const step of plan) {
          // Planned against the model as of the step's start; a commit that fails changes nothing.
          const claimed = new Set<string>();
          const commits = step.map((ops) => {
            const changes: Change[] = [];
            const after: (() => void)[] = [];
            let refused = false;
            for (const o of ops) {
              if (o.kind === 'create' || o.kind === 'broken') {
                const t: Model = { id: `${prefix}${made++}`, creator: USERS[o.user], private: o.kind === 'create' && o.private, status: STATUSES[o.kind === 'create' ? o.status : 0], version: 1 };
                const c = taskChange(t.id, 0, t.creator, t.private, t.status, null);
                if (o.kind === 'broken') {
                  // Fails mid-write (NOT NULL status), after the checks: the group's fallback path.
                  c.view = { ...(c.view as object), status: null } as never;
                  refused = true;
                } else after.push(() => tasks.push(t));
                changes.push(c);
                continue;
              }
              if (tasks.length === 0) continue;
              const t = tasks[o.task % tasks.length];
              if (claimed.has(t.id)) continue; // one change per task per step
              claimed.add(t.id);
              if (o.kind === 'stale') {
                changes.push(taskChange(t.id, t.version + 1, t.creator, t.private, 'failed', t.status));
                refused = true;
                continue;
              }
              const status = STATUSES[o.status];
              const label = o.kind === 'relabel' ? USERS[o.user] : t.creator;
              changes.push(taskChange(t.id, t.version, label, o.kind === 'relabel' ? !t.private : t.private, status, t.status));
              after.push(() => Object.assign(t, { status, version: t.version + 1 }));
            }
            return { changes, after, refused };
          });
          const results = await Promise.allSettled(commits.map((c) => (c.changes.length > 0 ? store.commit(c.changes) : Promise.resolve([]))));
          results.forEach((result, i) => {
            expect(result.status, `commit ${i} of step`).toBe(commits[i].refused && commits[i].changes.length > 0 ? 'rejected' : 'fulfilled');
            if (result.status === 'fulfilled') for (const apply of commits[i].after) apply();
          });
        }
        await expectCountsMatchRecount(store, raw);
      } finally {
        await close();
      }
    }),
    { numRuns },
  );
}

/** Every viewer, every scope: counters, countTasks and every page of listTasks against `tasks`. */
export async function expectCountsMatchRecount(store: EventStore, raw: RawRows) {
  const flag = (value: unknown) => (value === true || value === 1 ? 1 : 0);
  const key = (row: Record<string, unknown>, columns: string[]) => columns.map((c) => (c === 'private' ? flag(row[c]) : String(row[c]))).join('|');
  const table = async (sql: string, columns: string[]) =>
    Object.fromEntries((await raw(sql)).filter((row) => Number(row.n) !== 0).map((row) => [key(row, columns), Number(row.n)]));
  const creators = ['creator_id', 'org', 'private', 'status'];
  expect(await table(`SELECT creator_id, org, private, status, n FROM task_counts`, creators)).toEqual(
    await table(`SELECT creator_id, org, private, status, count(*) AS n FROM tasks GROUP BY creator_id, org, private, status`, creators),
  );
  expect(await table(`SELECT org, status, n FROM org_task_counts`, ['org', 'status'])).toEqual(
    await table(`SELECT org, status, count(*) AS n FROM tasks WHERE NOT private GROUP BY org, status`, ['org', 'status']),
  );
  const rows = (await raw(`SELECT id, seq, creator_id, org, private, status FROM tasks`)).map((row) => ({
    id: String(row.id), seq: Number(row.seq), creatorId: String(row.creator_id), org: String(row.org), private: flag(row.private) === 1, status: String(row.status),
  }));
  rows.sort((a, b) => b.seq - a.seq);
  const viewers: Viewer[] = USERS.map((u) => ({ id: u.id, name: u.id, org: u.org }));
  for (const viewer of viewers) {
    const visible = rows.filter((t) => t.creatorId === viewer.id || (t.org === viewer.org && !t.private));
    const scopes: { mine: boolean; creatorId?: string }[] = [{ mine: false }, { mine: true }, ...USERS.map((u) => ({ mine: false, creatorId: u.id })), { mine: true, creatorId: 'acme/bob' }];
    for (const scope of scopes) {
      const inScope = visible.filter((t) => (!scope.mine || t.creatorId === viewer.id) && (scope.creatorId === undefined || t.creatorId === scope.creatorId));
      const byStatus: Record<string, number> = {};
      for (const t of inScope) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
      const what = `${viewer.id}@${viewer.org} ${JSON.stringify(scope)}`;
      expect((await store.countTasks(viewer, scope)).byStatus, what).toEqual(byStatus);
      for (const statuses of [undefined, ['received'], ['merged', 'failed', 'received']] as (TaskStatus[] | undefined)[]) {
        const expected = inScope.filter((t) => !statuses || statuses.includes(t.status as TaskStatus)).map((t) => t.id);
        expect(await allPages(store, { viewer, ...scope, statuses }), `${what} ${statuses}`).toEqual(expected);
      }
    }
  }
}

async function allPages(store: EventStore, query: { viewer: Viewer; mine: boolean; creatorId?: string; statuses?: TaskStatus[] }): Promise<string[]> {
  const ids: string[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await store.listTasks({ ...query, first: 3, after });
    ids.push(...page.tasks.map((t) => t.id));
    if (!page.hasNextPage) return ids;
    after = page.endCursor!;
  }
}
