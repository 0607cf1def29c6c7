/**
 * Task logs in a SQLite file of their own (logs.db in DATA_DIR): the store's file has one writer
 * (its writer thread), and log appends there would queue behind or beside every commit. Here an
 * append is a short synchronous transaction on the main thread (better-sqlite3), ~0.1 ms for a
 * batch of a few dozen lines.
 */
import Database from 'better-sqlite3';
import { SQLITE } from '../store/sql.js';
import { fitBatch, withMarkers, type SessionBounds } from './markers.js';
import { logTablesSql, STREAM_CODE, STREAM_NAME, TRIM_TO } from './schema.js';
import { lineBytes, type AppendResult, type LogLine, type LogStore, type NewLogLine, type SessionLog } from './types.js';

interface Row {
  seq: number;
  task_id: string;
  attempt: number;
  stream: number;
  at: number;
  line: string;
}
interface SessionRow {
  attempt: number;
  lines: number;
  bytes: number;
  dropped_lines: number;
  dropped_bytes: number;
  first_seq: number | null;
}

export class SqliteLogStore implements LogStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'task_logs'`).get();
    if (!exists) this.db.exec(logTablesSql(SQLITE));
    const db = this.db;
    this.statements = {
      session: db.prepare<[string, number], SessionRow>(`SELECT attempt, lines, bytes, dropped_lines, dropped_bytes, first_seq FROM task_log_sessions WHERE task_id = ? AND attempt = ?`),
      sessions: db.prepare<[string], SessionRow>(`SELECT attempt, lines, bytes, dropped_lines, dropped_bytes, first_seq FROM task_log_sessions WHERE task_id = ? ORDER BY attempt`),
      newSession: db.prepare(`INSERT INTO task_log_sessions (task_id, attempt, lines, bytes, dropped_lines, dropped_bytes, first_seq) VALUES (?, ?, 0, 0, 0, 0, NULL)`),
      insert: db.prepare(`INSERT INTO task_logs (task_id, attempt, stream, at, bytes, line) VALUES (?, ?, ?, ?, ?, ?)`),
      grow: db.prepare(
        `UPDATE task_log_sessions SET lines = lines + ?, bytes = bytes + ?, dropped_lines = dropped_lines + ?, dropped_bytes = dropped_bytes + ?, first_seq = coalesce(first_seq, ?) WHERE task_id = ? AND attempt = ?`,
      ),
      oldest: db.prepare<[string, number], { seq: number; bytes: number }>(`SELECT seq, bytes FROM task_logs WHERE task_id = ? AND attempt = ? ORDER BY seq`),
      drop: db.prepare(`DELETE FROM task_logs WHERE task_id = ? AND attempt = ? AND seq <= ?`),
      trimmed: db.prepare(
        `UPDATE task_log_sessions SET lines = lines - ?, bytes = bytes - ?, dropped_lines = dropped_lines + ?, dropped_bytes = dropped_bytes + ?, first_seq = (SELECT min(seq) FROM task_logs WHERE task_id = ? AND attempt = ?) WHERE task_id = ? AND attempt = ?`,
      ),
      read: db.prepare<[string, number, number], Row>(`SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
      last: db.prepare<[string, number], Row>(`SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = ? ORDER BY seq DESC LIMIT ?`),
      lastAttempt: db.prepare<[string, number, number], Row>(`SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = ? AND attempt = ? ORDER BY seq DESC LIMIT ?`),
      readAttempt: db.prepare<[string, number, number, number], Row>(
        `SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = ? AND attempt = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
    };
  }

  async append(taskId: string, attempt: number, lines: NewLogLine[], maxBytes: number): Promise<AppendResult> {
    const s = this.statements;
    return this.db.transaction((): AppendResult => {
      const { kept, droppedLines, droppedBytes } = fitBatch(lines.map((l) => ({ ...l, bytes: lineBytes(l.text) })), maxBytes);
      if (!s.session.get(taskId, attempt)) s.newSession.run(taskId, attempt);
      let first: number | null = null;
      let last = 0;
      let bytes = 0;
      for (const line of kept) {
        last = Number(s.insert.run(taskId, attempt, STREAM_CODE[line.stream], line.at, line.bytes, line.text).lastInsertRowid);
        first ??= last;
        bytes += line.bytes;
      }
      s.grow.run(kept.length, bytes, droppedLines, droppedBytes, first, taskId, attempt);
      let dropped = droppedLines;
      const session = s.session.get(taskId, attempt)!;
      if (session.bytes > maxBytes) {
        // The oldest lines until the session is down to TRIM_TO of its bound.
        const excess = session.bytes - Math.floor(maxBytes * TRIM_TO);
        let cut = 0;
        let n = 0;
        let upTo = 0;
        for (const row of s.oldest.iterate(taskId, attempt)) {
          if (cut >= excess) break;
          cut += row.bytes;
          n++;
          upTo = row.seq;
        }
        s.drop.run(taskId, attempt, upTo);
        s.trimmed.run(n, cut, n, cut, taskId, attempt, taskId, attempt);
        dropped += n;
      }
      return { cursor: last, dropped };
    })();
  }

  async read(taskId: string, options: { after: number; limit: number; attempt?: number | null }): Promise<LogLine[]> {
    const s = this.statements;
    const rows =
      options.attempt === null || options.attempt === undefined
        ? s.read.all(taskId, options.after, options.limit)
        : s.readAttempt.all(taskId, options.attempt, options.after, options.limit);
    if (rows.length === 0) return [];
    return withMarkers(rows.map(lineOf), bounds(s.sessions.all(taskId)), options.after);
  }

  async readLast(taskId: string, n: number, attempt?: number | null): Promise<LogLine[]> {
    const s = this.statements;
    const rows = attempt === null || attempt === undefined ? s.last.all(taskId, n) : s.lastAttempt.all(taskId, attempt, n);
    return rows.reverse().map(lineOf);
  }

  async sessions(taskId: string): Promise<SessionLog[]> {
    return this.statements.sessions.all(taskId).map(sessionOf);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export function lineOf(r: Row): LogLine {
  return { cursor: Number(r.seq), taskId: r.task_id, attempt: r.attempt, stream: STREAM_NAME[r.stream], text: r.line, at: Number(r.at) };
}

export function sessionOf(r: SessionRow): SessionLog {
  return { attempt: r.attempt, lines: Number(r.lines), bytes: Number(r.bytes), droppedLines: Number(r.dropped_lines), droppedBytes: Number(r.dropped_bytes) };
}

export function bounds(rows: SessionRow[]): Map<number, SessionBounds> {
  return new Map(rows.map((r) => [r.attempt, { ...sessionOf(r), firstSeq: r.first_seq === null ? null : Number(r.first_seq) }]));
}

export type { Row as LineRow, SessionRow };
