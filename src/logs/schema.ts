/**
 * The task-log tables, the same in both dialects but for the sequence's type. PostgreSQL creates
 * them as migration 7 of the store's schema (src/store/schema.ts); SQLite keeps them in a file of
 * their own (logs.db beside conveyor.db: sqlite-logs.ts), so appends never wait for the store's
 * writer.
 *
 * - `task_logs`: a line per row, `seq` its cursor; `bytes` its text's UTF-8 length, so dropping
 *   the oldest lines to the bound sums a column instead of measuring text.
 * - `task_log_sessions`: per (task, attempt) what is kept and what was dropped; its row is locked
 *   by every append to that session before the lines are inserted, so one session's lines take
 *   their cursors in the order their batches commit.
 */
import type { Dialect } from '../store/sql.js';

export function logTablesSql(d: Dialect): string {
  return `
    CREATE TABLE task_logs (
      seq     ${d.types.serial},
      task_id TEXT     NOT NULL,
      attempt INTEGER  NOT NULL,
      stream  SMALLINT NOT NULL,
      at      ${d.types.bigint} NOT NULL,
      bytes   INTEGER  NOT NULL,
      line    TEXT     NOT NULL
    );
    CREATE INDEX task_logs_task ON task_logs (task_id, seq);
    CREATE INDEX task_logs_session ON task_logs (task_id, attempt, seq);
    CREATE TABLE task_log_sessions (
      task_id       TEXT    NOT NULL,
      attempt       INTEGER NOT NULL,
      lines         ${d.types.bigint} NOT NULL,
      bytes         ${d.types.bigint} NOT NULL,
      dropped_lines ${d.types.bigint} NOT NULL,
      dropped_bytes ${d.types.bigint} NOT NULL,
      first_seq     ${d.types.bigint},
      PRIMARY KEY (task_id, attempt)
    );
  `;
}

/** Stream names as stored. */
export const STREAM_CODE = { stdout: 0, stderr: 1 } as const;
export const STREAM_NAME = ['stdout', 'stderr'] as const;

/** A session over its bound is trimmed to this share of it, so trims come one per tenth of the bound, not one per batch. */
export const TRIM_TO = 0.9;
