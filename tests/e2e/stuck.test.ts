/**
 * No wedged agent (issue 12), through the real API: an agent that heartbeats but never reports on
 * its task becomes STUCK (task held), then its task goes to another agent; a worker whose work on
 * an assignment fails gives it back with the reason and takes the next assignment, the same task
 * again included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker, parseWorkerArgs } from '../../src/cli/worker.js';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK } from '../utils/documents.js';
import { eventually, gqlOk, startServer, timelineOfTask, type TestServer } from '../utils/server.js';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startServer({
    env: { AGENT_STALE_AFTER_MS: '5000', AGENT_CRASH_AFTER_MS: '20000', AGENT_STUCK_AFTER_MS: '700' },
  });
  token = await server.token({ name: 'Ops', org: 'acme' });
});
afterAll(() => server.dispose());

const AGENT = `id status health currentTaskId lastProgressAt`;
const register = async (name: string) => (await gqlOk(server, `mutation($n: String!) { registerAgent(name: $n) { ${AGENT} } }`, { n: name }, token)).registerAgent;
const agentOf = async (id: string) => (await gqlOk(server, `query($id: ID!) { agent(id: $id) { ${AGENT} } }`, { id }, token)).agent;
const taskOf = async (id: string) => (await gqlOk(server, TASK, { id }, token)).task;
const create = async (title: string) => (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION } }, token)).createTask.id as string;

describe('stuck agents', () => {
  it('a silent agent is STUCK (its task held), a report resumes it, and abandoned work goes to another agent', async () => {
    const silent = await register('silent-1');
    const beat = setInterval(() => void gqlOk(server, `mutation($a: ID!) { agentHeartbeat(agentId: $a) { id } }`, { a: silent.id }, token), 150);
    try {
      const id = await create('Nobody reports on me');
      await eventually(async () => (await taskOf(id)).assignedAgentId === silent.id, 10_000);
      await gqlOk(server, `mutation($t: ID!, $a: ID!) { startCoding(taskId: $t, agentId: $a, branch: "conveyor/silent") { id } }`, { t: id, a: silent.id }, token);

      // Heartbeats keep it from going stale; with no report it is stuck, and its task is held.
      await eventually(async () => (await agentOf(silent.id)).health === 'STUCK', 5000);
      await eventually(async () => (await taskOf(id)).heldReason !== null, 3000);
      expect((await taskOf(id)).heldReason).toMatch(/^agent silent-1 is stuck \(no progress since /);

      // A report brings it back: healthy, the task resumed.
      await gqlOk(server, `mutation($t: ID!, $a: ID!) { reportProgress(taskId: $t, agentId: $a, message: "still here", percent: 10) { id } }`, { t: id, a: silent.id }, token);
      await eventually(async () => (await agentOf(silent.id)).health === 'HEALTHY' && (await taskOf(id)).heldReason === null, 3000);

      // Silent again for twice the watch: the task is requeued and another agent takes it.
      const spare = await register('spare-1');
      await eventually(async () => (await taskOf(id)).assignedAgentId === spare.id, 8000);
      expect(await agentOf(silent.id)).toMatchObject({ status: 'IDLE', currentTaskId: null, health: 'HEALTHY' });
      const timeline = await timelineOfTask(server, id, token);
      expect(timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['HELD', 'RESUMED', 'REQUEUED']));
      expect(timeline.find((e) => e.type === 'REQUEUED')!.payload.reason).toMatch(/^agent silent-1 reported no progress since /);
      const silentHistory = (await gqlOk(server, `query($a: ID!) { agentTimeline(agentId: $a) { type } }`, { a: silent.id }, token)).agentTimeline.map((e: any) => e.type);
      expect(silentHistory).toEqual(expect.arrayContaining(['STUCK', 'ABANDONED', 'TASK_RELEASED']));
      await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, token);
      await gqlOk(server, `mutation($a: ID!) { deregisterAgent(agentId: $a) { id } }`, { a: spare.id }, token);
    } finally {
      clearInterval(beat);
      await gqlOk(server, `mutation($a: ID!) { deregisterAgent(agentId: $a) { id } }`, { a: silent.id }, token);
    }
  }, 30_000);

  it('a worker that cannot work an assignment releases it with the reason and takes the next one, the same task again included', async () => {
    const lines: string[] = [];
    const options = parseWorkerArgs(['--url', server.url, '--name', 'flaky-1', '--token', token, '--heartbeat', '200', '--work', '300']);
    const worker = new Worker({ ...options, log: (line) => lines.push(line) });
    // The first attempt fails the way a real one can (the server answers an error mid-work); the
    // worker's own error handling does the rest.
    const internals = worker as unknown as { work: (taskId: string, signal: AbortSignal) => Promise<void> };
    const realWork = internals.work.bind(worker);
    let attempts = 0;
    internals.work = (taskId, signal) => (++attempts === 1 ? Promise.reject(new Error('the repository could not be cloned')) : realWork(taskId, signal));
    await worker.start();
    try {
      const id = await create('Flaky first attempt');
      await eventually(async () => (await taskOf(id)).status === 'PR_OPEN', 15_000);
      const timeline = await timelineOfTask(server, id, token);
      const types = timeline.map((e) => e.type);
      expect(types.filter((t) => t === 'ASSIGNED')).toHaveLength(2); // given back, then taken again
      expect(timeline.find((e) => e.type === 'REQUEUED')!.payload.reason).toBe('worker flaky-1: the repository could not be cloned');
      expect(lines.join('\n')).toMatch(new RegExp(`! task ${id}: the repository could not be cloned; releasing it`));
      expect(attempts).toBe(2);
    } finally {
      await worker.stop();
    }
  }, 30_000);
});
