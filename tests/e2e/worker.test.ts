/**
 * The worker CLI as separate processes against the real server: a worker killed mid-task has its
 * task requeued and finished by another; Ctrl-C gives the task back; --exec reports exit status.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK } from '../utils/documents.js';
import { deliverGitHub } from '../utils/github.js';
import { eventually, gqlOk, startServer, timelineOfTask, type TestServer } from '../utils/server.js';
import { runToExit } from '../utils/process.js';
import { spawnWorker } from '../utils/worker.js';

const SECRET = 'worker-test-webhook-secret-0123';
let server: TestServer;
let token: string;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  server = await startServer({
    env: { AGENT_STALE_AFTER_MS: '700', AGENT_CRASH_AFTER_MS: '1800', GITHUB_WEBHOOK_SECRET: SECRET },
  });
  token = await server.token({ name: 'Worker Owner', org: 'acme' });
});
afterEach(() => {
  for (const p of processes.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});
afterAll(() => server.dispose());

/** `conveyor worker` as a user runs it, printing to a buffer; resolves once registered. */
const worker = (name: string, ...args: string[]) => spawnWorker(server.url, name, token, ['--heartbeat', '150', ...args], processes);

const create = async (title: string) =>
  (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION } }, token)).createTask.id as string;
const taskOf = async (id: string) => (await gqlOk(server, TASK, { id }, token)).task;
const timelineOf = (id: string) => timelineOfTask(server, id, token);
const agentNamed = async (name: string) =>
  ((await gqlOk(server, `{ agents { id name health status currentTaskId } }`, {}, token)).agents as any[]).find((a) => a.name === name);

async function mergeViaWebhook(branch: string, number: number) {
  const body = JSON.stringify({
    action: 'closed',
    number,
    pull_request: { number, html_url: `https://github.com/acme/app/pull/${number}`, title: 't', body: null, head: { ref: branch }, merged: true, merged_at: new Date().toISOString(), merge_commit_sha: 'abcdef1234567' },
  });
  const response = await deliverGitHub(server, SECRET, 'pull_request', body);
  expect(response.status).toBe(200);
}

describe('worker CLI', () => {
  it('a worker killed mid-task: the task is held, requeued and finished by another worker', async () => {
    const slow = await worker('slow-1', '--work', '60000');
    const id = await create('Survive a crashed worker');
    await eventually(async () => (await taskOf(id)).status === 'CODING', 10_000);
    const slowAgent = await agentNamed('slow-1');
    expect((await taskOf(id)).assignedAgentId).toBe(slowAgent.id);
    const fast = await worker('fast-1', '--work', '300');

    slow.process.kill('SIGKILL'); // no sign-off: heartbeats simply stop
    await eventually(async () => (await taskOf(id)).status === 'PR_OPEN', 15_000);
    const task = await taskOf(id);
    const fastAgent = await agentNamed('fast-1');
    expect(task.pullRequest.number).toBeGreaterThan(0);
    expect((await agentNamed('slow-1')).health).toBe('CRASHED');
    await mergeViaWebhook(task.branch, task.pullRequest.number);
    expect((await taskOf(id)).status).toBe('MERGED');

    const timeline = await timelineOf(id);
    const types = timeline.map((e) => e.type);
    // In order: first assignment, its crash (held while stale, then requeued), the second worker.
    const order = ['ASSIGNED', 'CODING_STARTED', 'HELD', 'REQUEUED', 'ASSIGNED', 'CODING_STARTED', 'PR_OPENED', 'PR_MERGED'];
    let at = -1;
    for (const type of order) {
      at = types.indexOf(type, at + 1);
      expect(at, `${type} after position ${at} in ${types.join(',')}`).toBeGreaterThanOrEqual(0);
    }
    const assigned = timeline.filter((e) => e.type === 'ASSIGNED').map((e) => e.payload.agentId);
    expect(assigned).toEqual([slowAgent.id, fastAgent.id]); // never two at once: requeued in between
    expect(timeline.find((e) => e.type === 'REQUEUED')?.payload.reason).toMatch(/agent slow-1 crashed/);
    expect(timeline.map((e) => e.version)).toEqual(timeline.map((_, i) => i + 1));
    expect(fast.output()).toContain('PR #');
    // Two sessions: the crashed worker's ended "crashed", the requeued attempt is a new one.
    const { task: withSessions } = await gqlOk(server, `query($id: ID!) { task(id: $id) { sessions { attempt agentId outcome reason endedAt } } }`, { id }, token);
    expect(withSessions.sessions).toEqual([
      { attempt: 1, agentId: slowAgent.id, outcome: 'CRASHED', reason: expect.stringMatching(/agent slow-1 crashed/), endedAt: expect.any(String) },
      { attempt: 2, agentId: fastAgent.id, outcome: 'PR_OPENED', reason: null, endedAt: expect.any(String) },
    ]);
    fast.process.kill('SIGINT');
    expect(await fast.exited).toBe(0);
  }, 60_000);

  it('Ctrl-C signs the worker off and gives its task back to the queue', async () => {
    const w = await worker('interrupted-1', '--work', '60000');
    const id = await create('Interrupted work');
    await eventually(async () => (await taskOf(id)).status === 'CODING', 10_000);
    w.process.kill('SIGINT');
    expect(await w.exited).toBe(0);
    expect(w.output()).toContain('went back to the queue');
    const task = await taskOf(id);
    expect(task).toMatchObject({ status: 'DISPATCHED', state: { active: { dispatched: 'queued' } }, assignedAgentId: null });
    expect((await agentNamed('interrupted-1')).health).toBe('OFFLINE');
    // Back in the queue with the reason (then, with no agent left online, it says why it waits).
    expect((await timelineOf(id)).filter((e) => e.type !== 'WAITING').at(-1)).toMatchObject({ type: 'REQUEUED', payload: { reason: 'agent interrupted-1 stopped' } });
    // Cleanup: cancel it so later tests' workers do not pick it up.
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, token);
  }, 30_000);

  it('--exec runs a real command per task and reports its exit status', async () => {
    const failing = await worker('exec-fail', '--exec', 'echo "building $TASK_BRANCH"; exit 3');
    const bad = await create('Command fails');
    await eventually(async () => (await taskOf(bad)).status === 'FAILED', 15_000);
    expect((await taskOf(bad)).error).toBe('command exited with code 3');
    expect(failing.output()).toContain('building conveyor/issue-');
    failing.process.kill('SIGINT');
    await failing.exited;

    const passing = await worker('exec-ok', '--exec', 'test -n "$TASK_ID" && test -n "$TASK_TITLE"');
    const good = await create('Command succeeds');
    await eventually(async () => (await taskOf(good)).status === 'PR_OPEN', 15_000);
    passing.process.kill('SIGINT');
    await passing.exited;
  }, 60_000);

  it('bad arguments get a clear message and exit code 2', async () => {
    const { code, output: out } = await runToExit('node', ['bin/conveyor.mjs', 'worker', '--heartbeat', 'soon'], { env: process.env });
    expect(code).toBe(2);
    expect(out).toContain('--heartbeat must be a number');
  });
});
