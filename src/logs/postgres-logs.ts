/**
 * Task logs in PostgreSQL: tables of the store's schema (migration 7), on a pool of their own so
 * appends never take a connection a commit is waiting for. An append is one transaction: the
 * session's row upserted first (its lock orders one session's batches), the lines in one INSERT
 * over arrays, and, past the bound, the oldest lines deleted in one statement.
 */
import pg from 'pg';
import { fitBatch, withMarkers } from './markers.js';
import { STREAM_CODE, TRIM_TO } from './schema.js';
import { bounds, lineOf, sessionOf, type LineRow, type SessionRow } from './sqlite-logs.js';
import { lineBytes, type AppendResult, type LogLine, type LogStore, type NewLogLine, type SessionLog } from './types.js';

const SESSION_COLUMNS = 'attempt, lines, bytes, dropped_lines, dropped_bytes, first_seq';
const GROW = `INSERT INTO task_log_sessions AS s (task_id, attempt, lines, bytes, dropped_lines, dropped_bytes, first_seq)
  VALUES ($1, $2, 0, 0, $3, $4, NULL)
  ON CONFLICT (task_id, attempt) DO UPDATE SET dropped_lines = s.dropped_lines + $3, dropped_bytes = s.dropped_bytes + $4`;
const INSERT = `INSERT INTO task_logs (task_id, attempt, stream, at, bytes, line)
  SELECT $1, $2, l.stream, l.at, l.bytes, l.line
  FROM unnest($3::smallint[], $4::bigint[], $5::int[], $6::text[]) WITH ORDINALITY AS l(stream, at, bytes, line, n) ORDER BY l.n
  RETURNING seq`;
const COUNT = `UPDATE task_log_sessions SET lines = lines + $3, bytes = bytes + $4, first_seq = coalesce(first_seq, $5)
  WHERE task_id = $1 AND attempt = $2 RETURNING bytes`;
/** The oldest lines whose bytes, summed in order, reach `$3` (the excess): deleted, and counted. */
const TRIM = `WITH oldest AS (
    SELECT seq, bytes, sum(bytes) OVER (ORDER BY seq) - bytes AS before FROM task_logs WHERE task_id = $1 AND attempt = $2
  ), gone AS (
    DELETE FROM task_logs WHERE seq IN (SELECT seq FROM oldest WHERE before < $3) RETURNING bytes
  )
  UPDATE task_log_sessions SET
    lines = lines - (SELECT count(*) FROM gone), bytes = bytes - (SELECT coalesce(sum(bytes), 0) FROM gone),
    dropped_lines = dropped_lines + (SELECT count(*) FROM gone), dropped_bytes = dropped_bytes + (SELECT coalesce(sum(bytes), 0) FROM gone),
    first_seq = (SELECT min(seq) FROM oldest WHERE before >= $3)
  WHERE task_id = $1 AND attempt = $2 RETURNING (SELECT count(*) FROM gone) AS n`;

export class PostgresLogStore implements LogStore {
  private constructor(private readonly pool: pg.Pool) {}

  static connect(connectionString: string, schema: string): PostgresLogStore {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const pool = new pg.Pool({
      connectionString,
      max: 2,
      connectionTimeoutMillis: 3000,
      query_timeout: 10_000,
      options: `-c search_path=${schema} -c jit=off`,
      types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) },
    });
    pool.on('error', () => {}); // an idle client losing its connection: the pool replaces it
    return new PostgresLogStore(pool);
  }

  async append(taskId: string, attempt: number, lines: NewLogLine[], maxBytes: number): Promise<AppendResult> {
    const { kept, droppedLines, droppedBytes } = fitBatch(lines.map((l) => ({ ...l, bytes: lineBytes(l.text) })), maxBytes);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(GROW, [taskId, attempt, droppedLines, droppedBytes]);
      const seqs = (
        await client.query<{ seq: number }>(INSERT, [
          taskId,
          attempt,
          kept.map((l) => STREAM_CODE[l.stream]),
          kept.map((l) => l.at),
          kept.map((l) => l.bytes),
          kept.map((l) => l.text),
        ])
      ).rows.map((r) => r.seq);
      const added = kept.reduce((n, l) => n + l.bytes, 0);
      const { bytes } = (await client.query<{ bytes: number }>(COUNT, [taskId, attempt, kept.length, added, seqs[0] ?? null])).rows[0];
      let dropped = droppedLines;
      if (bytes > maxBytes) {
        const excess = bytes - Math.floor(maxBytes * TRIM_TO);
        dropped += Number((await client.query<{ n: number }>(TRIM, [taskId, attempt, excess])).rows[0].n);
      }
      await client.query('COMMIT');
      return { cursor: seqs.at(-1) ?? 0, dropped };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async read(taskId: string, options: { after: number; limit: number; attempt?: number | null }): Promise<LogLine[]> {
    const byAttempt = options.attempt !== null && options.attempt !== undefined;
    const { rows } = await this.pool.query<LineRow>(
      `SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = $1 AND seq > $2 ${byAttempt ? 'AND attempt = $4' : ''} ORDER BY seq LIMIT $3`,
      byAttempt ? [taskId, options.after, options.limit, options.attempt] : [taskId, options.after, options.limit],
    );
    if (rows.length === 0) return [];
    return withMarkers(rows.map(lineOf), bounds(await this.sessionRows(taskId)), options.after);
  }

  async readLast(taskId: string, n: number, attempt?: number | null): Promise<LogLine[]> {
    const byAttempt = attempt !== null && attempt !== undefined;
    const { rows } = await this.pool.query<LineRow>(
      `SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = $1 ${byAttempt ? 'AND attempt = $3' : ''} ORDER BY seq DESC LIMIT $2`,
      byAttempt ? [taskId, n, attempt] : [taskId, n],
    );
    return rows.reverse().map(lineOf);
  }

  async sessions(taskId: string): Promise<SessionLog[]> {
    return (await this.sessionRows(taskId)).map(sessionOf);
  }

  private async sessionRows(taskId: string): Promise<SessionRow[]> {
    return (await this.pool.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM task_log_sessions WHERE task_id = $1 ORDER BY attempt`, [taskId])).rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
