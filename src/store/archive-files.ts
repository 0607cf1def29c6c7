/**
 * The SQLite store's archive (retention, issue 14): gzip NDJSON files under `DATA_DIR/archive/`,
 * one per pass, each line an export's event line (transfer-lines.ts `eventLine`), in cursor order.
 *
 * A pass writes `pending.ndjson.gz`, fsyncs it and the directory, and only then deletes its
 * events from the log; once they are gone it is renamed to `events-<first>-<last>.ndjson.gz`.
 * So an archived event is always on disk before it leaves the log. A crash before the fsync
 * leaves a pending file that does not decompress to its end (its events are all still in the
 * log: it is removed); a crash after it leaves a complete one, and the next pass finishes what
 * that pass began (its events still in the log are deleted, then it is renamed). Either way no
 * event is in two archive files, and none is in neither the log nor a file.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { archiveFileFirst, archiveFileName } from './retention.js';

const PENDING = 'pending.ndjson.gz';
/** An import's archived events, until the import commits (then named like a pass's file). */
const IMPORTING = 'import.ndjson.gz';

/** fsync a file or directory: its data, or its entries, are on disk. */
async function sync(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A pass's file being written (`pending.ndjson.gz`). */
export class PendingArchive {
  private readonly file: WriteStream;
  private readonly gzip: Gzip;
  private count = 0;
  first = 0;
  last = 0;

  constructor(
    private readonly dir: string,
    private readonly name = PENDING,
  ) {
    this.file = createWriteStream(join(dir, name));
    this.gzip = createGzip();
    this.gzip.pipe(this.file);
  }

  get events(): number {
    return this.count;
  }

  /** One event's line (an export's event line), in cursor order. */
  async write(cursor: number, line: string): Promise<void> {
    if (this.count++ === 0) this.first = cursor;
    this.last = cursor;
    if (!this.gzip.write(`${line}\n`)) await once(this.gzip, 'drain');
  }

  /** Finish the gzip stream and make the file and its directory entry durable. */
  async seal(): Promise<void> {
    this.gzip.end();
    await finished(this.file);
    await sync(join(this.dir, this.name), 'r+');
    await sync(this.dir, 'r');
  }

  /** Nothing of it was used: remove it. */
  async discard(): Promise<void> {
    this.gzip.end();
    await finished(this.file).catch(() => undefined);
    await rm(join(this.dir, this.name), { force: true });
  }
}

export class ArchiveFiles {
  constructor(readonly dir: string) {}

  /** The pass's file while it is written and while its events leave the log. */
  get pendingPath(): string {
    return join(this.dir, PENDING);
  }

  /** Start a pass's file (or an import's). */
  async begin(name = PENDING): Promise<PendingArchive> {
    await mkdir(this.dir, { recursive: true });
    return new PendingArchive(this.dir, name);
  }

  /**
   * An import's archived events (transfer.ts): one file, written and sealed before the import
   * commits and named after it; removed if it does not. (In any order of cursors: readers take
   * the archive file by file.)
   */
  importer(): { add(cursor: number, line: string): Promise<void>; seal(): Promise<void>; committed(): Promise<void>; aborted(): Promise<void> } {
    let file: PendingArchive | null = null;
    let first = Infinity;
    let last = 0;
    return {
      add: async (cursor, line) => {
        file ??= await this.begin(IMPORTING);
        first = Math.min(first, cursor);
        last = Math.max(last, cursor);
        await file.write(cursor, line);
      },
      seal: async () => file?.seal(),
      committed: async () => {
        if (!file) return;
        await rename(join(this.dir, IMPORTING), join(this.dir, archiveFileName(first, last)));
        await sync(this.dir, 'r');
      },
      aborted: async () => file?.discard(),
    };
  }

  /**
   * The cursors of a pending file a pass left behind, complete (sealed before its pass began
   * deleting), or null: none, or one cut short before it was sealed (then removed: its events
   * never left the log).
   */
  async pending(): Promise<number[] | null> {
    const path = join(this.dir, PENDING);
    const cursors: number[] = [];
    try {
      for await (const line of readLines(path)) cursors.push((JSON.parse(line) as { cursor: number }).cursor);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // Unexpected end of file, or a line cut in half: it was never sealed.
      await rm(path, { force: true });
      return null;
    }
    if (cursors.length === 0) {
      await rm(path, { force: true });
      return null;
    }
    return cursors;
  }

  /** The pending file's events have left the log: it takes its final name. */
  async commit(first: number, last: number): Promise<string> {
    const name = archiveFileName(first, last);
    await rename(join(this.dir, PENDING), join(this.dir, name));
    await sync(this.dir, 'r');
    return join(this.dir, name);
  }

  /**
   * The archive files, in the order of their first cursor. Not a pending one: its events may
   * still be in the log (a pass running, or cut short: the next pass finishes it).
   */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const files = names.filter((n) => archiveFileFirst(n) !== null).sort((a, b) => archiveFileFirst(a)! - archiveFileFirst(b)!);
    return files.map((n) => join(this.dir, n));
  }
}

/** The lines of a gzip NDJSON file; rejects if it does not decompress to its end. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const source = createReadStream(path);
  source.on('error', (error) => gunzip.destroy(error));
  const lines = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
  // readline swallows its input's errors: rethrow them after the last line.
  let failure: unknown = null;
  gunzip.on('error', (error) => (failure = error));
  for await (const line of lines) if (line.length > 0) yield line;
  if (failure) throw failure;
}
