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

/**
 * PostgreSQL's append as one function, so an append is one round trip (as five statements it was
 * five, each a wait for the pool's connection to come back): the session's row upserted first
 * (its lock orders one session's batches), the lines inserted over arrays, the counts updated,
 * and, past the bound, the oldest lines deleted down to `p_trim_to`. Returns the batch's last
 * cursor and the lines dropped (the batch's own that did not fit, `p_dropped_lines`, included).
 */
export const POSTGRES_APPEND_FUNCTION = `
  CREATE FUNCTION append_task_logs(
    p_task TEXT, p_attempt INTEGER, p_streams SMALLINT[], p_ats BIGINT[], p_bytes INTEGER[], p_lines TEXT[],
    p_dropped_lines BIGINT, p_dropped_bytes BIGINT, p_max BIGINT, p_trim_to BIGINT
  ) RETURNS TABLE (last_seq BIGINT, dropped BIGINT) LANGUAGE plpgsql AS $fn$
  DECLARE
    v_first BIGINT;
    v_last BIGINT;
    v_bytes BIGINT;
    v_cut_lines BIGINT := 0;
    v_cut_bytes BIGINT := 0;
  BEGIN
    INSERT INTO task_log_sessions AS s (task_id, attempt, lines, bytes, dropped_lines, dropped_bytes, first_seq)
      VALUES (p_task, p_attempt, 0, 0, p_dropped_lines, p_dropped_bytes, NULL)
      ON CONFLICT (task_id, attempt) DO UPDATE SET dropped_lines = s.dropped_lines + p_dropped_lines, dropped_bytes = s.dropped_bytes + p_dropped_bytes;
    WITH ins AS (
      INSERT INTO task_logs (task_id, attempt, stream, at, bytes, line)
        SELECT p_task, p_attempt, l.stream, l.at, l.bytes, l.line
        FROM unnest(p_streams, p_ats, p_bytes, p_lines) WITH ORDINALITY AS l(stream, at, bytes, line, n) ORDER BY l.n
        RETURNING seq
    ) SELECT min(seq), max(seq) INTO v_first, v_last FROM ins;
    UPDATE task_log_sessions SET
        lines = lines + coalesce(cardinality(p_lines), 0),
        bytes = bytes + (SELECT coalesce(sum(b), 0) FROM unnest(p_bytes) AS b),
        first_seq = coalesce(first_seq, v_first)
      WHERE task_id = p_task AND attempt = p_attempt
      RETURNING bytes INTO v_bytes;
    IF v_bytes > p_max THEN
      WITH oldest AS (
        SELECT seq, bytes, sum(bytes) OVER (ORDER BY seq) - bytes AS before
        FROM task_logs WHERE task_id = p_task AND attempt = p_attempt
      ), gone AS (
        DELETE FROM task_logs WHERE seq IN (SELECT seq FROM oldest WHERE before < v_bytes - p_trim_to) RETURNING bytes
      ) SELECT count(*), coalesce(sum(bytes), 0) INTO v_cut_lines, v_cut_bytes FROM gone;
      UPDATE task_log_sessions SET
          lines = lines - v_cut_lines, bytes = bytes - v_cut_bytes,
          dropped_lines = dropped_lines + v_cut_lines, dropped_bytes = dropped_bytes + v_cut_bytes,
          first_seq = (SELECT min(seq) FROM task_logs WHERE task_id = p_task AND attempt = p_attempt)
        WHERE task_id = p_task AND attempt = p_attempt;
    END IF;
    RETURN QUERY SELECT coalesce(v_last, 0::BIGINT), p_dropped_lines + v_cut_lines;
  END
  $fn$;
`;

/** Stream names as stored. */
export const STREAM_CODE = { stdout: 0, stderr: 1 } as const;
export const STREAM_NAME = ['stdout', 'stderr'] as const;

/** A session over its bound is trimmed to this share of it, so trims come one per tenth of the bound, not one per batch. */
export const TRIM_TO = 0.9;
