/**
 * SQLite's search index in partitions (src/store/search-partitions.ts): past two partitions'
 * worth of tasks, a search still finds every match it may show exactly once, newest window
 * first, its counts are what paging reaches, a task written again stays in its partition, and
 * an import cuts the partitions afresh with the same answers.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/machines/index.js';
import { canSeeTask } from '../../src/services/visibility.js';
import { matchesSearch } from '../../src/store/search.js';
import { PARTITION_TASKS } from '../../src/store/search-partitions.js';
import { SEARCH_WINDOW } from '../../src/store/search-window.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { exportLines, importLines } from '../../src/store/transfer.js';
import type { Viewer } from '../../src/store/types.js';
import { allPages, searchChange, searchView, type SearchTask } from './search-suite.js';

const ada: Viewer = { id: 'acme/ada', name: 'Ada', org: 'acme' };
const bob: Viewer = { id: 'acme/bob', name: 'Bob', org: 'acme' };
const eve: Viewer = { id: 'globex/eve', name: 'Eve', org: 'globex' };
const N = 2 * PARTITION_TASKS + 300;
const WORDS = ['common', 'rare', 'webhook', 'import'];

function task(j: number): SearchTask {
  const creator = j % 13 === 0 ? eve : j % 5 === 0 ? bob : ada;
  const words = [WORDS[0], ...(j % 97 === 0 ? [WORDS[1]] : []), j % 3 === 0 ? WORDS[2] : WORDS[3]];
  return { id: `t${j}`, title: `${words.join(' ')} ${j}`, creator: { id: creator.id, org: creator.org }, private: j % 7 === 0, status: j % 4 === 0 ? 'cancelled' : 'received' };
}

const dirs = () => join(mkdtempSync(join(tmpdir(), 'search-partitions-')), 'db');
let file: string;
let store: SqliteStore;
const views = new Map<string, TaskView>();

beforeAll(async () => {
  file = dirs();
  store = new SqliteStore({ file, writer: 'inline' });
  for (let i = 0; i < N; i += 500) {
    const batch = Array.from({ length: Math.min(500, N - i) }, (_, k) => task(i + k));
    await store.commit(batch.map((t) => searchChange(t)));
    for (const t of batch) views.set(t.id, searchView(t, 1));
  }
}, 120_000);

afterAll(() => store.close());

/** What a search may show `viewer`, newest first, by the in-memory matcher. */
const expected = (viewer: Viewer, terms: string[]) =>
  [...views.values()]
    .filter((v) => canSeeTask(viewer, { org: v.org, ownerId: v.creator.id, private: v.private }) && matchesSearch(v, terms))
    .map((v) => v.id)
    .reverse();

describe('SQLite search partitions', () => {
  it('opens a partition every PARTITION_TASKS new tasks, each a run of consecutive seqs', () => {
    const db = new Database(file, { readonly: true });
    const parts = db.prepare(`SELECT id, first_seq AS firstSeq, n FROM search_partitions ORDER BY id`).all() as { id: number; firstSeq: number; n: number }[];
    db.close();
    expect(parts.map((p) => [p.id, p.n])).toEqual([[0, PARTITION_TASKS], [1, PARTITION_TASKS], [2, 300]]);
    expect(parts[0].firstSeq).toBe(0);
    expect(parts[1].firstSeq).toBeLessThan(parts[2].firstSeq);
  });

  it('pages every match a viewer may see exactly once across partitions, newest window first, counts as paged', async () => {
    for (const [viewer, terms] of [[ada, ['common']], [bob, ['webhook']], [eve, ['import']], [ada, ['rare']], [bob, ['rare', 'webh']]] as [Viewer, string[]][]) {
      const want = expected(viewer, terms);
      const paged = await allPages(store, viewer, terms, 200);
      const label = `${viewer.name} ${terms.join(' ')}`;
      expect(paged.map((t) => t.id).sort(), label).toEqual([...want].sort());
      // The first window is the newest SEARCH_WINDOW matches (ranked within it).
      const newest = new Set(want.slice(0, SEARCH_WINDOW));
      expect(paged.slice(0, Math.min(SEARCH_WINDOW, want.length)).every((t) => newest.has(t.id)), label).toBe(true);
      const counts = await store.countTasks(viewer, { mine: false, search: terms });
      const byStatus: Record<string, number> = {};
      for (const t of paged) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
      expect(counts.byStatus, label).toEqual(byStatus);
    }
  });

  it('keeps a task written again in the partition that holds its seq: found once, with its new status', async () => {
    const old = task(3); // in partition 0, a webhook task of Ada's
    const moved = { ...old, status: 'dispatched' };
    await store.commit([searchChange(moved, 2, 'received')]);
    views.set(old.id, searchView(moved, 2));
    const paged = await allPages(store, ada, ['webhook'], 500);
    expect(paged.filter((t) => t.id === old.id).map((t) => t.status)).toEqual(['dispatched']);
    const filtered = await allPages(store, ada, ['webhook'], 50, { statuses: ['dispatched'] });
    expect(filtered.map((t) => t.id)).toEqual([old.id]);
    const db = new Database(file, { readonly: true });
    expect((db.prepare(`SELECT sum(n) AS n FROM search_partitions`).get() as { n: number }).n).toBe(N);
    db.close();
  });

  it('an import cuts the partitions afresh and answers every search the same', async () => {
    const lines: string[] = [];
    for await (const line of exportLines(store)) lines.push(line);
    const tfile = dirs();
    const target = new SqliteStore({ file: tfile, writer: 'inline' });
    await importLines(target, lines);
    const partitions = (f: string) => {
      const db = new Database(f, { readonly: true });
      const rows = db.prepare(`SELECT id, first_seq, n FROM search_partitions ORDER BY id`).all();
      db.close();
      return rows;
    };
    expect(partitions(tfile)).toEqual(partitions(file));
    for (const [viewer, terms] of [[ada, ['common']], [eve, ['import']], [bob, ['rare']]] as [Viewer, string[]][]) {
      const a = await allPages(store, viewer, terms, 300);
      const b = await allPages(target, viewer, terms, 300);
      // The same matches; not always the same order: bm25's statistics of a partition that had a
      // task written again differ from a fresh one's in the last digits, which can swap ties.
      expect(b.map((t) => t.id).sort(), `${viewer.name} ${terms.join(' ')}`).toEqual(a.map((t) => t.id).sort());
      expect((await target.countTasks(viewer, { mine: false, search: terms })).byStatus).toEqual((await store.countTasks(viewer, { mine: false, search: terms })).byStatus);
    }
    await target.close();
  });
});
