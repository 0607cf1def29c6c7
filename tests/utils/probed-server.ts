/**
 * A conveyor server in a process of its own, for the reliability and fuzz memory tests (started
 * by tests/utils/child-server.ts): the real `buildApp`,
 * configured from the environment like `src/server/index.ts`, plus a test-only IPC channel
 * (Node's `fork` pipe, nothing reachable over the network) for what only the process itself can
 * see or do cheaply:
 *
 * - `probe`: heap after a full GC (the process runs with --expose-gc), external and array-buffer
 *   memory, RSS, and the active resources by type (`process.getActiveResourcesInfo()`: sockets,
 *   timers, immediates) — the leak checks compare these before and after a flood;
 * - `heap`: the heap after collections that no longer free anything (tests/fuzz/memory.test.ts);
 * - `burst`: commit tasks in-process through the services, as fast as the write path goes (the
 *   HTTP create path saturates long before the fan-out does);
 * - `cursors`: the log's task event cursors after a cursor, to compare a subscriber's stream with.
 *
 * The product has no GC or debug endpoint; this file is only ever run by tests.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { buildApp } from '../../src/server/app.js';
import { loadConfigOrExit } from '../../src/server/env.js';
import type { Viewer } from '../../src/store/types.js';

export type ProbeRequest =
  | { id: number; cmd: 'probe' }
  | { id: number; cmd: 'heap' }
  | { id: number; cmd: 'burst'; viewer: Viewer; tasks: number; description: string; concurrency: number }
  | { id: number; cmd: 'cursors'; after: number }
  | { id: number; cmd: 'token'; viewer: Viewer };

export interface Probe {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  /** `process.getActiveResourcesInfo()` counted by type, e.g. `{ TCPSocketWrap: 3, Timeout: 2 }`. */
  resources: Record<string, number>;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('probed-server needs --expose-gc');
if (!process.send) throw new Error('probed-server must be forked with an IPC channel');

const config = loadConfigOrExit({ LOG_LEVEL: 'silent', ...process.env, PORT: '0' });
const app = await buildApp(config);
const url = await app.start(0);

function probe(): Probe {
  // Several full collections: one pass may leave what only a finalizer of the previous frees.
  for (let i = 0; i < 4; i++) gc!();
  const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  return { heapUsed, heapTotal, external, arrayBuffers, rss, resources };
}

/** Heap after collections that no longer free anything (weak refs and finalizers take a few). */
async function settledHeap(): Promise<number> {
  let previous = Infinity;
  for (let i = 0; i < 10; i++) {
    gc!();
    await turn();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 64 * 1024) return used;
    previous = used;
  }
  return previous;
}

async function burst(viewer: Viewer, tasks: number, description: string, concurrency: number): Promise<number> {
  let next = 0;
  const writer = async () => {
    while (next < tasks) {
      const n = next++;
      await app.services.tasks.create(viewer, { title: `Burst ${n}`, description });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  return app.services.store.head();
}

async function cursors(after: number): Promise<number[]> {
  const out: number[] = [];
  for (let from = after; ; ) {
    const { events } = await app.services.store.readAfter(from, { entityType: 'task', limit: 5000 });
    if (events.length === 0) return out;
    for (const e of events) if (e.entityType === 'task') out.push(e.cursor);
    from = events.at(-1)!.cursor;
  }
}

async function answer(request: ProbeRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'probe':
      return probe();
    case 'heap':
      return settledHeap();
    case 'burst':
      return burst(request.viewer, request.tasks, request.description, request.concurrency);
    case 'cursors':
      return cursors(request.after);
    case 'token':
      return app.auth.sign(request.viewer, Date.now() + 3_600_000);
  }
}

process.on('message', (request: ProbeRequest) => {
  answer(request).then(
    (value) => process.send!({ id: request.id, value }),
    (error: unknown) => process.send!({ id: request.id, error: String((error as Error)?.stack ?? error) }),
  );
});
// The parent going away (test killed) must not leave this server running.
process.on('disconnect', () => void app.stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
process.send({ ready: url });
