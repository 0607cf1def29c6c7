/**
 * Where the SQLite store's writes run (sqlite-writes.ts): on a worker thread of their own
 * (`ThreadWriter`, for a file), or on the calling thread (`InlineWriter`, for `:memory:`, whose
 * database no second connection could open). Both answer `call` with the write's result or the
 * error it raised.
 */
import { Worker } from 'node:worker_threads';
import { decodeError } from './sqlite-wire.js';
import type { WriterReply, WriterRequest, WriterThreadData } from './sqlite-writer-thread.js';
import type { SqliteWrites, WriteCall } from './sqlite-writes.js';
import { StoreUnavailableError } from './types.js';

export interface Writer {
  call(call: WriteCall): Promise<unknown>;
  /** Finish and close (the writer's connection, and its thread). */
  close(): Promise<void>;
}

export class InlineWriter implements Writer {
  constructor(private readonly writes: SqliteWrites) {}

  async call(call: WriteCall): Promise<unknown> {
    return this.writes.run(call);
  }

  async close(): Promise<void> {
    this.writes.close(); // the store closes the one connection both share
  }
}

/**
 * The writer thread's entry, beside this file: compiled JavaScript under `npm start`; the
 * TypeScript source under tsx and the test runner, loaded through tsx's loader registered in
 * the thread itself (a worker's `execArgv: ['--import', 'tsx']` is not honoured inside the test
 * runner's own workers).
 */
const COMPILED = !import.meta.url.endsWith('.ts');
const ENTRY = new URL(COMPILED ? './sqlite-writer-thread.js' : './sqlite-writer-thread.ts', import.meta.url);
const TS_BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}); })`;

export class ThreadWriter implements Writer {
  private worker: Worker | null = null;
  private nextId = 1;
  /** Calls sent and not yet answered (a plain Map: each leaves with its reply or the thread's end). */
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private closed = false;

  constructor(private readonly data: WriterThreadData) {}

  call(call: WriteCall): Promise<unknown> {
    return this.send({ id: this.nextId++, call });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.worker) return;
    const worker = this.worker;
    await this.send({ id: this.nextId++, close: true }, true).catch(() => undefined); // it may be gone already
    await worker.terminate();
  }

  private send(message: WriterRequest, closing = false): Promise<unknown> {
    if (this.closed && !closing) return Promise.reject(new StoreUnavailableError(new Error('the store is closed')));
    const worker = this.worker ?? this.start();
    return new Promise((resolve, reject) => {
      // Referenced while it has work, so that a process waiting only for a write stays alive;
      // an idle writer thread does not keep the process alive.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  private start(): Worker {
    const worker = COMPILED
      ? new Worker(ENTRY, { workerData: this.data })
      : new Worker(TS_BOOTSTRAP, { eval: true, workerData: this.data });
    worker.on('message', (reply: WriterReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(decodeError(reply.error));
    });
    // The thread died (a crash in it, out of memory): what it was doing is unknown to its
    // callers, who get "unavailable" (retryable); the next write starts a new thread.
    const lost = (cause: unknown) => {
      if (this.worker === worker) this.worker = null;
      const error = new StoreUnavailableError(cause);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the SQLite writer thread exited with code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
