/**
 * One connection-flood loader process (tests/reliability/flood.test.ts forks several): for the
 * given duration, `concurrency` loops each open and drop connections as fast as the server lets
 * them, cycling through what clients do to a server:
 *
 * - `clean`: the real graphql-ws client connects, subscribes (taskUpdated from an old cursor, so
 *   it catches up; dashboardCounts; a task's timeline; agentUpdated from the start), and
 *   disposes — after the
 *   first message, or at once, racing the subscription's start;
 * - `terminate`: a raw socket speaking graphql-transport-ws inits, subscribes and is terminated
 *   without a close frame, sometimes before the `connection_ack`;
 * - `no-init`: upgrades and never sends `connection_init`: the server closes it with 4408;
 * - `tcp`: a TCP connection that never completes an upgrade (silent, or half a request) and is
 *   dropped, sometimes with a reset.
 *
 * Each loader also holds two `zombies` for the whole run: subscribed, then their socket stops
 * reading, so they answer no ping; the server's keep-alive must drop them.
 *
 * Anything but the expected outcome is counted as an error with its description. Reports over
 * IPC: `{ cycles: { clean, terminate, noInit, tcp }, errors: string[] }`.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface FloodArgs {
  wsUrl: string;
  tokens: string[];
  durationMs: number;
  concurrency: number;
  /** taskUpdated subscriptions start after this cursor (a catch-up of the warm-up's events). */
  after: string;
  /** A task each token's user may see (same index), for timeline subscriptions. */
  taskIds: string[];
  /** The server's WS_INIT_TIMEOUT_MS. */
  initTimeoutMs: number;
}

const args = JSON.parse(readFileSync(process.argv[2], 'utf8')) as FloodArgs;
const pick = <T>(xs: T[], n: number) => xs[n % xs.length];
const SUBSCRIPTIONS = [
  { query: `subscription($after: String) { taskUpdated(after: $after) { cursor task { id status version } } }`, variables: () => ({ after: args.after }) },
  { query: `subscription { dashboardCounts { total active cursor } }`, variables: () => ({}) },
  { query: `subscription($id: ID!) { timeline(taskId: $id) { cursor version type } }`, variables: (n: number) => ({ id: pick(args.taskIds, n) }) },
  { query: `subscription($after: String) { agentUpdated(after: $after) { cursor agent { id status } } }`, variables: () => ({ after: '0' }) },
];
/** The n-th connection's subscription, for the n-th token's user. */
const subscription = (n: number) => {
  const { query, variables } = SUBSCRIPTIONS[Math.floor(n / args.tokens.length) % SUBSCRIPTIONS.length];
  return { query, variables: variables(n) };
};
const host = new URL(args.wsUrl);
const cycles = { clean: 0, terminate: 0, noInit: 0, tcp: 0 };
const errors: string[] = [];
const fail = (what: string) => errors.length < 50 && errors.push(what);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + args.durationMs;

/** Rejects after `ms` with `what` unless `promise` settles first. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing in ${ms} ms`)), ms))),
  ]);
}

async function clean(n: number): Promise<void> {
  const client = createClient({
    url: args.wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${pick(args.tokens, n)}` },
    onNonLazyError: () => {},
  });
  const atOnce = n % 4 === 0;
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        client.subscribe(subscription(n), {
          next: () => resolve(),
          error: (e) => reject(new Error(`subscription error ${JSON.stringify(e).slice(0, 200)}`)),
          complete: () => reject(new Error('completed by the server')),
        });
        if (atOnce) setImmediate(resolve); // drop it while its start is still in flight
      }),
      10_000,
      'clean subscription',
    );
  } finally {
    await client.dispose();
  }
  cycles.clean++;
}

function rawSocket(): WebSocket {
  return new WebSocket(args.wsUrl, 'graphql-transport-ws', { perMessageDeflate: false });
}

async function terminate(n: number): Promise<void> {
  const socket = rawSocket();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {}); // terminated on purpose: the outcome is the close
  await within(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), 10_000, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${pick(args.tokens, n)}` } }));
  if (n % 3 !== 0) {
    await within(new Promise((resolve) => socket.once('message', resolve)), 10_000, 'connection_ack');
    socket.send(JSON.stringify({ id: String(n), type: 'subscribe', payload: subscription(n) }));
    if (n % 2 === 0) await within(new Promise((resolve) => socket.once('message', resolve)), 10_000, 'first next');
  }
  socket.terminate();
  await closed;
  cycles.terminate++;
}

async function noInit(): Promise<void> {
  const socket = rawSocket();
  const code = await within(
    new Promise<number>((resolve, reject) => socket.once('close', (c: number) => resolve(c)).once('error', reject)),
    args.initTimeoutMs + 5000,
    'close without connection_init',
  );
  if (code !== 4408) throw new Error(`no-init closed with ${code}, not 4408`);
  cycles.noInit++;
}

async function tcp(n: number): Promise<void> {
  const socket = connect(Number(host.port), host.hostname);
  socket.on('error', () => {}); // reset on purpose
  await within(new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject)), 10_000, 'tcp connect');
  if (n % 2 === 0) socket.write(`GET /graphql HTTP/1.1\r\nHost: ${host.host}\r\nUpgrade: websocket\r\n`);
  await sleep(n % 50);
  if (n % 3 === 0) socket.resetAndDestroy();
  else socket.destroy();
  cycles.tcp++;
}

/** Subscribed, then its socket stops reading: no pong, so the server's keep-alive drops it. */
async function zombie(n: number): Promise<() => Promise<void>> {
  const socket = rawSocket();
  await within(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), 10_000, 'zombie open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${pick(args.tokens, n)}` } }));
  await within(new Promise((resolve) => socket.once('message', resolve)), 10_000, 'zombie ack');
  socket.send(JSON.stringify({ id: 'z', type: 'subscribe', payload: subscription(n) }));
  const closed = new Promise<number>((resolve) => socket.once('close', (c: number) => resolve(c)));
  socket.pause();
  return async () => {
    socket.resume();
    // Closed by the server long ago (1006: terminated, no close frame); the client learns it now.
    const code = await within(closed, 5000, 'zombie close after resume');
    if (code !== 1006) fail(`zombie closed with ${code}, not 1006 (terminated by keep-alive)`);
  };
}

async function loop(worker: number): Promise<void> {
  for (let n = worker; Date.now() < deadline; n += args.concurrency) {
    // Mostly clean and terminated sockets; fewer of those that hold a slot (no-init) or are cheap.
    const kind = n % 10;
    try {
      if (kind < 5) await clean(n);
      else if (kind < 8) await terminate(n);
      else if (kind === 8) await tcp(n);
      else if (n % 30 === 9) await noInit();
      else await tcp(n);
    } catch (error) {
      fail(String((error as Error).message ?? error));
    }
  }
}

const zombies = args.durationMs >= 30_000 ? await Promise.all([0, 1].map((i) => zombie(i))) : [];
await Promise.all(Array.from({ length: args.concurrency }, (_, i) => loop(i)));
for (const check of zombies) await check();
process.send!({ cycles, errors, zombies: zombies.length });
process.disconnect();
