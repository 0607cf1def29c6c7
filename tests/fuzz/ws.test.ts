/**
 * Fuzzing graphql-ws over raw sockets (issue 7): malformed, out-of-order, oversized, binary and
 * duplicate-id frames, and random sequences of valid and invalid ones, each checked against the
 * protocol's rules (ws-frames.ts). The server stays up, answers with the prescribed close code
 * or a coded error, changes nothing stored, and holds no connection or subscription afterwards.
 */
import fc from 'fast-check';
import { CloseCode } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, gqlOk } from '../utils/server.js';
import { badInputArb } from './bad-input.js';
import { isIdle, load, snapshot, startFixture, waitIdle, type Fixture } from './fixture.js';
import { RawSocket } from './raw-ws.js';
import { checkProperty, COVERAGE_RUNS, fuzzTimeout } from './support.js';
import { LIVE_QUERIES, sequenceArb, type Token } from './ws-frames.js';
import { play, type WsTarget } from './ws-play.js';

/** Cheap to exceed on purpose; above every generated frame but the deliberately oversized ones. */
const MAX_PAYLOAD = 128 * 1024;

let f: Fixture;
let target: WsTarget;

beforeAll(async () => {
  f = await startFixture({ WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) });
  const tokens: Record<Token, string | undefined> = {
    valid: f.token,
    bad: 'not.a.jwt',
    expired: await f.server.token({ name: 'Fuzzer', org: 'fuzz' }, -60_000),
    none: undefined,
    'no-payload': undefined,
  };
  target = { wsUrl: f.server.wsUrl, tokens, maxPayload: MAX_PAYLOAD };
});
afterAll(() => f?.server.dispose());

const health = () => load(f.server.url);

const open = () => RawSocket.open(f.server.wsUrl);

describe('graphql-ws protocol, case by case', () => {
  const INIT = () => ({ type: 'connection_init', payload: { authorization: `Bearer ${f.token}` } });
  const subscribe = (id: string, query = LIVE_QUERIES[0]) => ({ id, type: 'subscribe', payload: { query } });

  async function closeCodeAfter(frames: (unknown | Buffer)[], ackFirst = false) {
    const socket = await open();
    if (ackFirst) await socket.init(f.token);
    for (const frame of frames) {
      if (Buffer.isBuffer(frame)) socket.send(frame, true);
      else socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    }
    return socket.waitForClose(3000);
  }

  it('invalid messages close with 4400: not JSON, not an object, unknown or server-only types, wrong shapes', async () => {
    for (const frame of ['not json', '[]', '42', JSON.stringify({ type: 'start' }), JSON.stringify({ id: '1' }), JSON.stringify({ type: 'subscribe', id: '1' }), JSON.stringify({ type: 'complete' })]) {
      expect((await closeCodeAfter([frame])).code, frame).toBe(CloseCode.BadRequest);
      expect((await closeCodeAfter([frame], true)).code, frame).toBe(CloseCode.BadRequest);
    }
    // Messages only a server sends: graphql-ws used to throw on them ("Unexpected message"), which
    // closed with 4500 Internal Server Error instead of the protocol's 4400.
    for (const frame of [{ type: 'connection_ack' }, { id: '1', type: 'next', payload: { data: null } }, { id: '1', type: 'error', payload: [{ message: 'x' }] }]) {
      const before = await closeCodeAfter([frame]);
      expect(before.code, JSON.stringify(frame)).toBe(CloseCode.BadRequest);
      expect((await closeCodeAfter([frame], true)).code, JSON.stringify(frame)).toBe(CloseCode.BadRequest);
    }
  });

  it('out of order: subscribe before the ack is 4401; ping and complete before init are fine; a second init is 4429', async () => {
    expect((await closeCodeAfter([subscribe('1')])).code).toBe(CloseCode.Unauthorized);
    const early = await open();
    early.sendJson({ type: 'complete', id: 'nothing' });
    await early.roundTrip(); // a ping before connection_init gets its pong
    await early.init(f.token);
    await early.close();
    expect((await closeCodeAfter([INIT()], true)).code).toBe(CloseCode.TooManyInitialisationRequests);
  });

  it('tokens: none, garbage, expired or not a string close with 4403', async () => {
    const expired = await f.server.token({ name: 'Fuzzer', org: 'fuzz' }, -60_000);
    for (const payload of [undefined, {}, { authorization: 'Bearer not.a.jwt' }, { authorization: `Bearer ${expired}` }, { authorization: 42 }, { Authorization: ['Bearer', f.token] }]) {
      expect((await closeCodeAfter([{ type: 'connection_init', payload }])).code, JSON.stringify(payload)).toBe(CloseCode.Forbidden);
    }
  });

  it('a duplicate id while the first operation runs is 4409; a completed id may be reused', async () => {
    expect((await closeCodeAfter([subscribe('dup'), subscribe('dup')], true)).code).toBe(CloseCode.SubscriberAlreadyExists);
    const socket = await open();
    await socket.init(f.token);
    socket.sendJson(subscribe('again'));
    await socket.waitFor((m) => m.id === 'again' && m.type === 'next');
    socket.sendJson({ id: 'again', type: 'complete' });
    await socket.roundTrip();
    const from = socket.received.length;
    socket.sendJson(subscribe('again'));
    await socket.waitFor((m) => m.id === 'again' && m.type === 'next', 5000, from);
    expect(socket.isClosed).toBeNull();
    await socket.close();
  });

  it('an id completed and subscribed again at once: the new operation works, the old one is gone', async () => {
    const idle = await health();
    for (const [first, second] of [[2, 1], [1, 1], [0, 1], [1, 0], [0, 0]]) {
      const socket = await open();
      await socket.init(f.token);
      // graphql-ws keyed operations by id alone: the completed one, still being set up, took
      // the new one's slot and ran on for good, not even ended by the close.
      socket.sendJson(subscribe('a', LIVE_QUERIES[first]));
      socket.sendJson({ id: 'a', type: 'complete' });
      socket.sendJson(subscribe('a', LIVE_QUERIES[second]));
      await socket.roundTrip();
      if (second === 1) {
        const from = socket.received.length;
        const id = (await gqlOk(f.server, `mutation { createTask(input: { title: "Again" }) { id } }`, {}, f.token)).createTask.id;
        await socket.waitFor((m) => m.id === 'a' && JSON.stringify(m.payload).includes(id), 5000, from);
      } else {
        await socket.waitFor((m) => m.id === 'a' && m.type === 'next');
      }
      expect(socket.received.filter((m) => m.type === 'error' || m.type === 'complete')).toEqual([]);
      await socket.close();
      await waitIdle(f.server.url, idle);
    }
  });

  it('frames over WS_MAX_PAYLOAD_BYTES close with 1009; binary frames are read as their text', async () => {
    expect((await closeCodeAfter([{ type: 'ping', payload: { pad: 'x'.repeat(MAX_PAYLOAD) } }])).code).toBe(1009);
    expect((await closeCodeAfter([Buffer.from([0xff, 0xfe, 0x00, 0x7b])])).code).toBe(CloseCode.BadRequest);
    const socket = await open();
    socket.send(Buffer.from(JSON.stringify({ type: 'ping' })), true);
    await socket.waitFor((m) => m.type === 'pong');
    await socket.close();
  });

  it('operations that cannot be resolved get a coded error, not a bare one', async () => {
    const socket = await open();
    await socket.init(f.token);
    socket.sendJson({ id: 'unknown-name', type: 'subscribe', payload: { query: '{ viewer { id } }', operationName: 'Nope' } });
    socket.sendJson({ id: 'ambiguous', type: 'subscribe', payload: { query: 'query A { viewer { id } } query B { viewer { id } }' } });
    for (const id of ['unknown-name', 'ambiguous']) {
      const error = await socket.waitFor((m) => m.id === id && m.type === 'error');
      expect((error.payload as { extensions?: { code?: string } }[])[0].extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    }
    await socket.close();
  });

  it('a socket closed while its token is being checked leaves no connection counted', async () => {
    const before = (await health()).connections;
    // Gone the moment connection_init is on the wire, each with a token the server has not
    // verified before (verified tokens are cached): the close then often overtakes the check.
    for (let i = 0; i < 60; i++) {
      const token = await f.server.token({ name: `Brief ${i}`, org: 'fuzz' });
      const socket = await open();
      const init = JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      socket.socket.send(init, () => (i % 2 ? socket.socket.terminate() : socket.socket.close()));
      await socket.closed;
    }
    // Before the fix each such socket stayed in the gauge for good (onConnect finished after the close).
    await eventually(async () => (await health()).connections === before, 3000);
  });
});

describe('graphql-ws fuzz', () => {
  it(
    'random sequences of valid and invalid frames follow the protocol; nothing stored changes; nothing is left open',
    async () => {
      const before = await snapshot(f);
      const idle = await health();
      expect(isIdle(idle, idle)).toBe(true);
      const endings = new Map<number | 'open', number>();
      const runs = await checkProperty(
        'ws: frame sequences',
        fc.asyncProperty(sequenceArb, async (frames) => {
          const end = await play(target, frames);
          endings.set(end, (endings.get(end) ?? 0) + 1);
        }),
        { runs: 800, timeLimitMs: 15_000, minRuns: 200 },
      );
      console.info(`[fuzz] ws endings: ${JSON.stringify(Object.fromEntries(endings))}`);
      // Every rule of the protocol was exercised, and sequences that stay valid to the end too.
      if (runs >= COVERAGE_RUNS) expect([...endings.keys()]).toEqual(
        expect.arrayContaining(['open', CloseCode.BadRequest, CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.SubscriberAlreadyExists, CloseCode.TooManyInitialisationRequests, 1009]),
      );
      expect(await snapshot(f)).toEqual(before);
      await waitIdle(f.server.url, idle);
      expect((await gqlOk(f.server, `{ viewer { id } }`, {}, f.token)).viewer.id).toBe('fuzz/Fuzzer');
    },
    fuzzTimeout(60_000),
  );

  it(
    'well-formed mutations with one bad input over WebSocket get BAD_USER_INPUT and store nothing',
    async () => {
      const before = await snapshot(f);
      const socket = await open();
      await socket.init(f.token);
      let n = 0;
      await checkProperty(
        'ws: bad input',
        fc.asyncProperty(badInputArb(f), async (op) => {
          const id = `bad${++n}`;
          socket.sendJson({ id, type: 'subscribe', payload: op });
          const answer = await socket.waitFor((m) => m.id === id && (m.type === 'next' || m.type === 'error'));
          const errors = answer.type === 'error' ? (answer.payload as { extensions?: { code?: string } }[]) : ((answer.payload as { errors?: { extensions?: { code?: string } }[] }).errors ?? []);
          expect([...new Set(errors.map((e) => e.extensions?.code))], `${op.query} ${JSON.stringify(op.variables).slice(0, 200)}`).toEqual(['BAD_USER_INPUT']);
        }),
        { runs: 300, timeLimitMs: 10_000, minRuns: 80 },
      );
      expect(socket.isClosed).toBeNull();
      await socket.close();
      expect(await snapshot(f)).toEqual(before);
    },
    fuzzTimeout(30_000),
  );
});
