/**
 * The SQLite store's writer thread: opens its own connection to the file and runs the writes
 * the store sends (sqlite-writes.ts), one message at a time, answering each with its result or
 * its encoded error.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeError } from './sqlite-wire.js';
import { configure, SqliteWrites, type WriteCall } from './sqlite-writes.js';

export interface WriterThreadData {
  file: string;
  synchronous: 'NORMAL' | 'FULL';
}

export type WriterRequest = { id: number; call: WriteCall } | { id: number; close: true };
export type WriterReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ReturnType<typeof encodeError> };

const { file, synchronous } = workerData as WriterThreadData;
const port = parentPort!;
let db: Database.Database | null = null;
let writes: SqliteWrites | null = null;

/** Opened on the first call, so that a failure to open is that call's answer. */
function writer(): SqliteWrites {
  if (!writes) {
    db = new Database(file);
    configure(db, synchronous);
    writes = new SqliteWrites(db, file, synchronous);
  }
  return writes;
}

port.on('message', (message: WriterRequest) => {
  if ('close' in message) {
    writes?.close();
    db?.close();
    port.postMessage({ id: message.id, ok: true, value: null } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { id: message.id, ok: true, value: writer().run(message.call) };
  } catch (error) {
    reply = { id: message.id, ok: false, error: encodeError(error) };
  }
  port.postMessage(reply);
});
