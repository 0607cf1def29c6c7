/**
 * An archive pass on the SQLite store (retention.ts has the rules, archive-files.ts the files).
 *
 * 1. A pass a crash cut short is finished first (archive-files.ts says how it is found).
 * 2. The events to archive are read in pages on the store's reading connection, their states
 *    resolved as any reader's (rows.ts), and written whole to the pass's file, which is sealed
 *    (fsynced) before anything is deleted.
 * 3. They leave the log in batches read back from the sealed file, each one transaction on the
 *    writer (compact rows, reach, each entity's first kept event made whole, horizon and the
 *    delete together: sqlite-archive-writes.ts), the event loop turning between batches so
 *    commits go on; then the file takes its final name.
 * 4. Incremental vacuum gives the freed pages back to the file system, a step at a time.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { readLines, type ArchiveFiles } from './archive-files.js';
import { archiveBatchRows, cutoffCursor, DEFAULT_BATCH, DEFAULT_MAX_EVENTS, PassTally } from './retention.js';
import type { ArchiveBatchResult } from './sqlite-archive-writes.js';
import type { SqliteLog } from './sqlite-log.js';
import type { WriteCall } from './sqlite-writes.js';
import { eventLine, lineEvent } from './transfer-lines.js';
import type { ArchiveOptions, ArchivePass, LogEvent } from './types.js';

/** Pages one vacuum step frees (4 KiB each): a few milliseconds of the writer's time. */
const VACUUM_PAGES = 256;

type Write = (call: WriteCall) => Promise<unknown>;

/** The store's passes, one at a time: a second call waits for the one running. */
export class SqliteArchiver {
  private running: Promise<ArchivePass> | null = null;

  constructor(
    readonly files: ArchiveFiles,
    private readonly log: SqliteLog,
    private readonly write: Write,
  ) {}

  async pass(options: ArchiveOptions): Promise<ArchivePass> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.run(options);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async run(options: ArchiveOptions): Promise<ArchivePass> {
    const batch = options.batchSize ?? DEFAULT_BATCH;
    const { signal } = options;
    const tally = new PassTally();
    let horizon = this.log.bounds().horizon;
    const where: string[] = [];
    const done = (more: boolean, freedPages = 0): ArchivePass => ({ ...tally.counts(), horizon, more, where, freedPages });
    /** Delete a sealed file's events from the log; false if stopped first. */
    const leave = async (path: string): Promise<boolean> => {
      for await (const events of chunks(readLines(path), batch)) {
        if (signal?.aborted) return false;
        const rows = archiveBatchRows(events);
        const result = (await this.write({ op: 'archiveBatch', batch: { ...rows, cursors: events.map((e) => e.cursor) } })) as ArchiveBatchResult;
        tally.add(result.deleted, rows.entities);
        horizon = result.horizon;
        await turn();
      }
      return true;
    };

    const left = await this.files.pending();
    if (left) {
      if (!(await leave(this.files.pendingPath))) return done(true);
      where.push(await this.files.commit(left[0], left.at(-1)!));
    }

    const file = await this.files.begin();
    let more: boolean;
    try {
      more = await this.select(file, options);
    } catch (error) {
      await file.discard();
      throw error;
    }
    if (file.events === 0 || signal?.aborted) {
      await file.discard();
      return done(more || file.events > 0, await this.vacuum(signal));
    }
    await file.seal();
    // From here the events are on disk: a crash leaves them in both places, never in neither.
    if (!(await leave(this.files.pendingPath))) return done(true);
    where.push(await this.files.commit(file.first, file.last));
    return done(more, await this.vacuum(signal));
  }

  /** Write what the pass archives to its file, in pages; true if it stopped with more to take. */
  private async select(file: { write(cursor: number, line: string): Promise<void>; events: number }, options: ArchiveOptions): Promise<boolean> {
    const batch = options.batchSize ?? DEFAULT_BATCH;
    const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    const sql = this.log.retention;
    const [first] = this.log.raw<[number]>(sql.firstAtOrAfter, [options.before]);
    const upTo = cutoffCursor(first?.[0] ?? null, this.log.bounds().head);
    // Each entity's last event read, for the next page's patches (rows.ts `planBases`).
    const last = new Map<string, LogEvent>();
    const known = (entityId: string, version: number) => {
      const event = last.get(entityId);
      return event?.version === version ? event : undefined;
    };
    for (let from = 0; ; ) {
      if (options.signal?.aborted) return true;
      const limit = Math.min(batch, max - file.events);
      const events = this.log.events(this.log.raw<unknown[]>(sql.candidateRows, [from, upTo, upTo, limit]), known);
      for (const event of events) {
        await file.write(event.cursor, JSON.stringify(eventLine(event)));
        last.set(event.entityId, event);
      }
      if (events.length < limit) return false;
      if (file.events >= max) return true;
      from = events.at(-1)!.cursor;
      await turn();
    }
  }

  /** Incremental vacuum, a step per turn of the event loop; the pages freed. */
  private async vacuum(signal?: AbortSignal): Promise<number> {
    let freed = 0;
    while (!signal?.aborted) {
      const step = (await this.write({ op: 'vacuumStep', pages: VACUUM_PAGES })) as { freed: number; left: number };
      freed += step.freed;
      if (step.left === 0 || step.freed === 0) break;
      await turn();
    }
    return freed;
  }
}

/** An archive file's events, `size` at a time. */
async function* chunks(lines: AsyncIterable<string>, size: number): AsyncGenerator<LogEvent[]> {
  let chunk: LogEvent[] = [];
  for await (const line of lines) {
    chunk.push(lineEvent(JSON.parse(line) as Record<string, unknown>));
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
