/**
 * "Memory returns to baseline" (issue 7). The server runs in a process of its own
 * (tests/utils/probed-server.ts, heap read after GC over IPC) and takes the fuzz all at once: random HTTP
 * requests, random graphql-ws frame sequences, thousands of subscribe frames on one socket, a
 * thousand connections with a subscription each, sockets cut off while their token is checked.
 * Afterwards it holds no connection or subscription, still answers, has stored nothing, and its
 * heap is back within max(10 MB, 20 %) of the baseline. The baseline is taken after a smaller
 * warm-up round of the same load, so that what is built once and kept on purpose (compiled code,
 * Yoga's bounded document caches, the fan-out dispatcher) is already in it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MB, startChildServer, type ChildServer } from '../utils/child-server.js';
import { CLEAR_DESCRIPTION, CREATE_TASK } from '../utils/documents.js';
import { gqlOk, sleep } from '../utils/server.js';
import { FUZZ_ENV, load, snapshot, waitIdle, warmFanout, type Load } from './fixture.js';
import { checkAnswer, httpCaseArb, send } from './http.js';
import { RawSocket } from './raw-ws.js';
import { checkProperty, fuzzTimeout } from './support.js';
import { sequenceArb } from './ws-frames.js';
import { play, type WsTarget } from './ws-play.js';

const UPDATES = `subscription { taskUpdated { cursor event task { id status } } }`;
const COUNTS = `subscription { dashboardCounts { total } }`;

let server: ChildServer;
let url: string;

const heap = () => server.heap();
const token = (name: string, org = 'fuzz') => server.token({ id: `${org}/${name}`, name, org });

beforeAll(async () => {
  // On the stores the test's environment selects (CI's DATABASE_URL/REDIS_URL included), as
  // `npm start` there would: the heap measured is the one of the configuration under test.
  const { DATABASE_URL, REDIS_URL } = process.env;
  server = await startChildServer({
    ...FUZZ_ENV,
    ...(DATABASE_URL ? { DATABASE_URL } : {}),
    ...(REDIS_URL ? { REDIS_URL } : {}),
    NODE_ENV: 'test',
    JWT_SECRET: 'fuzz-memory-secret-that-is-long-enough!!',
  });
  url = server.url;
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

interface Held {
  sockets: RawSocket[];
}

/**
 * One round of the whole fuzz; `scale` < 1 for the warm-up. Leaves the held sockets open. The
 * HTTP part runs in full both times: its distinct documents fill the (bounded) document cache,
 * which must be as full at the baseline as afterwards.
 */
async function fuzzRound(name: string, scale: number, target: WsTarget, held: Held): Promise<void> {
  const valid = target.tokens.valid!;
  await checkProperty(
    `${name}: http`,
    fc.asyncProperty(httpCaseArb({ valid }), async (c) => void checkAnswer(c, await send(url, c))),
    { runs: 1_000, timeLimitMs: 12_000, minRuns: 200 },
  );
  // Random frame sequences.
  await checkProperty(`${name}: ws`, fc.asyncProperty(sequenceArb, (frames) => play(target, frames).then(() => undefined)), {
    runs: Math.round(300 * scale),
    timeLimitMs: 10_000 * scale,
    minRuns: Math.round(50 * scale),
  });
  // Sockets gone the moment their connection_init (with a never-seen token) is on the wire.
  for (let i = 0; i < 100 * scale; i++) {
    const fresh = await token(`${name} brief ${i}`);
    const socket = await RawSocket.open(target.wsUrl);
    socket.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${fresh}` } }), () => socket.socket.terminate());
    await socket.closed;
  }
  // Thousands of subscribe frames on one socket: the limit's 500 run, the rest are refused.
  const frames = Math.round(3_000 * scale);
  const many = await RawSocket.open(target.wsUrl);
  held.sockets.push(many);
  await many.init(valid);
  for (let i = 0; i < frames; i++) many.sendJson({ id: `s${i}`, type: 'subscribe', payload: { query: i % 2 ? UPDATES : COUNTS } });
  await many.waitForCount((m) => m.type === 'error', frames - Math.min(frames, 500), 30_000);
  await many.roundTrip();
  // A thousand connections with one subscription each.
  for (let batch = 0; batch < 10 * scale; batch++) {
    const sockets = await Promise.all(Array.from({ length: 100 }, () => RawSocket.open(target.wsUrl)));
    held.sockets.push(...sockets);
    await Promise.all(sockets.map((s) => s.init(valid)));
    sockets.forEach((s, i) => s.sendJson({ id: 'one', type: 'subscribe', payload: { query: i % 2 ? UPDATES : COUNTS } }));
    await Promise.all(sockets.map((s) => s.roundTrip()));
  }
}

async function release(held: Held, idle: Load): Promise<void> {
  await Promise.all(held.sockets.map((s) => s.close()));
  held.sockets.length = 0;
  await waitIdle(url, idle, 15_000);
}

it(
  'after the whole fuzz the server is up, holds nothing for clients, stored nothing, and its heap is back at baseline',
  async () => {
    const viewer = await token('Fuzzer');
    const tokens = [viewer, await token('Mate'), await token('Other', 'other')];
    await gqlOk({ url }, CREATE_TASK, { input: { title: 'Keep me', description: CLEAR_DESCRIPTION } }, viewer);
    await gqlOk({ url }, CREATE_TASK, { input: { title: 'Vague', description: 'fix it' } }, viewer);
    await sleep(500); // let the analysis settle
    const wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
    await warmFanout(url, wsUrl, viewer);
    const idle = await load(url);
    const target: WsTarget = {
      wsUrl,
      tokens: { valid: viewer, bad: 'not.a.jwt', expired: undefined, none: undefined, 'no-payload': undefined },
      maxPayload: 65_536,
    };
    const held: Held = { sockets: [] };

    await fuzzRound('memory warm-up', 0.3, target, held);
    await release(held, idle);
    const before = await snapshot({ server: { url }, tokens });
    const baseline = await heap();

    await fuzzRound('memory', 1, target, held);
    const peak = await heap();
    await release(held, idle);
    const after = await heap();

    const slack = Math.max(10 * MB, 0.2 * baseline);
    console.info(
      `[fuzz] heap after GC: baseline ${(baseline / MB).toFixed(1)} MB, with the load open ${(peak / MB).toFixed(1)} MB, ` +
        `after ${(after / MB).toFixed(1)} MB (allowed ${((baseline + slack) / MB).toFixed(1)} MB)`,
    );
    // The load held far more than the slack while open: a leak of it would not fit in the slack.
    expect(peak - baseline).toBeGreaterThan(slack);
    expect(after).toBeLessThanOrEqual(baseline + slack);

    expect(server.child.exitCode).toBeNull();
    const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; connections: number };
    expect(health).toMatchObject({ status: 'ok', connections: 0 });
    expect((await load(url)).clientSubscriptions).toBe(0);
    expect((await gqlOk({ url }, `{ viewer { id } }`, {}, viewer)).viewer.id).toBe('fuzz/Fuzzer');
    expect(await snapshot({ server: { url }, tokens })).toEqual(before);
  },
  fuzzTimeout(110_000),
);
