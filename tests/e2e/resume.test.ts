/**
 * Ordering and resume: per-task versions 1..N with no gap; `after` gives exactly the missed
 * events, also across a server restart on the same data directory.
 */
import { describe, expect, it } from 'vitest';
import {
  ANSWER,
  CANCEL,
  CLEAR_DESCRIPTION,
  COUNTS,
  CREATE_TASK,
  TASK,
  TASK_UPDATED,
  TIMELINE,
  type TaskUpdateData,
  type TimelineData,
} from '../utils/documents.js';
import { serversPerTest } from '../utils/per-test.js';
import { eventually, gqlOk, headCursor, subscribe, tempDataDir, type TestServer } from '../utils/server.js';

// Stopped, not disposed: the restart tests reopen the data directory.
const perTest = serversPerTest({ keepData: true });
const server = (dataDir?: string) => perTest.server({ dataDir });
const { client } = perTest;

/** Ada of acme on a fresh server, subscribed to task updates from the head of the log. */
async function adaFromHead() {
  const s = await server();
  const token = await s.token({ name: 'Ada', org: 'acme' });
  const ws = client(s, token);
  // Subscribe from the current head (explicit after) so nothing can be missed at the start.
  const sub = subscribe<TaskUpdateData>(ws, TASK_UPDATED, { after: await headCursor(s, token) });
  return { s, token, ws, sub };
}

/** Drive a task through clarification to dispatched + issue opened: 6 events. */
async function lifecycle(s: TestServer, token: string) {
  const { createTask } = await gqlOk(s, CREATE_TASK, { input: { title: 'Vague', description: 'fix it' } }, token);
  const id = createTask.id as string;
  await eventually(async () => (await gqlOk(s, TASK, { id }, token)).task.status === 'NEEDS_CLARIFICATION');
  const questions: string[] = (await gqlOk(s, TASK, { id }, token)).task.openQuestions;
  const answers = questions.map((_, i) => `Answer ${i + 1}: the login button on the sign-in page`);
  await gqlOk(s, ANSWER, { taskId: id, answers }, token);
  // The last automatic step: queued with no agent in the org, the orchestrator records why it waits.
  await eventually(async () => (await gqlOk(s, TASK, { id }, token)).task.waiting !== null);
  return id;
}

describe('ordering', () => {
  it('a subscriber connected before creation sees versions 1..N of each task in order, no gap', async () => {
    const { s, token, sub } = await adaFromHead();
    const ids = await Promise.all([lifecycle(s, token), lifecycle(s, token), lifecycle(s, token)]);
    const byTask = new Map<string, number[]>();
    await eventually(() => {
      byTask.clear();
      for (const d of sub.received) {
        const t = d.taskUpdated.task;
        byTask.set(t.id, [...(byTask.get(t.id) ?? []), t.version]);
      }
      return ids.every((id) => (byTask.get(id)?.length ?? 0) >= 7);
    });
    for (const id of ids) expect(byTask.get(id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const events = sub.received.filter((d) => d.taskUpdated.task.id === ids[0]).map((d) => d.taskUpdated.event);
    expect(events).toEqual([
      'CREATED',
      'ANALYSIS_STARTED',
      'CLARIFICATION_REQUESTED',
      'CLARIFICATION_ANSWERED',
      'DISPATCHED',
      'ISSUE_OPENED',
      'WAITING',
    ]);
  });

  it('timeline replays the whole history without `after`, then continues live', async () => {
    const s = await server();
    const token = await s.token({ name: 'Ada', org: 'acme' });
    const id = await lifecycle(s, token);
    const sub = subscribe<TimelineData>(client(s, token), TIMELINE, { taskId: id });
    const history = await sub.waitFor(7);
    expect(history.map((d) => d.timeline.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(history[0].timeline).toMatchObject({ type: 'CREATED', actor: 'Ada' });
    expect(history[5].timeline).toMatchObject({ type: 'ISSUE_OPENED', payload: { number: expect.any(Number) } });
    expect(history[6].timeline).toMatchObject({ type: 'WAITING', actor: 'orchestrator', payload: { code: 'no_agent_online' } });
    await gqlOk(s, CANCEL, { taskId: id }, token);
    const live = await sub.waitFor(8);
    expect(live[7].timeline).toMatchObject({ version: 8, type: 'CANCELLED' });
  });
});

describe('resume with `after`', () => {
  it('after a disconnect: exactly the missed events, then live', async () => {
    const { s, token, ws: first, sub } = await adaFromHead();
    const a = await gqlOk(s, CREATE_TASK, { input: { title: 'one', description: CLEAR_DESCRIPTION } }, token);
    await eventually(() => sub.received.some((d) => d.taskUpdated.task.id === a.createTask.id));
    // What this session processed: a message already in flight may still be delivered while the
    // socket closes, but a client resumes from the last cursor it actually handled.
    const firstSession = [...sub.received];
    const lastSeen = firstSession.at(-1)!.taskUpdated.cursor;
    await first.dispose();

    // While disconnected: more changes.
    const b = await gqlOk(s, CREATE_TASK, { input: { title: 'two', description: CLEAR_DESCRIPTION } }, token);
    await eventually(async () => (await gqlOk(s, TASK, { id: b.createTask.id }, token)).task.issue !== null);
    const head2 = Number(await headCursor(s, token));

    const again = subscribe<TaskUpdateData>(client(s, token), TASK_UPDATED, { after: lastSeen });
    await eventually(() => again.received.length > 0 && Number(again.received.at(-1)!.taskUpdated.cursor) >= head2);
    const cursors = again.received.map((d) => Number(d.taskUpdated.cursor));
    expect(cursors[0]).toBeGreaterThan(Number(lastSeen));
    expect(new Set(cursors).size).toBe(cursors.length);
    const all = [...firstSession, ...again.received];
    // Together the two sessions saw every version of both tasks exactly once.
    for (const id of [a.createTask.id, b.createTask.id]) {
      const versions = all.filter((d) => d.taskUpdated.task.id === id).map((d) => d.taskUpdated.task.version);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      expect(versions.length).toBeGreaterThanOrEqual(4);
    }
    // ...and it continues live.
    const c = await gqlOk(s, CREATE_TASK, { input: { title: 'three', description: CLEAR_DESCRIPTION } }, token);
    await eventually(() => again.received.some((d) => d.taskUpdated.task.id === c.createTask.id));
  });

  it('after a server restart on the same data directory: nothing lost, nothing twice', async () => {
    const dataDir = tempDataDir();
    const s1 = await server(dataDir);
    const token = await s1.token({ name: 'Ada', org: 'acme' });
    const ws1 = client(s1, token);
    const timeline1 = subscribe<TimelineData>(ws1, TIMELINE, { taskId: await lifecycle(s1, token) });
    await timeline1.waitFor(7);
    const taskId = (await gqlOk(s1, `{ tasks(first: 1) { nodes { id } } }`, {}, token)).tasks.nodes[0].id;
    const seen = timeline1.received.at(-1)!.timeline.cursor;
    await s1.stop();

    // Same port is not needed: clients resume by cursor against whatever instance answers.
    const s2 = await server(dataDir);
    const token2 = await s2.token({ name: 'Ada', org: 'acme' }); // same secret, same user
    await gqlOk(s2, CANCEL, { taskId }, token2);
    const resumed = subscribe<TimelineData>(client(s2, token2), TIMELINE, { taskId, after: seen });
    const got = await resumed.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map((d) => d.timeline.version)).toEqual([8]);
    expect(got[0].timeline.type).toBe('CANCELLED');
    expect(Number(got[0].timeline.cursor)).toBeGreaterThan(Number(seen));

    // The read model and counts survived the restart too.
    const counts = subscribe<any>(client(s2, token2), COUNTS, {});
    const [first] = await counts.waitFor(1);
    expect(first.dashboardCounts).toMatchObject({ cancelled: 1, total: 1, active: 0 });
  });

  it('rejects a cursor that was never issued with BAD_USER_INPUT', async () => {
    const s = await server();
    const token = await s.token({ name: 'Ada', org: 'acme' });
    for (const after of ['abc', '-1', '99999999']) {
      const sub = subscribe<TaskUpdateData>(client(s, token), TASK_UPDATED, { after });
      await sub.done;
      expect(JSON.stringify(sub.errors)).toContain('BAD_USER_INPUT');
    }
  });
});

describe('dashboardCounts', () => {
  it('sends current counts at once, then a new value on every change', async () => {
    const s = await server();
    const token = await s.token({ name: 'Ada', org: 'acme' });
    await gqlOk(s, CREATE_TASK, { input: { title: 'before', description: 'fix it' } }, token);
    const sub = subscribe<any>(client(s, token), COUNTS, {});
    const [initial] = await sub.waitFor(1);
    expect(initial.dashboardCounts.total).toBe(1);
    const { createTask } = await gqlOk(s, CREATE_TASK, { input: { title: 'after', description: 'fix it' } }, token);
    await eventually(() => sub.received.some((d) => d.dashboardCounts.total === 2));
    await eventually(async () => (await gqlOk(s, TASK, { id: createTask.id }, token)).task.status === 'NEEDS_CLARIFICATION');
    await gqlOk(s, CANCEL, { taskId: createTask.id }, token);
    await eventually(() => sub.received.at(-1)?.dashboardCounts.cancelled === 1);
    const last = sub.received.at(-1)!.dashboardCounts;
    expect(last).toMatchObject({ total: 2, cancelled: 1, active: 1 });
    const byStatus = Object.fromEntries(last.byStatus.map((b: any) => [b.status, b.count]));
    expect(byStatus.CANCELLED).toBe(1);
  });
});

describe('dashboardCounts under a burst', () => {
  it('sends the latest value per tick, not one message per transition, and ends exact', async () => {
    const s = await server();
    const token = await s.token({ name: 'Ada', org: 'acme' });
    const sub = subscribe<any>(client(s, token), COUNTS, {});
    await sub.waitFor(1);
    await Promise.all(Array.from({ length: 60 }, (_, i) => gqlOk(s, CREATE_TASK, { input: { title: `burst ${i}`, description: 'fix it' } }, token)));
    // 60 tasks × 3 status changes = 180 transitions; the counts end exact...
    await eventually(() => sub.received.at(-1)?.dashboardCounts.byStatus.find((b: any) => b.status === 'NEEDS_CLARIFICATION')?.count === 60, 10_000);
    expect(sub.received.at(-1)!.dashboardCounts.total).toBe(60);
    // ...in far fewer messages than transitions.
    expect(sub.received.length).toBeLessThan(60);
  });
});
