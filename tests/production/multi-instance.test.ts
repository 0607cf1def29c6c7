/**
 * Several server instances on one PostgreSQL and one Redis: cross-instance delivery in order,
 * Redis connections cut mid-stream, an instance killed with SIGKILL, a deadline due during a
 * restart, concurrent commands on one task through two instances, readiness.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../utils/ports.js';
import { RUNNING, runProcess, type RunningProcess } from '../utils/process.js';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK, TASK_UPDATED, type TaskUpdateData } from '../utils/documents.js';
import { eventually, gql, gqlOk, headCursor, sleep, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';
import { DATABASE_URL, dropSchema, freshSchema, hasServices, REDIS_URL } from './env.js';
import { disposeAfterEach } from '../utils/per-test.js';

const SECRET = 'multi-instance-test-secret-0123456789!!';
const schemas: string[] = [];
const defer = disposeAfterEach({ ignoreErrors: true });
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

function cluster() {
  const schema = freshSchema();
  schemas.push(schema);
  return { schema, channel: `conveyor:test:${randomBytes(4).toString('hex')}` };
}

async function instance(c: { schema: string; channel: string }, env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer({
    env: { DATABASE_URL: DATABASE_URL!, DATABASE_SCHEMA: c.schema, REDIS_URL: REDIS_URL!, REDIS_CHANNEL: c.channel, JWT_SECRET: SECRET, ...env },
  });
  defer(() => s.stop());
  return s;
}

function versionsByTask(received: TaskUpdateData[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const d of received) map.set(d.taskUpdated.task.id, [...(map.get(d.taskUpdated.task.id) ?? []), d.taskUpdated.task.version]);
  return map;
}
const contiguous = (versions: number[]) => versions.every((v, i) => v === i + 1);

describe.skipIf(!hasServices)('production mode: several instances', () => {
  it('1. a mutation on A reaches subscribers on B in order, per-task versions without gaps', async () => {
    const c = cluster();
    const a = await instance(c);
    const b = await instance(c);
    expect(a.url).not.toBe(b.url);
    const token = await a.token({ name: 'Ada', org: 'acme' });
    const head = await headCursor(b, token);
    const ws = wsClient(b, token);
    defer(() => ws.dispose());
    const sub = subscribe<TaskUpdateData>(ws, TASK_UPDATED, { after: head });
    const ids = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => (await gqlOk(a, CREATE_TASK, { input: { title: `cross ${i}`, description: CLEAR_DESCRIPTION } }, token)).createTask.id as string),
    );
    await eventually(() => ids.every((id) => versionsByTask(sub.received).get(id)?.includes(4)), 10_000);
    const cursors = sub.received.map((d) => Number(d.taskUpdated.cursor));
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    expect(new Set(cursors).size).toBe(cursors.length);
    for (const [, versions] of versionsByTask(sub.received)) expect(contiguous(versions)).toBe(true);
  });

  it('3. Redis connections cut during a stream: subscribers on both instances end with every event, once, in order', async () => {
    const c = cluster();
    const a = await instance(c);
    const b = await instance(c);
    const token = await a.token({ name: 'Ada', org: 'acme' });
    const head = await headCursor(a, token);
    const subs = [a, b].map((s) => {
      const ws = wsClient(s, token);
      defer(() => ws.dispose());
      return subscribe<TaskUpdateData>(ws, TASK_UPDATED, { after: head });
    });
    const admin = new Redis(REDIS_URL!);
    defer(async () => admin.disconnect());
    const created: string[] = [];
    for (let i = 0; i < 20; i++) {
      created.push((await gqlOk(i % 2 ? a : b, CREATE_TASK, { input: { title: `storm ${i}`, description: 'fix it' } }, token)).createTask.id);
      if (i % 5 === 2) await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'); // every subscriber connection drops
      await sleep(30);
    }
    // Each task ends in needs_clarification: CREATED, ANALYSIS_STARTED, CLARIFICATION_REQUESTED.
    for (const sub of subs) {
      await eventually(() => created.every((id) => versionsByTask(sub.received).get(id)?.length === 3), 15_000);
      const cursors = sub.received.map((d) => Number(d.taskUpdated.cursor));
      expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
      expect(new Set(cursors).size).toBe(cursors.length);
      for (const [, versions] of versionsByTask(sub.received)) expect(versions).toEqual([1, 2, 3]);
    }
    expect(subs[0].received.map((d) => d.taskUpdated.cursor)).toEqual(subs[1].received.map((d) => d.taskUpdated.cursor));
  });

  it('5. a deadline due while the instances are down fires exactly once when two come back', async () => {
    const c = cluster();
    const env = { AGENT_STALE_AFTER_MS: '400', AGENT_CRASH_AFTER_MS: '600000' };
    const first = await instance(c, env);
    const token = await first.token({ name: 'Ada', org: 'acme' });
    const agent = (await gqlOk(first, `mutation { registerAgent(name: "sleepy") { id } }`, {}, token)).registerAgent.id;
    await first.stop();
    await sleep(700);
    const [a, b] = await Promise.all([instance(c, env), instance(c, env)]);
    await eventually(async () => (await gqlOk(a, `query($id: ID!) { agent(id: $id) { health } }`, { id: agent }, token)).agent.health === 'STALE', 5000);
    await sleep(500);
    const timeline = (await gqlOk(b, `query($id: ID!) { agentTimeline(agentId: $id) { type } }`, { id: agent }, token)).agentTimeline;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['REGISTERED', 'WENT_STALE']);
  });

  it('the same task changed through two instances at once: applied in some order or rejected, never lost', async () => {
    const c = cluster();
    const a = await instance(c);
    const b = await instance(c);
    const token = await a.token({ name: 'Ada', org: 'acme' });
    const id = (await gqlOk(a, CREATE_TASK, { input: { title: 'Contended', description: 'fix it' } }, token)).createTask.id;
    await eventually(async () => (await gqlOk(a, TASK, { id }, token)).task.status === 'NEEDS_CLARIFICATION');
    const questions: string[] = (await gqlOk(a, TASK, { id }, token)).task.openQuestions;
    const [answer, cancel] = await Promise.all([
      gql(a, `mutation($id: ID!, $a: [String!]!) { answerClarification(taskId: $id, answers: $a) { version } }`, { id, a: questions.map(() => 'the sign-in page') }, token),
      gql(b, `mutation($id: ID!) { cancelTask(taskId: $id) { version } }`, { id }, token),
    ]);
    const ok = [answer, cancel].filter((r) => !r.errors);
    for (const r of [answer, cancel].filter((r) => r.errors)) expect(r.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const timeline = (await gqlOk(b, `query($id: ID!) { timeline(taskId: $id) { version type } }`, { id }, token)).timeline;
    expect(timeline.map((e: { version: number }) => e.version)).toEqual(timeline.map((_: unknown, i: number) => i + 1));
    expect(timeline.some((e: { type: string }) => e.type === 'CANCELLED')).toBe(cancel.errors === undefined);
  });

  it('/readyz is not ready while the database is unreachable, requests fail clearly, and both recover', async () => {
    // A TCP proxy in front of PostgreSQL that the test can cut and restore.
    const target = new URL(DATABASE_URL!);
    const upstreamHost = target.hostname;
    const upstreamPort = Number(target.port || 5432);
    const sockets = new Set<Socket>();
    let proxy: Server | null = null;
    const port = await freePort();
    const openProxy = () =>
      new Promise<void>((resolve) => {
        proxy = createServer((client) => {
          const upstream = new Socket();
          upstream.connect(upstreamPort, upstreamHost);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => s.destroy());
          }
          client.pipe(upstream).pipe(client);
        });
        proxy.listen(port, '127.0.0.1', () => resolve());
      });
    const cutProxy = () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy!.close(() => resolve());
      });
    await openProxy();
    defer(() => (proxy?.listening ? cutProxy() : Promise.resolve()));
    target.port = String(port);
    const c = cluster();
    const s = await instance(c, { DATABASE_URL: target.toString() });
    const token = await s.token({ name: 'Ada', org: 'acme' });
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);

    await cutProxy();
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: 'unreachable' });
    const started = Date.now();
    const failed = await gql(s, `{ tasks { nodes { id } } }`, {}, token);
    expect(Date.now() - started).toBeLessThan(8000); // a clear error, not a hang
    expect(failed.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');

    await openProxy();
    await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200, 10_000);
    expect((await gqlOk(s, CREATE_TASK, { input: { title: 'after the outage', description: 'fix it' } }, token)).createTask.id).toBeTruthy();
  });
});

describe.skipIf(!hasServices)('production mode: an instance killed with SIGKILL', () => {
  const children: RunningProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) await child.stop('SIGKILL');
  });

  /** A real server process, as an operator runs it. */
  async function processInstance(c: { schema: string; channel: string }): Promise<{ url: string; child: ChildProcess }> {
    const port = await freePort();
    const instance = runProcess('node', ['--import', 'tsx', 'src/server/index.ts'], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: DATABASE_URL!, DATABASE_SCHEMA: c.schema, REDIS_URL: REDIS_URL!, REDIS_CHANNEL: c.channel, JWT_SECRET: SECRET, LOG_LEVEL: 'warn' },
    });
    children.push(instance);
    await instance.waitFor(RUNNING, 30_000);
    return { url: `http://127.0.0.1:${port}`, child: instance.child };
  }

  it('SIGTERM: the instance stops gracefully and tells its clients "going away" (1001)', async () => {
    const c = cluster();
    const a = await processInstance(c);
    const helper = await instance(c);
    const token = await helper.token({ name: 'Ada', org: 'acme' });
    const ws = wsClient({ wsUrl: `${a.url.replace('http', 'ws')}/graphql` }, token);
    await subscribe(ws, `subscription { dashboardCounts { total } }`).waitFor(1);
    const exited = new Promise<number | null>((resolve) => a.child.on('exit', resolve));
    a.child.kill('SIGTERM');
    expect((await ws.closed).code).toBe(1001);
    expect(await exited).toBe(0);
    await ws.dispose();
  });

  it('4. its clients reconnect to the other instance and resume with nothing lost', async () => {
    const c = cluster();
    const [a, b] = await Promise.all([processInstance(c), processInstance(c)]);
    const helper = await instance(c); // only to sign tokens with the shared secret and to drive load
    const token = await helper.token({ name: 'Ada', org: 'acme' });
    const head = await headCursor(a, token);

    // A client that fails over: A first, B after A is gone; resumes from its last cursor.
    const urls = [a.url, b.url].map((u) => `${u.replace('http', 'ws')}/graphql`);
    let attempt = 0;
    let lastCursor = head;
    const received: TaskUpdateData[] = [];
    const client = createClient({
      url: () => urls[Math.min(attempt++, 1)],
      webSocketImpl: WebSocket,
      retryAttempts: 20,
      lazy: false,
      retryWait: async () => {
        await sleep(200);
      },
      shouldRetry: () => true,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    let stop: () => void = () => {};
    const start = () => {
      stop = client.subscribe<TaskUpdateData>(
        { query: TASK_UPDATED, variables: { after: lastCursor } },
        {
          next: ({ data }) => {
            if (!data) return;
            received.push(data);
            lastCursor = data.taskUpdated.cursor;
          },
          error: () => {},
          complete: () => {},
        },
      );
    };
    start();
    // Like the dashboard: on every reconnect, resume from the last cursor seen.
    client.on('closed', () => stop());
    client.on('connected', () => {
      if (attempt > 1) start();
    });
    defer(async () => client.dispose());

    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      if (i === 5) a.child.kill('SIGKILL'); // mid-stream
      ids.push((await gqlOk(helper, CREATE_TASK, { input: { title: `kill ${i}`, description: 'fix it' } }, token)).createTask.id);
      await sleep(40);
    }
    await eventually(() => ids.every((id) => versionsByTask(received).get(id)?.length === 3), 20_000);
    const cursors = received.map((d) => Number(d.taskUpdated.cursor));
    expect(new Set(cursors).size).toBe(cursors.length); // nothing twice
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y)); // in order
    for (const [, versions] of versionsByTask(received)) expect(versions).toEqual([1, 2, 3]); // nothing lost
    expect(attempt).toBeGreaterThan(1); // it really failed over
  }, 60_000);
});
