/**
 * SQLite's search index in partitions of `PARTITION_TASKS` tasks each, newest last (issue 14: a
 * search's first page at 1M tasks within ×1.5 of 10k's).
 *
 * Why partitions: FTS5 answers a prefix term (every search word is one, search.ts) by merging
 * the doclists of every term it prefixes into one list in memory before the first row comes
 * out, and bm25 counts each phrase's matches over the whole table for its IDF, visibility words
 * included (`o<org>` is in a quarter of all tasks). Both cost what the terms match in the whole
 * table, whatever the LIMIT or a rowid range says: 20–50 ms at 1M tasks for a common word.
 * A table of a few thousand tasks costs what that table matches, so a search window
 * (search-window.ts) reads the partitions newest first until it has its matches: a common word
 * is found in the newest one or two, whatever the history.
 *
 * Partitions hold runs of consecutive seqs: `search_partitions` has each one's first seq and
 * how many tasks it holds. A new task (the highest seq yet) goes to the newest partition, or
 * opens the next one once that one is full; a task written again goes to the partition whose
 * range holds its seq. Partition 0 starts at seq 0; a database that had its tasks in one
 * `tasks_fts` before (migration 10) keeps them there, however many, until an import rebuilds
 * the partitions (transfer.ts).
 *
 * Not PostgreSQL: a GIN index hands over its matches as a bitmap without a merge per prefix,
 * and `ts_rank` needs no corpus statistics; its windows stay as search-window.ts says.
 */
import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

/** Tasks per partition: a common word fills a window from the newest one or two. */
export const PARTITION_TASKS = 8192;

export const partitionTable = (id: number) => `tasks_fts_p${id}`;

/** The columns and options of every partition (schema.ts migration 9 says why contentless). */
export const createPartitionSql = (id: number) =>
  `CREATE VIRTUAL TABLE ${partitionTable(id)} USING fts5 (title, description, refs, scope, status, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')`;

export const indexRowSql = (id: number) => `INSERT OR REPLACE INTO ${partitionTable(id)} (rowid, title, description, refs, scope, status) VALUES (?, ?, ?, ?, ?, ?)`;

/** A partition as a reader walks them: newest first. */
export interface Partition {
  id: number;
  firstSeq: number;
}

export const PARTITIONS_NEWEST_FIRST = `SELECT id, first_seq AS firstSeq FROM search_partitions ORDER BY first_seq DESC`;

/** The partitions that may hold seqs below `below` (all, when null), newest first. */
export const partitionsBelow = (partitions: readonly Partition[], below: number | null) =>
  below === null ? partitions : partitions.filter((p) => p.firstSeq < below);

/** A task's search words, as the commit writes them (search.ts `searchDoc`, `scopeWords`, `statusWord`). */
export type IndexRow = [title: string, description: string, refs: string, scope: string, status: string];

/** The writer's side: which partition a task's row goes to, opening partitions as they fill. */
export class SearchPartitionWrites {
  private readonly newest: Database.Statement<[], { id: number; n: number }>;
  private readonly holding: Database.Statement<[number], { id: number }>;
  private readonly grow: Database.Statement<[number]>;
  private readonly open: Database.Statement<[number, number]>;
  /** By partition: the newest is written most; older ones when their tasks change. */
  private readonly inserts = new LRUCache<number, Database.Statement>({ max: 32 });

  constructor(private readonly db: Database.Database) {
    this.newest = db.prepare(`SELECT id, n FROM search_partitions ORDER BY first_seq DESC LIMIT 1`);
    this.holding = db.prepare(`SELECT id FROM search_partitions WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1`);
    this.grow = db.prepare(`UPDATE search_partitions SET n = n + 1 WHERE id = ?`);
    this.open = db.prepare(`INSERT INTO search_partitions (id, first_seq, n) VALUES (?, ?, 1)`);
  }

  /** Write task `seq`'s words (call inside the commit's transaction); `created`: its first commit. */
  index(seq: number, created: boolean, row: IndexRow): void {
    this.insert(created ? this.place(seq) : (this.holding.get(seq)?.id ?? 0)).run(seq, ...row);
  }

  /**
   * The partition a new task (the highest seq yet) goes to: the newest, or a new one if it is
   * full. There is always a newest: migration 10 (and an import) writes partition 0.
   */
  private place(seq: number): number {
    const newest = this.newest.get()!;
    if (newest.n < PARTITION_TASKS) {
      this.grow.run(newest.id);
      return newest.id;
    }
    const id = newest.id + 1;
    // DDL inside the commit: rolled back with it if the commit fails, and then opened again
    // by the next (the cached statement re-prepares once the table exists).
    this.db.exec(createPartitionSql(id));
    this.open.run(id, seq);
    return id;
  }

  private insert(id: number): Database.Statement {
    let statement = this.inserts.get(id);
    if (statement === undefined) {
      statement = this.db.prepare(indexRowSql(id));
      this.inserts.set(id, statement);
    }
    return statement;
  }
}
