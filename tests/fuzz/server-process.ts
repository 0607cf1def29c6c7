/**
 * The server in a process of its own, for the memory check (tests/fuzz/memory.test.ts):
 * `buildApp` + `start(0)`, configured by the environment as `npm start` is. Started by the test as
 * `node --expose-gc --import tsx tests/fuzz/server-process.ts` with an IPC channel, which is the
 * test-only way in (the product has no GC endpoint):
 * - `{ type: 'heap' }` → collects garbage until the heap stops shrinking, answers `{ heapUsed }`;
 * - `{ type: 'token', name, org }` → a signed token for that user;
 * - `{ type: 'stop' }` → graceful stop, then exit 0.
 * It sends `{ type: 'ready', url }` once listening.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { buildApp } from '../../src/server/app.js';
import { loadConfigOrExit } from '../../src/server/env.js';

type Request = { id: number } & ({ type: 'heap' } | { type: 'token'; name: string; org: string } | { type: 'stop' });

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) {
  console.error('server-process.ts needs --expose-gc and an IPC channel (see tests/fuzz/memory.test.ts)');
  process.exit(2);
}
const send = (message: unknown) => process.send!(message);

const app = await buildApp(loadConfigOrExit());
const url = await app.start(0);

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

process.on('message', (request: Request) => {
  const answer = async () => {
    if (request.type === 'heap') return { heapUsed: await settledHeap() };
    if (request.type === 'token') {
      return { token: await app.auth.sign({ id: `${request.org}/${request.name}`, name: request.name, org: request.org }, Date.now() + 3_600_000) };
    }
    await app.stop();
    return {};
  };
  answer().then(
    (result) => {
      send({ id: request.id, ...result });
      if (request.type === 'stop') process.exit(0);
    },
    (error: unknown) => send({ id: request.id, error: String(error) }),
  );
});

send({ type: 'ready', url });
