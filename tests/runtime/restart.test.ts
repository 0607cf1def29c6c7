/**
 * Durability across restarts: deadlines stored with the transition fire after a restart (once),
 * and an actor caught mid-effect resumes that effect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/effects/types.js';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK } from '../utils/documents.js';
import { eventually, gqlOk, sleep, startServer, tempDataDir, type TestServer } from '../utils/server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});
async function start(dataDir: string, options: Parameters<typeof startServer>[0] = {}) {
  const s = await startServer({ dataDir, ...options });
  servers.push(s);
  return s;
}
const timelineOf = async (s: TestServer, token: string, taskId: string) =>
  (await gqlOk(s, `query($id: ID!) { timeline(taskId: $id) { version type actor } }`, { id: taskId }, token)).timeline as {
    version: number;
    type: string;
    actor: string;
  }[];

describe('restart', () => {
  it('a heartbeat deadline that falls due while the server is down fires once after restart', async () => {
    const dataDir = tempDataDir();
    const env = { AGENT_STALE_AFTER_MS: '400', AGENT_CRASH_AFTER_MS: '100000' };
    const s1 = await start(dataDir, { env });
    const token = await s1.token({ name: 'Ada', org: 'acme' });
    const agent = (await gqlOk(s1, `mutation { registerAgent(name: "worker-1") { id health } }`, {}, token)).registerAgent;
    expect(agent.health).toBe('HEALTHY');
    await s1.stop(); // down before the 400 ms deadline
    await sleep(600);

    const s2 = await start(dataDir, { env });
    const health = async () => (await gqlOk(s2, `query($id: ID!) { agent(id: $id) { health version } }`, { id: agent.id }, token)).agent;
    await eventually(async () => (await health()).health === 'STALE', 3000);
    await sleep(300);
    expect(await health()).toEqual({ health: 'STALE', version: 2 }); // fired exactly once
    // A heartbeat brings it back.
    const back = await gqlOk(s2, `mutation($id: ID!) { agentHeartbeat(agentId: $id) { health version } }`, { id: agent.id }, token);
    expect(back.agentHeartbeat).toEqual({ health: 'HEALTHY', version: 3 });
  });

  it('a heartbeat re-arms the deadline: a steady agent never goes stale, a silent one does', async () => {
    const s = await start(tempDataDir(), { env: { AGENT_STALE_AFTER_MS: '300', AGENT_CRASH_AFTER_MS: '600' } });
    const token = await s.token({ name: 'Ada', org: 'acme' });
    const steady = (await gqlOk(s, `mutation { registerAgent(name: "steady") { id } }`, {}, token)).registerAgent.id;
    const silent = (await gqlOk(s, `mutation { registerAgent(name: "silent") { id } }`, {}, token)).registerAgent.id;
    for (let i = 0; i < 8; i++) {
      await sleep(100);
      await gqlOk(s, `mutation($id: ID!) { agentHeartbeat(agentId: $id) { id } }`, { id: steady }, token);
    }
    const agents = Object.fromEntries(
      (await gqlOk(s, `{ agents { id health } }`, {}, token)).agents.map((a: any) => [a.id, a.health]),
    );
    expect(agents[steady]).toBe('HEALTHY');
    expect(agents[silent]).toBe('CRASHED');
  });

  it('an actor caught mid-effect resumes the effect after a restart', async () => {
    const dataDir = tempDataDir();
    let calls = 0;
    const hanging: Analyzer = { analyze: () => (calls++, new Promise(() => {})) };
    const s1 = await start(dataDir, { overrides: { analyzer: hanging } });
    const token = await s1.token({ name: 'Ada', org: 'acme' });
    const id = (await gqlOk(s1, CREATE_TASK, { input: { title: 'Resume me', description: CLEAR_DESCRIPTION } }, token)).createTask.id;
    await eventually(async () => (await gqlOk(s1, TASK, { id }, token)).task.status === 'ANALYZING');
    expect(calls).toBe(1);
    await s1.stop(); // crash/restart while the analysis is in flight

    const s2 = await start(dataDir); // default analyzer this time
    await eventually(async () => (await gqlOk(s2, TASK, { id }, token)).task.waiting !== null, 5000);
    const types = (await timelineOf(s2, token, id)).map((e) => e.type);
    expect(types).toEqual(['CREATED', 'ANALYSIS_STARTED', 'DISPATCHED', 'ISSUE_OPENED', 'WAITING']);
  });

  it('a late effect result for a state the actor has left is dropped', async () => {
    let finish!: (v: { verdict: 'dispatch' }) => void;
    const slow: Analyzer = { analyze: () => new Promise((resolve) => (finish = resolve)) };
    const s = await start(tempDataDir(), { overrides: { analyzer: slow } });
    const token = await s.token({ name: 'Ada', org: 'acme' });
    const id = (await gqlOk(s, CREATE_TASK, { input: { title: 'Cancel me', description: CLEAR_DESCRIPTION } }, token)).createTask.id;
    await eventually(async () => (await gqlOk(s, TASK, { id }, token)).task.status === 'ANALYZING');
    await gqlOk(s, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, token);
    finish({ verdict: 'dispatch' });
    await sleep(200);
    const task = (await gqlOk(s, TASK, { id }, token)).task;
    expect(task).toMatchObject({ status: 'CANCELLED', version: 3 });
    expect((await timelineOf(s, token, id)).map((e) => e.type)).toEqual(['CREATED', 'ANALYSIS_STARTED', 'CANCELLED']);
  });
});
