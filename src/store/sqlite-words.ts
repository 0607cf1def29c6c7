/**
 * The words of SQLite's log (schema.ts, SQLITE_EVENTS_VIEW): the log stores each event's type,
 * actor and previous status as the code of its row in `log_words`, and its entity type as `kind`.
 * The log's own reads take the codes (`Dialect.eventColumns`) and spell them here, a map lookup
 * each, where the view's subqueries cost ~0.15 µs per word and row.
 *
 * Why a copy of a table in memory needs no invalidation: `log_words` only grows (a word keeps
 * its code forever), so what is known stays true, and a code not known yet is read on first
 * sight. A read sees a row's codes in the same snapshot as the words they name (the trigger
 * writes both in one transaction), so reading the new words in that transaction finds them.
 */
import type Database from 'better-sqlite3';
import type { EventRow } from './rows.js';

type StoredRow = unknown[];

export class SqliteWords {
  private readonly words = new Map<number, string>();
  private known = 0;
  private readonly after: Database.Statement;

  constructor(db: Database.Database) {
    this.after = db.prepare(`SELECT code, word FROM log_words WHERE code > ? ORDER BY code`).raw();
  }

  private word(code: number): string {
    let word = this.words.get(code);
    if (word === undefined) {
      for (const [c, w] of this.after.all(this.known) as [number, string][]) {
        this.words.set(c, w);
        this.known = c;
      }
      word = this.words.get(code);
      if (word === undefined) throw new Error(`the log names word ${code}, which log_words does not have`);
    }
    return word;
  }

  /** Rows read with `Dialect.eventColumns` as `EventRow`s: kind and codes spelt, in place. */
  spell(rows: StoredRow[]): EventRow[] {
    for (const row of rows) {
      row[1] = row[1] === 0 ? 'task' : 'agent';
      row[4] = this.word(row[4] as number);
      if (row[6] !== null) row[6] = this.word(row[6] as number);
      if (row[11] !== null) row[11] = this.word(row[11] as number);
    }
    return rows as EventRow[];
  }
}
