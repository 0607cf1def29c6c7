/**
 * A load-generating process: opens many connections to one server with that server's own client
 * protocol (graphql-ws, raw ws, or Socket.IO), subscribes, and records per delivery the latency
 * from the commit time carried in the payload, order and count. Controlled over IPC by run.ts.
 */
import { readFileSync } from 'node:fs';
import { createClient } from 'graphql-ws';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { newHistogram, record } from './histogram.js';

export interface LoaderArgs {
  kind: 'conveyor' | 'bare-ws' | 'yoga' | 'socketio';
  url: string;
  connections: number;
  token?: string;
  /** One token per connection (round robin), e.g. users of many orgs; overrides `token`. */
  tokens?: string[];
  /** This loader's first connection's index among all loaders' (picks its tokens). */
  offset?: number;
  after?: string;
  /** fanout: every subscriber gets the same events; latency: all task events of the user's org. */
  mode?: 'fanout' | 'latency';
}

const args = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoaderArgs;
const histogram = newHistogram();
let deliveries = 0;
let outOfOrder = 0;
let counting = false;
let maxLatency = 0;
let lastAt = 0;
const perConnection: number[] = [];
const received: number[] = [];
const closers: (() => void)[] = [];

function deliver(connection: number, seq: number, atMs: number) {
  if (!counting) return;
  const latency = Date.now() - atMs;
  record(histogram, latency);
  if (latency > maxLatency) maxLatency = latency;
  deliveries++;
  lastAt = Date.now();
  received[connection]++;
  if (seq <= perConnection[connection]) outOfOrder++;
  perConnection[connection] = seq;
}

const LATENCY_SUBSCRIPTION = `subscription($after: String) {
  taskUpdated(after: $after) { cursor task { id version updatedAt } }
}`;
/** The fields every server sends (bench/peers/common.ts `payload`): conveyor is asked for the same. */
const PAYLOAD_FIELDS = `cursor event task { id title status version private creator { id name } org updatedAt }`;
const SUBSCRIPTION = `subscription($after: String) {
  taskUpdated(after: $after, filter: { status: [NEEDS_CLARIFICATION] }) { ${PAYLOAD_FIELDS} }
}`;
const PEER_SUBSCRIPTION = `subscription { taskUpdated { ${PAYLOAD_FIELDS} } }`;

const tokenFor = (i: number) => (args.tokens ? args.tokens[((args.offset ?? 0) + i) % args.tokens.length] : args.token);

async function open(i: number): Promise<void> {
  perConnection[i] = 0;
  received[i] = 0;
  const wsUrl = args.url.replace(/^http/, 'ws');
  if (args.kind === 'bare-ws') {
    const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { payload: { data: { taskUpdated: { cursor: string; task: { updatedAt: string } } } } };
      const u = msg.payload.data.taskUpdated;
      deliver(i, Number(u.cursor), Date.parse(u.task.updatedAt));
    });
    closers.push(() => socket.terminate());
    return;
  }
  if (args.kind === 'socketio') {
    const socket = io(args.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve, reject) => socket.once('connect', () => resolve(undefined)).once('connect_error', reject));
    socket.on('taskUpdated', (u: { cursor: string; task: { updatedAt: string } }) => deliver(i, Number(u.cursor), Date.parse(u.task.updatedAt)));
    closers.push(() => socket.disconnect());
    return;
  }
  // graphql-ws: conveyor and vanilla Yoga.
  const client = createClient({
    url: `${wsUrl}/graphql`.replace(/\/graphql\/graphql$/, '/graphql'),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: tokenFor(i) ? { authorization: `Bearer ${tokenFor(i)}` } : {},
    onNonLazyError: () => {},
  });
  await new Promise<void>((resolve, reject) => {
    const off = client.on('connected', () => (off(), resolve()));
    client.on('closed', (e) => reject(new Error(`closed ${(e as { code?: number }).code}`)));
  });
  const query = args.kind !== 'conveyor' ? PEER_SUBSCRIPTION : args.mode === 'latency' ? LATENCY_SUBSCRIPTION : SUBSCRIPTION;
  await new Promise<void>((resolve) => {
    client.subscribe<{ taskUpdated: { cursor: string; task: { updatedAt: string } } }>(
      { query, variables: args.kind === 'conveyor' ? { after: args.after } : {} },
      {
        next: ({ data }) => {
          if (data) deliver(i, Number(data.taskUpdated.cursor), Date.parse(data.taskUpdated.task.updatedAt));
        },
        error: (e) => process.send?.({ type: 'error', error: String(JSON.stringify(e)).slice(0, 300) }),
        complete: () => {},
      },
    );
    // The server has the subscription once the socket acknowledged it; give it a moment.
    setTimeout(resolve, 5);
  });
  closers.push(() => void client.dispose());
}

async function main() {
  const BATCH = 200;
  for (let i = 0; i < args.connections; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, args.connections - i) }, (_, k) => open(i + k)));
  }
  process.send?.({ type: 'ready' });
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'start' || m.cmd === 'reset') {
      // A new trial: counts and latencies from zero (order checks carry on: cursors only grow).
      counting = true;
      deliveries = 0;
      outOfOrder = 0;
      maxLatency = 0;
      lastAt = 0;
      histogram.fill(0);
      received.fill(0);
      process.send?.({ type: 'reset' });
    } else if (m.cmd === 'stats') {
      // Totals so far (counting goes on): the coordinator polls until everything arrived.
      process.send?.({ type: 'stats', deliveries, outOfOrder, histogram, maxLatency, received, lastAt });
    } else if (m.cmd === 'stop') {
      counting = false;
    } else if (m.cmd === 'close') {
      for (const close of closers) close();
      setTimeout(() => process.exit(0), 200);
    }
  });
}

main().catch((error: Error) => {
  process.send?.({ type: 'error', error: error.message });
  process.exit(1);
});
