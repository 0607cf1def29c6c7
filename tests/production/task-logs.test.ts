/**
 * Task logs in production mode (issue 16):
 * - the two log stores answer the same: random appends (tasks, attempts, batch sizes, line
 *   lengths, a small bound) through SqliteLogStore and PostgresLogStore, every read and every
 *   session's figures compared after each step (a differential test);
 * - lines appended through one instance reach a follower on another (Redis), in order, once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresLogStore } from '../../src/logs/postgres-logs.js';
import { SqliteLogStore } from '../../src/logs/sqlite-logs.js';
import type { LogStore, NewLogLine } from '../../src/logs/types.js';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { disposeAfterEach } from '../utils/per-test.js';
import { random } from '../utils/random.js';
import { eventually, gqlOk, sleep, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';
import { DATABASE_URL, dropSchema, freshSchema, hasServices, REDIS_URL, storesOnFreshSchemas } from './env.js';

const open = storesOnFreshSchemas();
const defer = disposeAfterEach({ ignoreErrors: true });
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

describe.skipIf(!hasServices)('task logs in production mode', () => {
  it('SQLite and PostgreSQL log stores answer the same over random appends', async () => {
    const schema = freshSchema();
    const store = await open(schema); // migrates the schema, task-log tables included
    await store.close();
    const pg = PostgresLogStore.connect(DATABASE_URL!, schema);
    const lite = new SqliteLogStore(':memory:');
    const stores: [string, LogStore][] = [
      ['sqlite', lite],
      ['postgres', pg],
    ];
    try {
      const rnd = random(Number(process.env.LOG_DIFF_SEED ?? 16_016));
      const tasks = ['t1', 't2', 't3'];
      const MAX = 3_000;
      for (let step = 0; step < 60; step++) {
        const task = tasks[Math.floor(rnd() * tasks.length)];
        const attempt = 1 + Math.floor(rnd() * 2);
        const n = 1 + Math.floor(rnd() * (rnd() < 0.1 ? 120 : 25));
        const lines: NewLogLine[] = Array.from({ length: n }, (_, i) => ({
          stream: rnd() < 0.2 ? 'stderr' : 'stdout',
          text: `s${step} l${i} ${'é✓x'.repeat(Math.floor(rnd() * 30))}`,
          at: 1_800_000_000_000 + step * 1000 + i,
        }));
        const results = await Promise.all(stores.map(([, s]) => s.append(task, attempt, lines, MAX)));
        expect(results[1], `append ${step}`).toEqual(results[0]);
        for (const t of tasks) {
          const after = Math.floor(rnd() * (results[0].cursor + 1));
          for (const attemptFilter of [null, 1, 2]) {
            const limit = 1 + Math.floor(rnd() * 200);
            const reads = await Promise.all(stores.map(([, s]) => s.read(t, { after, limit, attempt: attemptFilter })));
            expect(reads[1], `read ${t} after ${after} attempt ${attemptFilter} at step ${step}`).toEqual(reads[0]);
          }
          const sessions = await Promise.all(stores.map(([, s]) => s.sessions(t)));
          expect(sessions[1]).toEqual(sessions[0]);
          for (const session of sessions[0]) expect(session.bytes).toBeLessThanOrEqual(MAX);
        }
      }
      // Something was dropped along the way, and the marker says how much.
      const dropped = (await lite.sessions('t1')).reduce((sum, s) => sum + s.droppedLines, 0) + (await lite.sessions('t2')).reduce((sum, s) => sum + s.droppedLines, 0);
      expect(dropped).toBeGreaterThan(0);
    } finally {
      await pg.close();
      await lite.close();
    }
  });

  it('lines appended through one instance reach a follower on another, in order, once', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const env = { DATABASE_URL: DATABASE_URL!, DATABASE_SCHEMA: schema, REDIS_URL: REDIS_URL!, REDIS_CHANNEL: `conveyor:test:${randomBytes(4).toString('hex')}`, JWT_SECRET: 'task-logs-test-secret-0123456789abcdef' };
    const a: TestServer = await startServer({ env });
    defer(() => a.stop());
    const b: TestServer = await startServer({ env });
    defer(() => b.stop());
    const token = await a.token({ name: 'Ada', org: 'acme' });
    const id = (await gqlOk(a, `mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }`, { i: { title: 'Logged across', description: CLEAR_DESCRIPTION } }, token)).createTask.id as string;
    const agent = (await gqlOk(a, `mutation { registerAgent(name: "cross") { id } }`, {}, token)).registerAgent.id as string;
    await eventually(async () => (await gqlOk(a, `query($id: ID!) { task(id: $id) { assignedAgentId } }`, { id }, token)).task.assignedAgentId === agent, 10_000);

    const ws = wsClient(b, token);
    defer(() => ws.dispose());
    const live = subscribe<{ taskLogs: { cursor: string; text: string } }>(ws, `subscription($t: ID!) { taskLogs(taskId: $t) { cursor text } }`, { t: id });
    const APPEND = `mutation($t: ID!, $a: ID!, $l: [LogLineInput!]!) { appendTaskLogs(taskId: $t, agentId: $a, lines: $l) { cursor } }`;
    const batch = (b: number) => gqlOk(a, APPEND, { t: id, a: agent, l: Array.from({ length: 10 }, (_, i) => ({ text: `line ${b * 10 + i}` })) }, token);
    // The follower has read the (empty) log and waits: its next look by polling alone is 2 s
    // after it subscribed, so lines that arrive within 0.8 s of a batch sent at 0.3 s came by
    // the bell, through Redis.
    await sleep(300);
    await batch(0);
    await live.waitFor(10, 800);
    for (let b = 1; b < 10; b++) await batch(b);
    await live.waitFor(100, 10_000);
    expect(live.received.map((r) => r.taskLogs.text)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
    const cursors = live.received.map((r) => Number(r.taskLogs.cursor));
    expect(new Set(cursors).size).toBe(100);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
  });
});
