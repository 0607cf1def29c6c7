/**
 * Subscriptions over GraphQL over SSE (Yoga's distinct connections mode, src/server/plugins/use-sse-subscriptions.ts):
 * the same auth, visibility and cursor resume as over graphql-ws; prompt delivery with nothing
 * sent by the client; keep-alive pings; a closed stream frees its subscription on the server.
 * Real server on port 0, the real graphql-sse client (and plain fetch where the bytes matter).
 */
import { createClient, NetworkError, type Client, type ExecutionResult } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, COUNTS, CREATE_TASK, TASK_UPDATED, TIMELINE, type TaskUpdateData } from '../utils/documents.js';
import { perUser, seedUsers, seedVisibilityTasks, VISIBILITY_CAST, type SeedUser } from '../utils/seed.js';
import { eventually, gqlOk, headCursor, sleep, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';

let server: TestServer;
let alice: string; // acme, creator
let amir: string; // acme, teammate (Bob, of globex, is in `users`)
let users: Record<keyof typeof VISIBILITY_CAST, SeedUser>;
/** /healthz subscriptions of the idle server: the orchestrator's own feed reader. */
let idle: number;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_MUTATIONS: '100000' } });
  users = await seedUsers(server, VISIBILITY_CAST);
  ({ alice: { token: alice }, amir: { token: amir } } = users);
  idle = (await healthz()).subscriptions;
});
afterAll(async () => {
  for (const c of clients) c.dispose();
  await server.dispose();
});

/** The graphql-sse client, never retrying on its own, so every drop is visible to the test. */
function sseClient(token?: string): Client {
  const client = createClient({
    url: `${server.url}/graphql`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

interface SseSubscription<T> {
  received: T[];
  /** When each message arrived (Date.now(), same clock as the server's commit times). */
  arrivals: number[];
  errors: unknown[];
  /** Resolves once the response headers arrived: the subscription is running on the server. */
  connected: Promise<void>;
  /** Resolves when the stream ended (completed or failed). */
  done: Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  dispose(): void;
}

function sseSubscribe<T = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown> = {}): SseSubscription<T> {
  const received: T[] = [];
  const arrivals: number[] = [];
  const errors: unknown[] = [];
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (result: ExecutionResult<T, unknown>) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) {
          received.push(result.data);
          arrivals.push(Date.now());
        }
      },
      error: (error) => {
        errors.push(error);
        finish();
      },
      complete: () => finish(),
    },
    { connected: () => onConnected() },
  );
  return {
    received,
    arrivals,
    errors,
    connected,
    done,
    dispose,
    waitFor: async (count, timeoutMs = 5000) => {
      await eventually(() => received.length >= count, timeoutMs).catch(() => {
        throw new Error(`${received.length}/${count} messages after ${timeoutMs} ms; errors: ${JSON.stringify(errors)}`);
      });
      return received;
    },
  };
}

/** A raw SSE request: status, headers, and the stream's chunks as they arrive. */
async function rawStream(body: unknown, token?: string) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    signal: controller.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const chunks: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push({ at: Date.now(), text: decoder.decode(chunk, { stream: true }) });
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) throw error;
  });
  return { response, chunks, text: () => chunks.map((c) => c.text).join(''), reading, close: () => controller.abort() };
}

/** The `data` of each `next` event of an event stream's text. */
function nextEvents(text: string): ExecutionResult[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: next\n'))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as ExecutionResult);
}

const head = async (token: string) => await headCursor(server, token);
const create = async (token: string, title: string, isPrivate = false) =>
  (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION, private: isPrivate } }, token)).createTask as { id: string };
const healthz = async () => (await (await fetch(`${server.url}/healthz`)).json()) as { subscriptions: number };
const gauge = async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^conveyor_subscriptions (\d+)$/m.exec(text)?.[1]);
};
const ids = (sub: { received: TaskUpdateData[] }) => new Set(sub.received.map((d) => d.taskUpdated.task.id));
const cursors = (sub: { received: TaskUpdateData[] }) => sub.received.map((d) => d.taskUpdated.cursor);

describe('GraphQL over SSE', () => {
  it('refuses a subscription without a token or with a bad one: 401 with a coded error', async ({ expect }) => {
    for (const token of [undefined, 'not-a-jwt']) {
      const raw = await rawStream({ query: TASK_UPDATED }, token);
      await raw.reading;
      expect(raw.response.status).toBe(401);
      expect(nextEvents(raw.text())[0].errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    // The real client reports the refusal, with the response, and never streams anything.
    const sub = sseSubscribe(sseClient('not-a-jwt'), TASK_UPDATED);
    await sub.done;
    expect(sub.received).toEqual([]);
    expect(sub.errors[0]).toBeInstanceOf(NetworkError);
    expect((sub.errors[0] as NetworkError<Response>).response?.status).toBe(401);
  });

  it('refuses bad input with a coded error (a cursor ahead of the log)', async () => {
    const raw = await rawStream({ query: TASK_UPDATED, variables: { after: '999999999' } }, alice);
    await raw.reading;
    expect(nextEvents(raw.text())[0].errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('applies visibility: a teammate sees org tasks, another org nothing, a private task only its creator', async () => {
    const after = await head(alice);
    const streams = perUser(users, (token) => sseSubscribe<TaskUpdateData>(sseClient(token), TASK_UPDATED, { after }));
    await Promise.all(Object.values(streams).map((s) => s.connected));
    const { pub, priv, bobs } = await seedVisibilityTasks(users, { pub: 'sse public', priv: 'sse private', bobs: 'sse globex' });
    const issued = (s: SseSubscription<TaskUpdateData>) => s.received.filter((d) => d.taskUpdated.event === 'ISSUE_OPENED').length;
    await eventually(() => issued(streams.alice) === 2 && issued(streams.amir) === 1 && issued(streams.bob) === 1);
    await sleep(200); // anything wrongly delivered would have arrived
    expect(ids(streams.alice)).toEqual(new Set([pub, priv]));
    expect(ids(streams.amir)).toEqual(new Set([pub]));
    expect(ids(streams.bob)).toEqual(new Set([bobs]));
    for (const s of Object.values(streams)) {
      expect(s.errors).toEqual([]);
      s.dispose();
    }
  });

  it('delivers each committed event within 1 s with nothing sent by the client, the last one too', async () => {
    // Under NODE_ENV=test Yoga pings every 300 ms, and a ping would push out an event stuck in a
    // buffer. With production's 12 s pings the only bytes on the wire are the events, so the
    // last event of a burst arriving on time proves each event is flushed on its own.
    process.env.NODE_ENV = 'production';
    try {
      type Update = { taskUpdated: { cursor: string; event: string; task: { id: string; updatedAt: string } } };
      const sub = sseSubscribe<Update>(sseClient(amir), `subscription { taskUpdated { cursor event task { id updatedAt } } }`);
      await sub.connected;
      const { id } = await create(alice, 'sse latency');
      await eventually(() => sub.received.some((d) => d.taskUpdated.event === 'WAITING'));
      await sleep(100);
      const mine = sub.received.map((d, i) => ({ ...d.taskUpdated, arrived: sub.arrivals[i] })).filter((u) => u.task.id === id);
      expect(mine.map((u) => u.event)).toEqual(['CREATED', 'ANALYSIS_STARTED', 'DISPATCHED', 'ISSUE_OPENED', 'WAITING']);
      for (const update of mine) {
        // updatedAt is the time this version was committed (same machine clock).
        expect(update.arrived - Date.parse(update.task.updatedAt), update.event).toBeLessThan(1000);
      }
      sub.dispose();
    } finally {
      process.env.NODE_ENV = 'test';
    }
  });

  it('resumes with `after:` = the last cursor: exactly the missed events, once, in order', async () => {
    const start = await head(alice);
    // The reference: a WebSocket subscriber that stays connected throughout.
    const ws = wsClient(server, amir);
    const reference = subscribe<TaskUpdateData>(ws, TASK_UPDATED, { after: start });
    const first = sseSubscribe<TaskUpdateData>(sseClient(amir), TASK_UPDATED, { after: start });
    const before = await create(alice, 'sse before the drop');
    await eventually(() => first.received.some((d) => d.taskUpdated.task.id === before.id && d.taskUpdated.event === 'ISSUE_OPENED'));
    first.dispose();
    await first.done;
    const last = cursors(first).at(-1)!;

    // Missed while disconnected: two tasks, each through its automatic steps.
    const missed = [await create(alice, 'sse missed 1'), await create(alice, 'sse missed 2')];
    await eventually(() => reference.received.filter((d) => d.taskUpdated.event === 'ISSUE_OPENED').length === 3);

    const resumed = sseSubscribe<TaskUpdateData>(sseClient(amir), TASK_UPDATED, { after: last });
    const expected = reference.received.filter((d) => BigInt(d.taskUpdated.cursor) > BigInt(last));
    await resumed.waitFor(expected.length);
    const after = await create(alice, 'sse live again');
    await eventually(() => resumed.received.some((d) => d.taskUpdated.task.id === after.id && d.taskUpdated.event === 'ISSUE_OPENED'));
    await eventually(() => reference.received.some((d) => d.taskUpdated.task.id === after.id && d.taskUpdated.event === 'ISSUE_OPENED'));

    expect(new Set(expected.map((d) => d.taskUpdated.task.id))).toEqual(new Set(missed.map((t) => t.id)));
    // Before the drop + after it = the reference stream, cursor for cursor: no gap, no repeat.
    expect([...cursors(first), ...cursors(resumed)]).toEqual(cursors(reference));
    expect(resumed.received.slice(0, expected.length)).toEqual(expected);
    resumed.dispose();
    reference.unsubscribe();
    await ws.dispose();
  });

  it('sends keep-alive pings on an idle stream, unbuffered by proxies', async () => {
    const raw = await rawStream({ query: TASK_UPDATED }, alice);
    expect(raw.response.status).toBe(200);
    expect(raw.response.headers.get('content-type')).toBe('text/event-stream');
    expect(raw.response.headers.get('cache-control')).toBe('no-cache');
    expect(raw.response.headers.get('x-accel-buffering')).toBe('no');
    await sleep(1000); // NODE_ENV=test: Yoga pings every 300 ms (12 s in production)
    raw.close();
    await raw.reading;
    expect(raw.text()).toMatch(/^(:\n\n){3,}$/);
  });

  it('frees the subscription on the server when the client closes the stream', async () => {
    // Earlier tests' streams are closed: theirs must be gone too before counting.
    await eventually(async () => (await healthz()).subscriptions === idle, 2000);
    const client = sseClient(alice);
    const { id } = await create(alice, 'sse close');
    const subs = [
      sseSubscribe(client, TASK_UPDATED),
      sseSubscribe(client, TIMELINE, { taskId: id }),
      sseSubscribe(client, COUNTS),
    ];
    await Promise.all(subs.map((s) => s.connected));
    await eventually(async () => (await healthz()).subscriptions === idle + 3);
    expect(await gauge()).toBe(3);
    for (const s of subs) s.dispose();
    // Nothing is committed meanwhile: the cursors must end on the close itself, not on an event.
    await eventually(async () => (await healthz()).subscriptions === idle, 2000);
    expect(await gauge()).toBe(0);
  });

  it('ends a stream with UNAUTHENTICATED when its token expires, and frees it', async () => {
    const shortLived = await server.token({ name: 'Alice', org: 'acme' }, 2000); // exp is in whole seconds
    const sub = sseSubscribe(sseClient(shortLived), TASK_UPDATED);
    await sub.connected;
    await Promise.race([sub.done, sleep(5000)]);
    expect(sub.errors).toMatchObject([{ message: 'Token has expired', extensions: { code: 'UNAUTHENTICATED' } }]);
    await eventually(async () => (await healthz()).subscriptions === idle, 2000);
    expect(await gauge()).toBe(0);
  });
});
