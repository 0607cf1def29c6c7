/**
 * The SQLite writer's appends to the log (schema.ts, SQLITE_EVENTS_VIEW says the layout): what
 * the view's INSERT trigger does, in prepared statements, because the trigger costs ~7 µs more
 * per event (each of its statements a subprogram, its time encoded twice by strftime) and its
 * INSERT into `log` hides the cursor from last_insert_rowid. The trigger stays the encoder of
 * every other INSERT into `events` (an import); tests/store/migrate.test.ts checks that both
 * store the same rows. One difference is by design: these appends pack a task's longer states
 * and payloads (packed-json.ts), the trigger stores text; readers take either.
 *
 * Nothing is cached between calls: a word or an entity key read in a transaction that rolls
 * back could name a row that was never written.
 */
import type Database from 'better-sqlite3';
import { packJson } from './packed-json.js';
import type { WireEvent } from './rows.js';

/** An ISO time as integer milliseconds where `toISOString` spells them back so, else its text (as the trigger's `encodedAt`). */
export function storedTime(at: string): number | string {
  const ms = Date.parse(at);
  return Number.isFinite(ms) && new Date(ms).toISOString() === at ? ms : at;
}

export class SqliteLogWrites {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      entity: db.prepare(`SELECT key, org, owner_id, private FROM log_entities WHERE id = ?`).raw(),
      addEntity: db.prepare(`INSERT INTO log_entities (id, org, owner_id, private) VALUES (?, ?, ?, ?)`),
      code: db.prepare(`SELECT code FROM log_words WHERE word = ?`).pluck(),
      addWord: db.prepare(`INSERT INTO log_words (word) VALUES (?)`),
      append: db.prepare(`INSERT INTO log (kind, entity, version, type, at, actor, payload, prev_status, org, owner_id, private, state)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    };
  }

  private code(word: string): number {
    const code = this.stmt.code.get(word) as number | undefined;
    return code ?? Number(this.stmt.addWord.run(word).lastInsertRowid);
  }

  /** Append one event (`insertEvent`'s values); returns its cursor. */
  append(e: WireEvent): number {
    const [entityType, entityId, version, type, at, actor, payload, org, ownerId, isPrivate, prevStatus, state] = e;
    let entity = this.stmt.entity.get(entityId) as [key: number, org: string, ownerId: string, isPrivate: number] | undefined;
    if (entity === undefined) {
      entity = [Number(this.stmt.addEntity.run(entityId, org, ownerId, isPrivate).lastInsertRowid), org, ownerId, isPrivate];
    }
    // A task's state and payload are packed where that gains (packed-json.ts); an agent's stay
    // text: they are short, and a replay of agents (the resume figures) reads every one.
    const isTask = entityType === 'task';
    const info = this.stmt.append.run(
      isTask ? 0 : 1,
      entity[0],
      version,
      this.code(type),
      storedTime(at),
      actor === null ? null : this.code(actor),
      isTask && payload !== null ? packJson(payload) : payload,
      prevStatus === null ? null : this.code(prevStatus),
      org === entity[1] ? null : org,
      ownerId === entity[2] ? null : ownerId,
      isPrivate === entity[3] ? null : isPrivate,
      isTask ? packJson(state) : state,
    );
    return Number(info.lastInsertRowid);
  }
}
