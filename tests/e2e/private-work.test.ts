/**
 * Private tasks are workable (issue 12): the wedge the demo met, reproduced with the real worker
 * CLI as separate processes. Two workers signed in as their own users of an org; a teammate
 * creates a private task. Before the fix the assigned worker could not read it, logged
 * "assigned task is not visible" and its agent stayed BUSY for good while the org's queue waited.
 *
 * The rule (docs/design.md, "Who may work a private task"): assignment grants the user who runs
 * the assigned agent read access to that one task while the agent holds it; teammates' lists and
 * streams never show it.
 */
import type { ChildProcess } from 'node:child_process';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK, TASK_UPDATED } from '../utils/documents.js';
import { eventually, gqlOk, startServer, type TestServer } from '../utils/server.js';
import { spawnWorker } from '../utils/worker.js';

let server: TestServer;
const processes: ChildProcess[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startServer({ env: { AGENT_STALE_AFTER_MS: '3000', AGENT_CRASH_AFTER_MS: '8000' } });
  for (const name of ['Ada', 'Bob', 'Carol']) tokens[name] = await server.token({ name, org: 'acme' });
});
afterAll(async () => {
  for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
  await server.dispose();
});

const worker = (name: string, token: string) => spawnWorker(server.url, name, token, ['--heartbeat', '300', '--work', '600'], processes);

const create = async (as: string, title: string, isPrivate: boolean) =>
  (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION, private: isPrivate } }, tokens[as])).createTask.id as string;
const statusOf = async (id: string) => (await gqlOk(server, TASK, { id }, tokens.Ada)).task.status as string;

describe('a private task handed to a teammate\'s worker', () => {
  it('is worked to a PR, the queue behind it keeps moving, and teammates never see it', async () => {
    // Teammates' live streams, open before anything happens: the private task must never appear.
    const seen: Record<string, string[]> = { Bob: [], Carol: [] };
    const clients = Object.keys(seen).map((name) => {
      const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${tokens[name]}` }, lazy: false });
      client.subscribe({ query: TASK_UPDATED }, { next: (r: any) => seen[name].push(r.data.taskUpdated.task.id), error: () => {}, complete: () => {} });
      return client;
    });
    const bob = await worker('bob-bot', tokens.Bob);
    const carol = await worker('carol-bot', tokens.Carol);

    const secret = await create('Ada', 'Rotate the signing keys', true);
    const after = [await create('Ada', 'Public follow-up one', false), await create('Ada', 'Public follow-up two', false), await create('Ada', 'Public follow-up three', false)];

    await eventually(async () => (await statusOf(secret)) === 'PR_OPEN', 20_000);
    for (const id of after) await eventually(async () => (await statusOf(id)) === 'PR_OPEN', 20_000);

    // Nobody's agent is left BUSY without a task it holds.
    await eventually(async () => {
      const { agents } = await gqlOk(server, `{ agents { name status currentTaskId } }`, {}, tokens.Bob);
      return (agents as any[]).every((a) => a.status === 'IDLE' && a.currentTaskId === null);
    }, 5_000);

    // The timeline shows who could read it and why.
    const { timeline } = await gqlOk(server, `query($id: ID!) { timeline(taskId: $id) { type payload } }`, { id: secret }, tokens.Ada);
    const assigned = (timeline as any[]).find((e) => e.type === 'ASSIGNED');
    expect(assigned.payload).toMatchObject({ grantedTo: expect.stringMatching(/^acme\/(Bob|Carol)$/) });

    // The worker that did it read it; once released, its user cannot read it any more.
    for (const name of ['Bob', 'Carol']) {
      expect((await gqlOk(server, TASK, { id: secret }, tokens[name])).task).toBeNull();
      const { tasks } = await gqlOk(server, `{ tasks(first: 100) { nodes { id } } }`, {}, tokens[name]);
      expect((tasks.nodes as any[]).map((t) => t.id)).not.toContain(secret);
      expect(seen[name]).not.toContain(secret);
      expect(seen[name]).toEqual(expect.arrayContaining(after));
    }
    for (const w of [bob, carol]) expect(w.output()).not.toMatch(/✗ [0-9a-f-]{36}:/);
    for (const c of clients) await c.dispose();
  }, 60_000);
});
