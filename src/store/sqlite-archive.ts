/**
 * An archive pass on the SQLite store (retention.ts has the rules, archive-files.ts the files).
 *
 * 1. A pass a crash cut short is finished first (archive-files.ts says how it is found).
 * 2. The events to archive are read in pages on the store's reading connection and written to
 *    the pass's file, which is sealed (fsynced) before anything is deleted.
 * 3. They leave the log in batches, each one transaction on the writer (compact rows, reach,
 *    horizon and the delete together: sqlite-archive-writes.ts), the event loop turning between
 *    batches so commits go on; then the file takes its final name.
 * 4. Incremental vacuum gives the freed pages back to the file system, a step at a time.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { ArchiveFiles } from './archive-files.js';
import { cutoffCursor, DEFAULT_BATCH, DEFAULT_MAX_EVENTS, PassTally } from './retention.js';
import type { retentionSql } from './retention-sql.js';
import { toEvent, type EventRow } from './rows.js';
import type { ArchiveBatchResult } from './sqlite-archive-writes.js';
import type { SqliteLog } from './sqlite-log.js';
import type { WriteCall } from './sqlite-writes.js';
import { eventLine } from './transfer-lines.js';
import type { ArchiveOptions, ArchivePass } from './types.js';

/** Pages one vacuum step frees (4 KiB each): a few milliseconds of the writer's time. */
const VACUUM_PAGES = 256;

/** What the pass needs of the store. */
export interface SqliteArchiveIo {
  files: ArchiveFiles;
  sql: ReturnType<typeof retentionSql>;
  /** Raw rows (arrays) of a read on the store's reading connection. */
  raw<R>(sql: string, params: unknown[]): R[];
  write(call: WriteCall): Promise<unknown>;
  bounds(): { head: number; horizon: number };
}

/** The store's passes, one at a time: a second call waits for the one running. */
export class SqliteArchiver {
  private running: Promise<ArchivePass> | null = null;
  private readonly io: SqliteArchiveIo;

  constructor(
    readonly files: ArchiveFiles,
    log: SqliteLog,
    write: (call: WriteCall) => Promise<unknown>,
  ) {
    this.io = { files, sql: log.retention, raw: (sql, params) => log.raw(sql, params), write, bounds: () => log.bounds() };
  }

  async pass(options: ArchiveOptions): Promise<ArchivePass> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = sqliteArchivePass(this.io, options);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }
}

interface Tally {
  counts: PassTally;
  horizon: number;
}

/** Delete these archived events from the log, a batch per transaction. False if stopped first. */
async function leaveLog(io: SqliteArchiveIo, cursors: number[], batch: number, tally: Tally, signal?: AbortSignal): Promise<boolean> {
  for (let from = 0; from < cursors.length; from += batch) {
    if (signal?.aborted) return false;
    const result = (await io.write({ op: 'archiveBatch', cursors: cursors.slice(from, from + batch) })) as ArchiveBatchResult;
    tally.counts.add(result.deleted, result.entities);
    tally.horizon = result.horizon;
    await turn();
  }
  return true;
}

export async function sqliteArchivePass(io: SqliteArchiveIo, options: ArchiveOptions): Promise<ArchivePass> {
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const { signal } = options;
  const tally: Tally = { counts: new PassTally(), horizon: io.bounds().horizon };
  const where: string[] = [];
  const done = (more: boolean, freedPages = 0): ArchivePass => ({ ...tally.counts.counts(), horizon: tally.horizon, more, where, freedPages });

  const left = await io.files.pending();
  if (left) {
    if (!(await leaveLog(io, left, batch, tally, signal))) return done(true);
    where.push(await io.files.commit(left[0], left.at(-1)!));
  }

  const { head } = io.bounds();
  const [first] = io.raw<[number]>(io.sql.firstAtOrAfter, [options.before]);
  const upTo = cutoffCursor(first?.[0] ?? null, head);
  const file = await io.files.begin();
  const cursors: number[] = [];
  let more = false;
  try {
    for (let from = 0; ; ) {
      if (signal?.aborted) {
        more = true;
        break;
      }
      const limit = Math.min(batch, max - cursors.length);
      const rows = io.raw<EventRow>(io.sql.candidateRows, [from, upTo, upTo, limit]);
      for (const row of rows) {
        const event = toEvent(row);
        cursors.push(event.cursor);
        await file.write(event.cursor, JSON.stringify(eventLine(event)));
      }
      if (rows.length < limit) break;
      from = cursors.at(-1)!;
      if (cursors.length >= max) {
        more = true;
        break;
      }
      await turn();
    }
  } catch (error) {
    await file.discard();
    throw error;
  }
  if (cursors.length === 0 || signal?.aborted) {
    await file.discard();
    return done(more || cursors.length > 0, await vacuum(io, signal));
  }
  await file.seal();
  // From here the events are on disk: a crash leaves them in both places, never in neither.
  if (!(await leaveLog(io, cursors, batch, tally, signal))) return done(true);
  where.push(await io.files.commit(file.first, file.last));
  return done(more, await vacuum(io, signal));
}

/** Incremental vacuum, a step per turn of the event loop; the pages freed. */
async function vacuum(io: SqliteArchiveIo, signal?: AbortSignal): Promise<number> {
  let freed = 0;
  while (!signal?.aborted) {
    const step = (await io.write({ op: 'vacuumStep', pages: VACUUM_PAGES })) as { freed: number; left: number };
    freed += step.freed;
    if (step.left === 0 || step.freed === 0) break;
    await turn();
  }
  return freed;
}
