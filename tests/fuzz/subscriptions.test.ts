/**
 * Thousands of subscriptions on one socket (issue 7). A connection may run WS_MAX_SUBSCRIPTIONS
 * operations at once (500 by default); each `subscribe` beyond that gets an `error` message with
 * SUBSCRIPTION_LIMIT_EXCEEDED while the socket and the subscriptions it already has keep working.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, CREATE_TASK } from '../utils/documents.js';
import { eventually, gqlOk } from '../utils/server.js';
import { isIdle, load, startFixture, waitIdle, type Fixture } from './fixture.js';
import { RawSocket, type Received } from './raw-ws.js';

const LIMIT = 500; // the default
const FRAMES = 3_000;

const UPDATES = `subscription { taskUpdated { cursor event task { id status } } }`;
const COUNTS = `subscription { dashboardCounts { total } }`;

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f?.server.dispose());


const codeOf = (m: Received) => (m.payload as { extensions?: { code?: string } }[])[0]?.extensions?.code;
const isRefusal = (m: Received) => m.type === 'error' && codeOf(m) === 'SUBSCRIPTION_LIMIT_EXCEEDED';

it('beyond WS_MAX_SUBSCRIPTIONS a subscribe is refused with a coded error; the socket and its subscriptions carry on', async () => {
  const idle = await load(f.server.url);
  expect(isIdle(idle, idle)).toBe(true);

  const socket = await RawSocket.open(f.server.wsUrl);
  await socket.init(f.token);
  // Half grouped log streams (the fan-out engine), half per-subscriber counts.
  for (let i = 0; i < FRAMES; i++) {
    socket.sendJson({ id: `s${i}`, type: 'subscribe', payload: { query: i % 2 ? UPDATES : COUNTS } });
  }
  const refusals = await socket.waitForCount(isRefusal, FRAMES - LIMIT, 30_000);
  // The first LIMIT run; every later one is refused, in order, and nothing else failed.
  expect(new Set(refusals.map((m) => m.id))).toEqual(new Set(Array.from({ length: FRAMES - LIMIT }, (_, i) => `s${LIMIT + i}`)));
  expect(socket.received.filter((m) => m.type === 'error').length).toBe(FRAMES - LIMIT);
  expect(refusals[0].payload).toEqual([
    expect.objectContaining({ message: expect.stringMatching(/500/), extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: LIMIT } }),
  ]);
  await socket.roundTrip();
  expect(socket.isClosed).toBeNull();
  await eventually(async () => (await load(f.server.url)).clientSubscriptions === LIMIT);
  expect(f.server.app.fanout.stats.members).toBe(LIMIT / 2);

  // Every accepted subscription still works: each counts one gets a value, each log stream the task.
  const ids = (match: (m: Received) => boolean) => new Set(socket.received.filter(match).map((m) => m.id));
  const accepted = (parity: number) => Array.from({ length: LIMIT / 2 }, (_, i) => `s${2 * i + parity}`);
  await eventually(() => ids((m) => m.type === 'next' && 'dashboardCounts' in ((m.payload as { data?: object }).data ?? {})).size === LIMIT / 2, 10_000);
  expect(ids((m) => m.type === 'next' && 'dashboardCounts' in ((m.payload as { data?: object }).data ?? {}))).toEqual(new Set(accepted(0)));
  const id = (await gqlOk(f.server, CREATE_TASK, { input: { title: 'Seen by all', description: CLEAR_DESCRIPTION } }, f.token)).createTask.id;
  const sawTask = (m: Received) => m.type === 'next' && (m.payload as { data?: { taskUpdated?: { task: { id: string } } } }).data?.taskUpdated?.task.id === id;
  await eventually(() => ids(sawTask).size === LIMIT / 2, 15_000);
  expect(ids(sawTask)).toEqual(new Set(accepted(1)));

  // Completing some frees room for as many new ones, and no more.
  const from = socket.received.length;
  for (let i = 0; i < 100; i++) socket.sendJson({ id: `s${i}`, type: 'complete' });
  await socket.roundTrip();
  for (let i = 0; i < 101; i++) socket.sendJson({ id: `n${i}`, type: 'subscribe', payload: { query: UPDATES } });
  const late = await socket.waitFor((m) => isRefusal(m), 10_000, from);
  expect(late.id).toBe('n100');
  await socket.roundTrip();
  expect(socket.received.slice(from).filter((m) => m.type === 'error').map((m) => m.id)).toEqual(['n100']);

  // The limit is per connection: another socket of the same user subscribes as usual.
  const other = await RawSocket.open(f.server.wsUrl);
  await other.init(f.token);
  other.sendJson({ id: 'x', type: 'subscribe', payload: { query: COUNTS } });
  await other.waitFor((m) => m.id === 'x' && m.type === 'next');
  await other.close();

  await socket.close();
  await waitIdle(f.server.url, idle);
}, 60_000);
