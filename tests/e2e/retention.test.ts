/**
 * Retention end to end (issue 14): a real server on port 0 with RETENTION_DAYS of about a
 * second, an archive pass run through the app's own timer object, and the real graphql-ws and
 * graphql-sse clients. A subscription resumed from a cursor below the log horizon fails with
 * CURSOR_EXPIRED and the extensions that say where to go on from (grouped, ungrouped and SSE);
 * after re-reading the query's cursor it continues with no gap; a task's timeline still answers
 * (compact); an agent's history without a cursor starts where it is kept.
 */
import { createClient as createSseClient, type ExecutionResult } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANCEL, TASK_UPDATED, TIMELINE, type TaskUpdateData, type TimelineData } from '../utils/documents.js';
import { seedUser, type SeedUser } from '../utils/seed.js';
import { eventually, gql, gqlOk, headCursor, sleep, startServer, subscribe, wsClient, type TestServer, type WsClient } from '../utils/server.js';

/** RETENTION_DAYS of one second (and a bit): events older than that may be archived. */
const ONE_SECOND_IN_DAYS = '0.0000116';

let server: TestServer;
let ada: SeedUser;
const sockets: WsClient[] = [];
/** Cursors: before anything, and the horizon and head after the pass. */
let start: string;
let horizon: number;
let cancelled: string[];
let agentId: string;

const AGENT_UPDATED = `subscription Agents($after: String) { agentUpdated(after: $after) { cursor event agent { id version } } }`;
const AGENT_TIMELINE = `query AgentTimeline($agentId: ID!, $after: String) { agentTimeline(agentId: $agentId, after: $after) { cursor type } }`;
const TIMELINE_QUERY = `query Timeline($taskId: ID!) { timeline(taskId: $taskId) { cursor version type at actor payload state } }`;

beforeAll(async () => {
  server = await startServer({ env: { RETENTION_DAYS: ONE_SECOND_IN_DAYS, RETENTION_INTERVAL_MS: '3600000', RATE_LIMIT_MUTATIONS: '100000' } });
  ada = await seedUser(server, 'Ada', 'acme');
  start = await headCursor(server, ada.token);
  // Three tasks that end cancelled (final: their whole history may go), once they are queued.
  cancelled = [await ada.createTask('old one'), await ada.createTask('old two'), await ada.createTask('old three')];
  await eventually(async () => {
    const data = await gqlOk<{ tasks: { nodes: { status: string }[] } }>(server, `{ tasks(first: 10) { nodes { status } } }`, {}, ada.token);
    return data.tasks.nodes.every((t) => t.status === 'DISPATCHED');
  });
  for (const id of cancelled) await gqlOk(server, CANCEL, { taskId: id }, ada.token);
  agentId = await ada.registerAgent('old-worker');
  for (let i = 0; i < 3; i++) await gqlOk(server, `mutation($id: ID!) { agentHeartbeat(agentId: $id) { id } }`, { id: agentId }, ada.token);
  await sleep(1300); // everything so far is now older than RETENTION_DAYS
  await gqlOk(server, `mutation($id: ID!) { agentHeartbeat(agentId: $id) { id } }`, { id: agentId }, ada.token);
  const pass = await server.app.retention!.runNow();
  expect(pass).toMatchObject({ tasks: 3, agents: 1, more: false });
  expect(pass!.archived).toBeGreaterThan(10);
  horizon = pass!.horizon;
  expect(horizon).toBeGreaterThan(Number(start));
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await server.dispose();
});

/** The last event a new task gets here: queued, it waits or the idle agent is assigned it. */
const settled = (d: TaskUpdateData) => d.taskUpdated.event === 'WAITING' || d.taskUpdated.event === 'ASSIGNED';

function socket(): WsClient {
  const ws = wsClient(server, ada.token);
  sockets.push(ws);
  return ws;
}

/** What a CURSOR_EXPIRED error carries for a read from `cursor` now (the log's head is its `cursor`). */
async function expiredError(cursor: string, kept = horizon) {
  const now = await headCursor(server, ada.token);
  return {
    message: expect.stringMatching(new RegExp(`^Cursor ${cursor} is older than the history this server keeps \\(horizon ${kept}\\).*Re-read the state`)),
    extensions: expect.objectContaining({ code: 'CURSOR_EXPIRED', horizon: String(kept), cursor: now }),
  };
}

describe('retention over the API', () => {
  it('refuses a subscription resumed from below the horizon with CURSOR_EXPIRED, grouped and ungrouped', async () => {
    const ws = socket();
    for (const [query, variables] of [
      [TASK_UPDATED, { after: start }],
      [TASK_UPDATED, { after: String(horizon - 1) }],
      [AGENT_UPDATED, { after: start }],
    ] as const) {
      const sub = subscribe(ws, query, variables);
      await sub.done;
      expect(sub.received).toEqual([]);
      expect(sub.errors).toEqual([expect.objectContaining(await expiredError(variables.after))]);
    }
    // The same on the ordinary graphql-ws path (the fan-out engine opted out).
    const errors: unknown[] = [];
    await new Promise<void>((resolve) =>
      ws.client.subscribe({ query: TASK_UPDATED, variables: { after: start }, extensions: { fanout: false } }, {
        next: (result) => void errors.push(...(result.errors ?? [])),
        error: (error) => (errors.push(error), resolve()),
        complete: resolve,
      }),
    );
    expect(errors).toEqual([expect.objectContaining(await expiredError(start))]);
  });

  it('continues with no gap from the cursor of a re-read, and from the horizon itself', async () => {
    const ws = socket();
    const after = await headCursor(server, ada.token); // what the error says to do: re-read the state…
    const fromRead = subscribe<TaskUpdateData>(ws, TASK_UPDATED, { after }); // …then subscribe after its cursor
    const fromHorizon = subscribe<TaskUpdateData>(ws, TASK_UPDATED, { after: String(horizon) });
    const id = await ada.createTask('after the pass');
    await eventually(() => fromRead.received.some((d) => d.taskUpdated.task.id === id && settled(d)));
    await eventually(() => fromHorizon.received.some((d) => d.taskUpdated.task.id === id && settled(d)));
    const timeline = (await gqlOk<{ timeline: { cursor: string; type: string }[] }>(server, TIMELINE_QUERY, { taskId: id }, ada.token)).timeline;
    const mine = (sub: typeof fromRead) => sub.received.filter((d) => d.taskUpdated.task.id === id).map((d) => [d.taskUpdated.cursor, d.taskUpdated.event]);
    // Every event of the new task, in order, once: the whole of its timeline.
    for (const sub of [fromRead, fromHorizon]) {
      await eventually(() => mine(sub).length >= timeline.length);
      expect(mine(sub).slice(0, timeline.length)).toEqual(timeline.map((e) => [e.cursor, e.type]));
    }
    for (const sub of [fromRead, fromHorizon]) {
      const cursors = sub.received.map((d) => Number(d.taskUpdated.cursor));
      expect(cursors).toEqual([...new Set(cursors)].sort((a, b) => a - b));
      expect(sub.errors).toEqual([]);
      sub.unsubscribe();
    }
    // From the horizon it also had what came between the pass and the re-read (the heartbeat is
    // an agent's event: not a task update), so it starts at or before the re-read's first.
    expect(Number(fromHorizon.received[0].taskUpdated.cursor)).toBeLessThanOrEqual(Number(fromRead.received[0].taskUpdated.cursor));
  });

  it('refuses the same over SSE, and continues there after a re-read', async () => {
    const client = createSseClient({ url: `${server.url}/graphql`, headers: { authorization: `Bearer ${ada.token}` }, retryAttempts: 0 });
    try {
      const refused = await new Promise<ExecutionResult[]>((resolve, reject) => {
        const results: ExecutionResult[] = [];
        client.subscribe({ query: TASK_UPDATED, variables: { after: start } }, { next: (r) => void results.push(r as ExecutionResult), error: reject, complete: () => resolve(results) });
      });
      expect(refused.flatMap((r) => r.errors ?? [])).toEqual([expect.objectContaining(await expiredError(start))]);
      const after = await headCursor(server, ada.token);
      const received: TaskUpdateData[] = [];
      const stop = client.subscribe<TaskUpdateData>({ query: TASK_UPDATED, variables: { after } }, { next: (r) => void (r.data && received.push(r.data)), error: () => {}, complete: () => {} });
      const id = await ada.createTask('after the pass, over SSE');
      await eventually(() => received.some((d) => d.taskUpdated.task.id === id && settled(d)));
      const timeline = (await gqlOk<{ timeline: { cursor: string }[] }>(server, TIMELINE_QUERY, { taskId: id }, ada.token)).timeline;
      const mine = () => received.filter((d) => d.taskUpdated.task.id === id).map((d) => d.taskUpdated.cursor);
      await eventually(() => mine().length >= timeline.length);
      expect(mine().slice(0, timeline.length)).toEqual(timeline.map((e) => e.cursor));
      stop();
    } finally {
      client.dispose();
    }
  });

  it('still answers an archived task’s timeline, compact, by query and by subscription', async () => {
    const [id] = cancelled;
    const { timeline } = await gqlOk<{ timeline: { cursor: string; version: number; type: string; actor: string; payload: unknown; state: unknown }[] }>(server, TIMELINE_QUERY, { taskId: id }, ada.token);
    expect(timeline.map((e) => e.type)).toEqual(['CREATED', 'ANALYSIS_STARTED', 'DISPATCHED', 'ISSUE_OPENED', 'WAITING', 'CANCELLED']);
    expect(timeline.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(timeline.every((e) => e.payload === null && Number(e.cursor) <= horizon)).toBe(true);
    expect(timeline.at(-1)!.state).toBe('cancelled');
    // The task page's subscription (its whole history, then live) gets the same.
    const sub = subscribe<TimelineData>(socket(), TIMELINE, { taskId: id });
    await sub.waitFor(6);
    expect(sub.received.map((d) => d.timeline.type)).toEqual(timeline.map((e) => e.type));
    expect(sub.errors).toEqual([]);
    sub.unsubscribe();
    // Its final state is untouched.
    const task = await gqlOk<{ task: { status: string; version: number } }>(server, `query($id: ID!) { task(id: $id) { status version } }`, { id }, ada.token);
    expect(task.task).toEqual({ status: 'CANCELLED', version: 6 });
  });

  it('reads an agent’s history from where it is kept; from an older cursor, CURSOR_EXPIRED', async () => {
    const kept = await gqlOk<{ agentTimeline: { cursor: string; type: string }[] }>(server, AGENT_TIMELINE, { agentId }, ada.token);
    expect(kept.agentTimeline.length).toBeGreaterThanOrEqual(1);
    expect(kept.agentTimeline.every((e) => Number(e.cursor) > horizon - 1)).toBe(true);
    const old = await gql(server, AGENT_TIMELINE, { agentId, after: start }, ada.token);
    expect(old.errors?.[0].extensions).toMatchObject({ code: 'CURSOR_EXPIRED', cursor: await headCursor(server, ada.token) });
    expect(Number((old.errors?.[0].extensions as { horizon: string }).horizon)).toBeLessThanOrEqual(horizon);
  });
});
