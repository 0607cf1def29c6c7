/**
 * The org's activity feed (issue 16): one stream of every task and agent transition the viewer
 * may see, from a cursor then live, filtered by type, agent and task; resumed after a cursor
 * without loss or repeats; the same answer over WebSocket and SSE.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gqlOk, headCursor, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';

let server: TestServer;
let ada: string;
let bob: string;
let carol: string;
beforeAll(async () => {
  server = await startServer();
  ada = await server.token({ name: 'Ada', org: 'acme' });
  bob = await server.token({ name: 'Bob', org: 'acme' });
  carol = await server.token({ name: 'Carol', org: 'globex' });
});
afterAll(() => server.dispose());

type Activity = { cursor: string; entityType: string; entityId: string; type: string; version: number; task: { id: string; status: string } | null; agent: { id: string; name: string } | null };
const ACTIVITY = `subscription($f: ActivityFilter, $after: String) { activity(filter: $f, after: $after) { cursor entityType entityId type version task { id status } agent { id name } } }`;
const create = async (token: string, title: string, extra: Record<string, unknown> = {}) =>
  (await gqlOk(server, `mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }`, { i: { title, description: CLEAR_DESCRIPTION, ...extra } }, token)).createTask.id as string;

describe('activity feed', () => {
  it('every visible transition of tasks and agents, filtered, resumable, the same on WebSocket and SSE', async () => {
    const start = await headCursor(server, ada);
    const ws = wsClient(server, bob);
    const all = subscribe<{ activity: Activity }>(ws, ACTIVITY, { after: start });
    const assignedOnly = subscribe<{ activity: Activity }>(ws, ACTIVITY, { after: start, f: { types: ['ASSIGNED', 'TASK_ASSIGNED'] } });

    const pub = await create(ada, 'Public work');
    const secret = await create(ada, 'Private work', { private: true });
    const agent = (await gqlOk(server, `mutation { registerAgent(name: "feed-bot") { id } }`, {}, ada)).registerAgent.id as string;
    await eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { assignedAgentId } }`, { id: pub }, ada)).task.assignedAgentId === agent, 10_000);
    await gqlOk(server, `mutation($a: ID!) { agentHeartbeat(agentId: $a) { id } }`, { a: agent }, ada);
    await create(carol, 'Another org');
    await gqlOk(server, `mutation($t: ID!, $a: ID!) { startCoding(taskId: $t, agentId: $a, branch: "feed/1") { id } }`, { t: pub, a: agent }, ada);
    await eventually(() => all.received.some((r) => r.activity.type === 'CODING_STARTED' && r.activity.entityType === 'AGENT'), 10_000);

    const events = all.received.map((r) => r.activity);
    // Bob sees Ada's public task and the org's agent; never her private task, nor another org.
    expect(events.some((e) => e.entityId === pub)).toBe(true);
    expect(events.some((e) => e.entityId === agent && e.agent?.name === 'feed-bot')).toBe(true);
    expect(events.some((e) => e.entityId === secret)).toBe(false);
    expect(events.every((e) => (e.entityType === 'TASK' ? e.task?.id === e.entityId && e.agent === null : e.agent?.id === e.entityId && e.task === null))).toBe(true);
    const cursors = events.map((e) => Number(e.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(cursors.length);
    // Per entity, versions without gaps: nothing of what Bob may see was left out.
    const byEntity = new Map<string, number[]>();
    for (const e of events) byEntity.set(e.entityId, [...(byEntity.get(e.entityId) ?? []), e.version]);
    for (const [id, versions] of byEntity) if (id === pub) expect(versions).toEqual(versions.map((_, i) => i + 1));

    // Filtered by type: just the assignment, on both sides.
    await eventually(() => assignedOnly.received.length >= 2, 5_000);
    expect(assignedOnly.received.map((r) => [r.activity.entityType, r.activity.type]).sort()).toEqual([
      ['AGENT', 'TASK_ASSIGNED'],
      ['TASK', 'ASSIGNED'],
    ]);
    // Heartbeats left out on request (the dashboard's default).
    expect(events.some((e) => e.type === 'HEARTBEAT')).toBe(true);
    const quiet = subscribe<{ activity: Activity }>(ws, ACTIVITY, { after: start, f: { excludeTypes: ['HEARTBEAT'] } });
    await eventually(() => quiet.received.length >= events.filter((e) => e.type !== 'HEARTBEAT').length, 5_000);
    expect(quiet.received.map((r) => r.activity)).toEqual(events.filter((e) => e.type !== 'HEARTBEAT'));
    // Filtered by agent: its own events and those of the task it held.
    const byAgent = subscribe<{ activity: Activity }>(ws, ACTIVITY, { after: start, f: { agentId: agent } });
    await eventually(() => byAgent.received.some((r) => r.activity.type === 'CODING_STARTED' && r.activity.entityType === 'TASK'), 5_000);
    expect(byAgent.received.every((r) => r.activity.entityId === agent || r.activity.entityId === pub)).toBe(true);

    // Resumed after the 3rd event: exactly the rest; and the same over SSE.
    const rest = subscribe<{ activity: Activity }>(ws, ACTIVITY, { after: events[2].cursor });
    await eventually(() => rest.received.length >= events.length - 3, 5_000);
    expect(rest.received.slice(0, events.length - 3).map((r) => r.activity)).toEqual(events.slice(3));
    const sse = createSseClient({ url: `${server.url}/graphql`, headers: { authorization: `Bearer ${bob}` }, retryAttempts: 0 });
    const viaSse: Activity[] = [];
    sse.subscribe({ query: ACTIVITY, variables: { after: start } }, { next: (r) => void viaSse.push((r.data as { activity: Activity }).activity), error: () => {}, complete: () => {} });
    await eventually(() => viaSse.length >= events.length, 5_000);
    expect(viaSse.slice(0, events.length)).toEqual(events);
    sse.dispose();
    await ws.dispose();
  });

  it('a bad filter or cursor gets a clear error', async () => {
    const ws = wsClient(server, ada);
    const bad = subscribe(ws, ACTIVITY, { f: { types: ['not a type'] } });
    await bad.done;
    expect(JSON.stringify(bad.errors)).toMatch(/must be event types such as ASSIGNED/);
    const cursor = subscribe(ws, ACTIVITY, { after: 'yesterday' });
    await cursor.done;
    expect(JSON.stringify(cursor.errors)).toMatch(/not a cursor this server issued/);
    await ws.dispose();
  });
});
