/**
 * Errors in tiers (docs/design.md, issue 13), through the real API: an exhausted version conflict
 * is CONFLICT (HTTP 409, retryable) and stores nothing; an unexpected failure while checking a
 * WebSocket's token is logged and closes with 4500, not disguised as 4403 Forbidden; the worker
 * CLI stops, saying why, when the server refuses its token instead of reconnecting forever.
 * Assertions use the wire values (409, 'CONFLICT', 4500, 4403), not the constants.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/env.js';
import { VersionConflictError, type EventStore } from '../../src/store/types.js';
import { CANCEL, CLEAR_DESCRIPTION, CREATE_TASK, TASK } from '../utils/documents.js';
import { runProcess } from '../utils/process.js';
import { eventually, gql, gqlOk, startServer, tempDataDir, wsClient, type TestServer } from '../utils/server.js';

describe('CONFLICT', () => {
  let server: TestServer;
  let token: string;
  /** Commits touching this entity lose to "another writer", every time. */
  let contested: string | null = null;
  /** Refused commits of a cancellation (the orchestrator may write the task meanwhile too). */
  let refusedCancels = 0;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    const store: EventStore = await openStore(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    const commit = store.commit.bind(store);
    store.commit = async (changes) => {
      const id = contested;
      if (id !== null && changes.some((change) => change.entityId === id)) {
        if (changes.some((change) => change.events.some((event) => event.type === 'CANCELLED'))) refusedCancels++;
        throw new VersionConflictError(id);
      }
      return commit(changes);
    };
    server = await startServer({ dataDir, overrides: { store } });
    token = await server.token({ name: 'Ada', org: 'acme' });
  });
  afterAll(() => server.dispose());

  it('a version conflict the host cannot win is CONFLICT (409, retryable), and nothing is stored', async () => {
    const { createTask } = await gqlOk(server, CREATE_TASK, { input: { title: 'Contested', description: CLEAR_DESCRIPTION } }, token);
    const settled = await eventually(async () => {
      const { task } = await gqlOk(server, TASK, { id: createTask.id }, token);
      return task.status === 'DISPATCHED' || task.status === 'QUEUED' ? task : null;
    });

    contested = createTask.id;
    const refused = await gql(server, CANCEL, { taskId: createTask.id }, token);
    contested = null;

    expect(refused.status).toBe(409);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0].extensions).toEqual({ code: 'CONFLICT', id: createTask.id, retryable: true, retryAfterMs: 100 });
    expect(refused.errors![0].message).toMatch(/nothing was stored: retry/);
    expect(refusedCancels).toBe(6); // the first attempt and the host's 5 retries
    const { task } = await gqlOk(server, TASK, { id: createTask.id }, token);
    expect(task.version).toBe(settled.version);

    // Retried as the hint says, it goes through.
    const retried = await gqlOk(server, CANCEL, { taskId: createTask.id }, token);
    expect(retried.cancelTask.status).toBe('CANCELLED');
  });
});

describe('WebSocket token check', () => {
  let server: TestServer;
  const logged: { level: number; msg: string; err?: { message: string } }[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    server = await startServer({ overrides: { logger } });
  });
  afterAll(() => server.dispose());

  it('an unexpected failure is logged and closes with 4500; a bad token still closes with 4403', async () => {
    const token = await server.token({ name: 'Ada', org: 'acme' });
    const verify = vi.spyOn(server.app.auth, 'verify').mockRejectedValueOnce(new Error('key store unreadable'));
    const failing = wsClient(server, token);
    expect((await failing.closed).code).toBe(4500);
    verify.mockRestore();
    await eventually(() => logged.find((line) => line.level >= 50 && /key store unreadable/.test(line.err?.message ?? '')));

    const bad = wsClient(server, `${token}x`);
    expect((await bad.closed).code).toBe(4403);
    const good = wsClient(server, token);
    await good.client.subscribe({ query: '{ __typename }' }, { next: () => {}, error: () => {}, complete: () => {} });
    await eventually(async () => (await gql(server, '{ __typename }')).status === 200);
    await good.dispose();
  });
});

describe('worker CLI', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.dispose());

  it('stops and says why when the server refuses its token (4403), instead of reconnecting forever', async () => {
    // Expires while the worker runs: the server closes its socket with 4403 at that moment.
    const token = await server.token({ name: 'Short Lived', org: 'acme' }, 4000);
    const worker = runProcess('node', ['bin/conveyor.mjs', 'worker', '--url', server.url, '--name', 'short-lived', '--token', token], { env: process.env });
    try {
      const code = await Promise.race([worker.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
      expect(code, worker.output()).toBe(1);
      expect(worker.output()).toContain('waiting for tasks');
      expect(worker.output()).toMatch(/refused this worker's token: connection closed with 4403 \(Token expired\)/);
      expect(worker.output()).not.toContain('reconnecting');
    } finally {
      await worker.stop('SIGKILL');
    }
  });
});
