/**
 * Search (issue 14) against any SQL store: ranking, visibility, paging, sanitising, and a
 * differential check that the store's full-text query and the in-memory matcher
 * (src/store/search.ts, what `taskUpdated(filter: { search })` uses) agree on a generated corpus.
 * Run by tests/store/search.test.ts (SQLite) and tests/production/search.test.ts (PostgreSQL).
 */
import { expect, it } from 'vitest';
import type { TaskView } from '../../src/machines/index.js';
import { matchesSearch, searchTerms } from '../../src/store/search.js';
import { SEARCH_WINDOW } from '../../src/store/search-window.js';
import type { Change, EventStore, TaskPage, Viewer } from '../../src/store/types.js';
import { canSeeTask } from '../../src/services/visibility.js';

const at = '2026-01-01T00:00:00.000Z';

export interface TaskText {
  title: string;
  description?: string | null;
  branch?: string | null;
  issue?: number | null;
  pr?: number | null;
}

export interface SearchTask extends TaskText {
  id: string;
  creator: { id: string; org: string };
  private?: boolean;
  status?: string;
}

/** A task's view as the commit writes it. */
export function searchView(t: SearchTask, version: number): TaskView {
  return {
    id: t.id, title: t.title, description: t.description ?? null, creator: { id: t.creator.id, name: t.creator.id }, org: t.creator.org,
    private: t.private ?? false, createdAt: at, clarifications: [], issue: t.issue == null ? null : { number: t.issue, url: 'https://x/i' },
    branch: t.branch ?? null, pr: t.pr == null ? null : { number: t.pr, url: 'https://x/p', title: 'pr' }, mergeCommitSha: null, mergedAt: null,
    error: null, agentId: null, progress: null, heldReason: null, status: t.status ?? 'received', stateValue: t.status ?? 'received', version, updatedAt: at,
  } as TaskView;
}

/** Commit `t` as its version `version` (1 creates it). */
export function searchChange(t: SearchTask, version = 1, prevStatus: string | null = null): Change {
  const view = searchView(t, version);
  return {
    entityType: 'task', entityId: t.id, expectedVersion: version - 1,
    events: [{ entityType: 'task', entityId: t.id, version, type: version === 1 ? 'CREATED' : 'STEP', at, actor: t.creator.id, payload: null,
      scope: { org: t.creator.org, ownerId: t.creator.id, private: t.private ?? false }, prevStatus, state: view }],
    state: { value: view.status, context: { id: t.id } }, effects: [], view, deadlines: [],
  };
}

const ada: Viewer = { id: 'acme/ada', name: 'Ada', org: 'acme' };
const bob: Viewer = { id: 'acme/bob', name: 'Bob', org: 'acme' };
const eve: Viewer = { id: 'globex/eve', name: 'Eve', org: 'globex' };

/** Every page of a search, `first` at a time. */
export async function allPages(store: EventStore, viewer: Viewer, search: string[], first: number, extra: Partial<Parameters<EventStore['listTasks']>[0]> = {}): Promise<TaskView[]> {
  const out: TaskView[] = [];
  let page: TaskPage | undefined;
  for (let i = 0; i < 1000; i++) {
    page = await store.listTasks({
      viewer, search, first, ...extra,
      searchAfter: page ? { score: page.endRank!, seq: page.endCursor!, below: page.endWindow ?? null } : undefined,
    });
    out.push(...page.tasks);
    if (!page.hasNextPage) return out;
  }
  throw new Error('search did not end');
}

const ids = (tasks: TaskView[]) => tasks.map((t) => t.id);

export function searchSuite(open: () => Promise<EventStore>): void {
  it('ranks a title match above a description match, and ties newest first', async () => {
    const store = await open();
    await store.commit([searchChange({ id: 'desc', title: 'unrelated', description: 'fix the login form', creator: ada })]);
    await store.commit([searchChange({ id: 'title-old', title: 'Login form broken', creator: ada })]);
    await store.commit([searchChange({ id: 'title-new', title: 'Login form broken', creator: ada })]);
    await store.commit([searchChange({ id: 'other', title: 'dark mode', creator: ada })]);
    const page = await store.listTasks({ viewer: ada, search: searchTerms('log FORM'), first: 10 });
    expect(ids(page.tasks)).toEqual(['title-new', 'title-old', 'desc']);
    expect(page.hasNextPage).toBe(false);
    await store.close();
  });

  it('finds branch, issue and PR numbers, and words written after creation', async () => {
    const store = await open();
    const t: SearchTask = { id: 'refs', title: 'speed up import', creator: ada };
    await store.commit([searchChange(t)]);
    expect(ids((await store.listTasks({ viewer: ada, search: ['feature'], first: 5 })).tasks)).toEqual([]);
    await store.commit([searchChange({ ...t, branch: 'feature/fast-import', issue: 4711, pr: 815, status: 'pr_open' }, 2, 'received')]);
    for (const q of ['feature', 'fast', '4711', '47', '815', 'import feature']) {
      expect(ids((await store.listTasks({ viewer: ada, search: searchTerms(q), first: 5 })).tasks), q).toEqual(['refs']);
    }
    // Rewritten, not added to: one row, found once.
    expect((await store.listTasks({ viewer: ada, search: ['speed'], first: 5 })).tasks).toHaveLength(1);
    expect((await store.listTasks({ viewer: ada, search: ['speed'], first: 5 })).tasks[0].status).toBe('pr_open');
    await store.close();
  });

  it('never shows a teammate someone else’s private task, nor another org’s', async () => {
    const store = await open();
    await store.commit([searchChange({ id: 'bob-private', title: 'secret roadmap', creator: bob, private: true })]);
    await store.commit([searchChange({ id: 'bob-public', title: 'public roadmap', creator: bob })]);
    await store.commit([searchChange({ id: 'eve-public', title: 'globex roadmap', creator: eve })]);
    await store.commit([searchChange({ id: 'ada-private', title: 'my roadmap', creator: ada, private: true })]);
    const find = async (viewer: Viewer, q: string, extra = {}) => ids((await store.listTasks({ viewer, search: searchTerms(q), first: 20, ...extra })).tasks).sort();
    expect(await find(ada, 'roadmap')).toEqual(['ada-private', 'bob-public']);
    expect(await find(ada, 'secret')).toEqual([]);
    expect(await find(ada, 'secret', { creatorId: bob.id })).toEqual([]);
    expect(await find(ada, 'roadmap', { creatorId: bob.id })).toEqual(['bob-public']);
    expect(await find(ada, 'roadmap', { mine: true })).toEqual(['ada-private']);
    expect(await find(bob, 'secret')).toEqual(['bob-private']);
    expect(await find(eve, 'roadmap')).toEqual(['eve-public']);
    expect(await find(ada, 'roadmap', { statuses: ['merged'] })).toEqual([]);
    await store.close();
  });

  it('pages through every match once, in rank order, without gaps', async () => {
    const store = await open();
    const words = ['alpha', 'beta', 'gamma', 'delta'];
    for (let i = 0; i < 45; i++) {
      // Several distinct scores, and many ties within each.
      const title = `alpha ${words.slice(0, 1 + (i % 4)).join(' ')}${i % 3 === 0 ? ' alpha' : ''}`;
      await store.commit([searchChange({ id: `p${i}`, title, description: i % 5 === 0 ? 'alpha again' : null, creator: i % 2 ? ada : bob })]);
    }
    const whole = await store.listTasks({ viewer: ada, search: ['alpha'], first: 200 });
    expect(whole.tasks).toHaveLength(45);
    for (const first of [1, 7, 10, 44, 45]) {
      const paged = await allPages(store, ada, ['alpha'], first);
      expect(ids(paged), `pages of ${first}`).toEqual(ids(whole.tasks));
    }
    await store.close();
  });

  it('past a window of matches: the best of the newest SEARCH_WINDOW, then of the next older ones, every match once', async () => {
    const store = await open();
    const n = SEARCH_WINDOW + 350;
    // Matches, with a private one of Bob's and some non-matches between: a window counts only
    // what the viewer may see (Ada sees neither Bob's private task nor Eve's).
    for (let i = 0; i < n; i += 50) {
      await store.commit(
        Array.from({ length: Math.min(50, n - i) }, (_, k) => {
          const j = i + k;
          const title = j % 7 === 0 ? 'common common word' : j % 11 === 0 ? 'other thing' : 'common word';
          return searchChange({ id: `w${j}`, title, creator: j % 13 === 0 ? eve : j % 17 === 0 ? bob : ada, private: j % 17 === 0 });
        }),
      );
    }
    const visible = Array.from({ length: n }, (_, j) => j).filter((j) => j % 11 !== 0 || j % 7 === 0).filter((j) => j % 13 !== 0 && j % 17 !== 0);
    for (const first of [50, 333]) {
      const paged = await allPages(store, ada, ['common'], first);
      expect(paged.map((t) => t.id).sort(), `pages of ${first}`).toEqual(visible.map((j) => `w${j}`).sort());
      // The first window is the newest SEARCH_WINDOW matches Ada may see, ranked (the doubled word first).
      const newest = new Set(visible.slice(-SEARCH_WINDOW).map((j) => `w${j}`));
      const firstWindow = paged.slice(0, SEARCH_WINDOW);
      expect(firstWindow.every((t) => newest.has(t.id))).toBe(true);
      const doubled = firstWindow.findIndex((t) => t.title !== 'common common word');
      expect(firstWindow.slice(doubled).every((t) => t.title === 'common word')).toBe(true);
    }
    await store.close();
  });

  it('takes any text: FTS syntax is plain words, and nothing left is no search', async () => {
    const store = await open();
    await store.commit([searchChange({ id: 'near', title: 'NEAR the "quoted" (thing) - and * more', creator: ada })]);
    await store.commit([searchChange({ id: 'plain', title: 'nothing special', creator: ada })]);
    const nasty = ['"', '*', '(', ')', 'NEAR', 'NEAR(', '-', '- thing', '"quoted', 'thing)', 'AND', 'OR', 'NOT', 'title:thing', '^thing', "'", "a'b", ':*', '&', '|', '!', '\\', 'near/2', 'quo*', '{ }', 'x OR y'];
    for (const q of nasty) {
      const terms = searchTerms(q);
      const page = await store.listTasks({ viewer: ada, search: terms, first: 10 });
      const expected = terms.length === 0 ? ['plain', 'near'] : ['plain', 'near'].filter((id) => matchesSearch(searchView({ id, title: id === 'near' ? 'NEAR the "quoted" (thing) - and * more' : 'nothing special', creator: ada }, 1), terms));
      expect(ids(page.tasks).sort(), q).toEqual(expected.sort());
    }
    expect(ids((await store.listTasks({ viewer: ada, search: searchTerms('near AND "quoted"'), first: 10 })).tasks)).toEqual(['near']);
    await store.close();
  });

  it('agrees with the in-memory matcher on a generated corpus (differential)', async () => {
    const store = await open();
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 16807) % 2147483647), seed % n);
    const vocab = ['login', 'logout', 'log', 'Form', 'formal', 'café', 'CAFE', 'naïve', 'größe', 'ünïcode', 'x1', '1x', '42', '420', '4.2', 'a-b', 'foo_bar', 'e-mail', 'dev@example.com', 'path/to/file.ts', 'v1.2.3', 'NEAR', 'and', 'ÆON', 'straße', '日本語', 'mañana'];
    const users = [ada, bob, eve, { id: 'acme/cy', name: 'Cy', org: 'acme' }];
    const phrase = (n: number) => Array.from({ length: n }, () => vocab[rand(vocab.length)]).join([' ', ', ', '-', '/', '  '][rand(5)]);
    const tasks: SearchTask[] = [];
    for (let i = 0; i < 120; i++) {
      const u = users[rand(users.length)];
      const t: SearchTask = {
        id: `d${i}`, title: phrase(1 + rand(4)), description: rand(3) === 0 ? null : phrase(rand(8)), creator: { id: u.id, org: u.org },
        private: rand(4) === 0, branch: rand(3) === 0 ? `feature/${phrase(2)}` : null, issue: rand(3) === 0 ? rand(500) : null, pr: rand(4) === 0 ? rand(900) : null,
      };
      tasks.push(t);
    }
    await Promise.all(tasks.map((t) => store.commit([searchChange(t)])));
    // Some rewritten: the index follows the latest view.
    for (const t of tasks.filter((_, i) => i % 7 === 0)) {
      t.branch = `fix/${phrase(1)}`;
      t.pr = rand(900);
      await store.commit([searchChange(t, 2, 'received')]);
    }
    const queries = ['', ...vocab, ...vocab.map((w) => w.slice(0, 2)), 'lo fo', 'café 42', 'x', '4', 'feature', 'fix log', '"NEAR" (and)', 'größe straße', '日本', 'e mail', 'path file', 'FORM*', 'zzz'];
    let found = 0;
    for (const q of queries) {
      const terms = searchTerms(q);
      for (const viewer of users) {
        const expected = tasks
          .filter((t) => canSeeTask(viewer, { org: t.creator.org, ownerId: t.creator.id, private: t.private ?? false }))
          .filter((t) => matchesSearch(searchView(t, 1), terms))
          .map((t) => t.id);
        const got = terms.length === 0 ? null : await allPages(store, viewer, terms, 25);
        if (got) expect(ids(got).sort(), `${JSON.stringify(q)} as ${viewer.id}`).toEqual(expected.sort());
        found += got?.length ?? 0;
      }
    }
    // Not vacuous: the queries find a good part of the corpus.
    expect(found).toBeGreaterThan(500);
    await store.close();
  });
}
