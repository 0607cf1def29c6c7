/**
 * A data directory that fills up while the server runs (issue 7): a real, size-limited tmpfs
 * taken to ENOSPC by a filler file. Mutations must fail with a coded error and store nothing,
 * reads keep working, /readyz says why it is not ready, the process stays up, nothing stored
 * earlier is lost, and once space is freed it recovers by itself, without a restart.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeHttp } from '../utils/fake-http.js';
import { CREATE, CREATE_HUGE, HEARTBEAT, REGISTER, TASK, TIMELINE, allTasks, ok, readyz, request, signIn } from './client.js';
import { canMount, mountSmallDisk, type SmallDisk } from './filesystems.js';
import { checkLog, isInFlight } from './log-check.js';
import { buildServer, startServerProcess, type ServerProcess } from './server-process.js';
import { pollUntil } from '../utils/poll.js';

const ENV = { RATE_LIMIT_MUTATIONS: '1000000', AGENT_STALE_AFTER_MS: '600000', AGENT_CRASH_AFTER_MS: '1200000' };
const CLEAR = 'Add a dark theme toggle to the settings page, persisted per user, following the system preference.';
/** Big rows fill the disk in a few hundred commits rather than thousands. */
const BULKY = `${CLEAR} `.repeat(90);

const eventually = pollUntil;

/** Bulky creates until the disk refuses one (the WAL reuses the space it has for a while). */
async function fillUntilRefused(url: string, token: string, acknowledged: string[]) {
  for (let i = 0; i < 2000; i++) {
    const outcome = await request<{ createTask: { id: string } }>(url, CREATE_HUGE, { title: `fill ${i}`, description: BULKY }, token);
    if (outcome.kind !== 'ack') return outcome;
    acknowledged.push(outcome.data.createTask.id);
  }
  throw new Error('the disk never filled up');
}

describe.skipIf(!canMount)('a full data directory', () => {
  let disk: SmallDisk;
  let server: ServerProcess;
  let token = '';
  const acknowledged: string[] = [];

  beforeAll(() => buildServer());

  afterEach(async () => {
    await server?.stop();
    disk?.dispose();
  });

  const start = async (env: Record<string, string> = {}) => {
    disk = mountSmallDisk(8 * 1024 * 1024);
    server = await startServerProcess({ dataDir: `${disk.dir}/data`, env: { ...ENV, ...env } });
    token = await signIn(server.url, 'Ada', 'acme');
  };
  /** Fill the disk until a write is refused, as full. */
  const fillDisk = async () => {
    disk.fill();
    expect(await fillUntilRefused(server.url, token, [])).toMatchObject({ code: 'SERVICE_UNAVAILABLE', extensions: { storage: 'full' } });
  };
  /** Read `query` as Ada until `done` accepts the answer or `timeoutMs` passed; the last answer. */
  const readUntil = <T>(query: string, variables: Record<string, unknown>, done: (data: T) => boolean, timeoutMs: number) =>
    eventually(() => ok<T>(server.url, query, variables, token), done, timeoutMs);

  it('refuses writes with a coded error, keeps reads and the process, and recovers once space is freed', async () => {
    await start();
    const { registerAgent } = await ok<{ registerAgent: { id: string } }>(server.url, REGISTER, { name: 'builder' }, token);
    for (let i = 0; i < 3; i++) {
      const { createTask } = await ok<{ createTask: { id: string } }>(server.url, CREATE, { title: `before ${i}`, description: CLEAR }, token);
      acknowledged.push(createTask.id);
    }
    disk.fill();

    const refused = await fillUntilRefused(server.url, token, acknowledged);
    expect(refused).toMatchObject({
      kind: 'refused',
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      extensions: { storage: 'full' },
    });
    expect(refused.kind === 'refused' && refused.message).toMatch(/full/i);

    // Every kind of write is refused the same way, and says so.
    const beat = await request(server.url, HEARTBEAT, { agentId: registerAgent.id }, token);
    expect(beat).toMatchObject({ kind: 'refused', code: 'SERVICE_UNAVAILABLE', extensions: { storage: 'full' } });
    const ready = await readyz(server.url);
    expect(ready).toMatchObject({ status: 503, body: { status: 'not ready', storage: 'full' } });

    // Reads go on: the list, a task, its timeline.
    const listed = await allTasks(server.url, token);
    expect(listed.map((t) => t.id)).toEqual(expect.arrayContaining(acknowledged));
    const { task } = await ok<{ task: { id: string } }>(server.url, TASK, { id: acknowledged[0] }, token);
    expect(task.id).toBe(acknowledged[0]);
    const { timeline } = await ok<{ timeline: unknown[] }>(server.url, TIMELINE, { taskId: acknowledged[0] }, token);
    expect(timeline.length).toBeGreaterThan(0);

    // Still up a while later (the scheduler and effects keep failing meanwhile), still refusing.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.child.exitCode).toBeNull();
    expect(await request(server.url, CREATE, { title: 'still full', description: CLEAR }, token)).toMatchObject({
      kind: 'refused',
      code: 'SERVICE_UNAVAILABLE',
    });

    disk.free();
    const recovered = await eventually(() => readyz(server.url), (r) => r.status === 200, 5000);
    expect(recovered).toMatchObject({ status: 200, body: { status: 'ready' } });
    const { createTask } = await ok<{ createTask: { id: string } }>(server.url, CREATE, { title: 'after', description: CLEAR }, token);
    acknowledged.push(createTask.id);
    await ok(server.url, HEARTBEAT, { agentId: registerAgent.id }, token);

    // Nothing stored was lost, nothing half-written, across a restart too.
    await server.stop();
    expect(await server.exited).toBe(0);
    const report = checkLog(`${disk.dir}/data`);
    expect(report.problems).toEqual([]);
    server = await startServerProcess({ dataDir: `${disk.dir}/data`, env: ENV });
    const after = await allTasks(server.url, token);
    expect(after.map((t) => t.id)).toEqual(expect.arrayContaining(acknowledged));
    // Work the fault caught mid-effect moves on after a restart (without one, see the known
    // defect below).
    const stuck = await eventually(
      async () => (await allTasks(server.url, token, ['RECEIVED', 'ANALYZING', 'DISPATCHED'])).filter((t) => isInFlight(t.state)),
      (tasks) => tasks.length === 0,
      10_000,
    );
    expect(stuck.map((t) => `${t.id} ${JSON.stringify(t.state)}`)).toEqual([]);
  }, 60_000);

  it('fires deadlines that came due while it was full, once it takes writes again', async () => {
    await start({ AGENT_STALE_AFTER_MS: '1500' });
    const { registerAgent } = await ok<{ registerAgent: { id: string } }>(server.url, REGISTER, { name: 'builder' }, token);
    await fillDisk();
    // The agent's stale deadline comes due meanwhile; its commit is refused and the row stays.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const health = `query($id: ID!) { agent(id: $id) { health } }`;
    expect((await ok<{ agent: { health: string } }>(server.url, health, { id: registerAgent.id }, token)).agent.health).toBe('HEALTHY');
    disk.free();
    const { agent } = await readUntil<{ agent: { health: string } }>(health, { id: registerAgent.id }, (r) => r.agent.health !== 'HEALTHY', 5000);
    expect(agent.health).toBe('STALE');
  }, 60_000);

  /*
   * An effect's result whose commit the store refused (StoreUnavailableError: a full disk here,
   * an unreachable PostgreSQL in production) is delivered again, with backoff, until the store
   * takes it: the task does not stay ANALYZING until a restart. (Its set-up steps are the ones
   * the two tests above check.)
   */
  it('applies an effect result that arrived while it was full, once it takes writes again', async () => {
    // An analyzer that answers when told to, so an analysis is in flight while the disk fills.
    const held: ServerResponse[] = [];
    const analyzer = await fakeHttp((res) => held.push(res));
    await start({ ANALYZER_URL: analyzer.url, ANALYZER_MODEL: 'test' });
    const { createTask } = await ok<{ createTask: { id: string } }>(server.url, CREATE, { title: 'in flight', description: CLEAR }, token);
    await eventually(async () => analyzer.received.length, (n) => n > 0, 5000);

    await fillDisk();
    expect(await request(server.url, CREATE, { title: 'small', description: CLEAR }, token)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    // The verdicts arrive while nothing can be written.
    const verdict = JSON.stringify({ verdict: 'dispatch', questions: [] });
    for (const res of held.splice(0)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: verdict }, finish_reason: 'stop' }] }),
      );
    }
    await eventually(async () => server.output(), (out) => out.includes('effect result not applied'), 5000);

    disk.free();
    expect(await eventually(() => readyz(server.url), (r) => r.status === 200, 5000)).toMatchObject({ status: 200 });
    const { task } = await readUntil<{ task: { status: string } }>(TASK, { id: createTask.id }, (r) => r.task.status !== 'ANALYZING', 4000);
    expect(task.status).toBe('DISPATCHED');
  }, 60_000);
});
