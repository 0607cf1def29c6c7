/**
 * The task list by latest change (issue 14: `tasks(sort: UPDATED)`) and counts under a search,
 * against any SQL store: run by tests/store/sort.test.ts (SQLite) and tests/production/sort.test.ts
 * (PostgreSQL) with the same expectations, so the two stores give the same answers.
 */
import { expect, it } from 'vitest';
import type { TaskStatus, TaskView } from '../../src/machines/index.js';
import type { EventStore, TaskPage, TaskQuery, Viewer } from '../../src/store/types.js';
import { allPages, searchChange, type SearchTask } from './search-suite.js';

const ada: Viewer = { id: 'acme/ada', name: 'Ada', org: 'acme' };
const bob: Viewer = { id: 'acme/bob', name: 'Bob', org: 'acme' };
const eve: Viewer = { id: 'globex/eve', name: 'Eve', org: 'globex' };

const ids = (tasks: TaskView[]) => tasks.map((t) => t.id);

/** Every page of a list, `first` at a time, with each task's key. */
export async function listAll(store: EventStore, query: Omit<TaskQuery, 'first' | 'after'>, first: number): Promise<{ ids: string[]; keys: number[] }> {
  const out = { ids: [] as string[], keys: [] as number[] };
  let page: TaskPage | undefined;
  for (let i = 0; i < 1000; i++) {
    page = await store.listTasks({ ...query, first, after: page?.endCursor ?? undefined });
    out.ids.push(...ids(page.tasks));
    out.keys.push(...page.keys);
    if (!page.hasNextPage) return out;
  }
  throw new Error('list did not end');
}

/** Tasks of three users in two orgs, some private, in several statuses; then some of them change. */
async function fill(store: EventStore): Promise<{ tasks: SearchTask[]; version: Map<string, number>; last: Map<string, number> }> {
  const creators = [ada, bob, eve].map((v) => ({ id: v.id, org: v.org }));
  const statuses: TaskStatus[] = ['received', 'coding', 'merged', 'failed', 'pr_open'];
  const tasks: SearchTask[] = Array.from({ length: 40 }, (_, i) => ({
    id: `s${i}`,
    title: `task ${i} ${i % 3 === 0 ? 'login' : 'export'}`,
    creator: creators[i % 3],
    private: i % 7 === 0,
    status: 'received',
  }));
  const version = new Map<string, number>();
  const last = new Map<string, number>();
  for (const t of tasks) {
    const [event] = await store.commit([searchChange(t)]);
    version.set(t.id, 1);
    last.set(t.id, event.cursor);
  }
  // Changes in an order unlike creation's, some tasks twice, some never.
  for (const n of [5, 31, 2, 17, 5, 38, 0, 12, 26, 31, 9]) {
    const t = tasks[n];
    const prev = t.status!;
    t.status = statuses[(statuses.indexOf(prev as TaskStatus) + 1) % statuses.length];
    const v = version.get(t.id)! + 1;
    const [event] = await store.commit([searchChange(t, v, prev)]);
    version.set(t.id, v);
    last.set(t.id, event.cursor);
  }
  return { tasks, version, last };
}

export function sortSuite(open: () => Promise<EventStore>): void {
  it('lists by latest change: the task changed last first, each keyed by its latest event', async () => {
    const store = await open();
    const { tasks, last } = await fill(store);
    const visible = tasks.filter((t) => t.creator.id === ada.id || (t.creator.org === ada.org && !t.private));
    const byUpdated = [...visible].sort((a, b) => last.get(b.id)! - last.get(a.id)!).map((t) => t.id);
    const page = await store.listTasks({ viewer: ada, first: 100, sort: 'updated' });
    expect(ids(page.tasks)).toEqual(byUpdated);
    expect(page.keys).toEqual(byUpdated.map((id) => last.get(id)));
    expect(page.tasks.slice(0, 3).map((t) => t.id)).toEqual(['s9', 's31', 's12']);
    // Creation order is unchanged by the changes.
    const created = await store.listTasks({ viewer: ada, first: 100 });
    expect(ids(created.tasks)).toEqual(visible.map((t) => t.id).reverse());
    await store.close();
  });

  it('pages by latest change without gaps or repeats, for every scope and status filter', async () => {
    const store = await open();
    const { tasks, last } = await fill(store);
    const queries: Omit<TaskQuery, 'first' | 'after'>[] = [
      { viewer: ada },
      { viewer: ada, mine: true },
      { viewer: ada, creatorId: bob.id },
      { viewer: ada, creatorId: ada.id },
      { viewer: bob, statuses: ['received'] },
      { viewer: bob, statuses: ['coding', 'merged'] },
      { viewer: eve },
      { viewer: eve, statuses: ['failed', 'pr_open', 'received'] },
    ];
    for (const query of queries) {
      const want = tasks
        .filter((t) => t.creator.id === query.viewer.id || (t.creator.org === query.viewer.org && !t.private))
        .filter((t) => (!query.mine || t.creator.id === query.viewer.id) && (!query.creatorId || t.creator.id === query.creatorId))
        .filter((t) => !query.statuses || query.statuses.includes(t.status as TaskStatus))
        .sort((a, b) => last.get(b.id)! - last.get(a.id)!)
        .map((t) => t.id);
      for (const first of [1, 4, 50]) {
        const got = await listAll(store, { ...query, sort: 'updated' }, first);
        expect(got.ids, `${JSON.stringify({ ...query, viewer: query.viewer.id })} by ${first}`).toEqual(want);
        expect(got.keys).toEqual(want.map((id) => last.get(id)));
      }
    }
    await store.close();
  });

  it('keys a commit of several events by its last event', async () => {
    const store = await open();
    const t: SearchTask = { id: 'multi', title: 'multi', creator: ada };
    await store.commit([searchChange(t)]);
    await store.commit([searchChange({ id: 'other', title: 'other', creator: ada })]);
    const change = searchChange({ ...t, status: 'coding' }, 2, 'received');
    const second = { ...change.events[0], version: 3, type: 'STEP2' };
    const events = await store.commit([{ ...change, events: [change.events[0], second], view: { ...change.view, version: 3 } }]);
    const page = await store.listTasks({ viewer: ada, first: 10, sort: 'updated' });
    expect(ids(page.tasks)).toEqual(['multi', 'other']);
    expect(page.keys[0]).toBe(events[1].cursor);
    await store.close();
  });

  it('counts the matches of a search per status: exactly what its pages hold', async () => {
    const store = await open();
    const { tasks } = await fill(store);
    for (const viewer of [ada, bob, eve]) {
      for (const scope of [{ mine: false }, { mine: true }, { mine: false, creatorId: bob.id }]) {
        for (const search of [['login'], ['export'], ['task', '1'], ['nothing']]) {
          const counts = await store.countTasks(viewer, { ...scope, search });
          const paged = await allPages(store, viewer, search, 3, scope);
          const byStatus: Record<string, number> = {};
          for (const t of paged) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
          expect(counts.byStatus, `${viewer.id} ${JSON.stringify(scope)} ${search}`).toEqual(byStatus);
        }
      }
    }
    // Without a search: every visible task, as before.
    const all = await store.countTasks(ada, { mine: false });
    const visible = tasks.filter((t) => t.creator.id === ada.id || (t.creator.org === ada.org && !t.private));
    expect(Object.values(all.byStatus).reduce((a, b) => a + b, 0)).toBe(visible.length);
    await store.close();
  });
}
