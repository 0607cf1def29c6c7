/**
 * Who may see what: org B never receives org A's tasks, and nobody but the creator sees a
 * private task, on any query or subscription.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNTS, CREATE_TASK, TASK, TASK_UPDATED, TIMELINE, type TaskUpdateData } from '../utils/documents.js';
import { perUser, seedVisibilityTasks, VISIBILITY_CAST, type SeedUser } from '../utils/seed.js';
import { seededServerPerFile } from '../utils/seeded-server.js';
import { eventually, gql, gqlOk, headCursor, subscribe, type TestServer } from '../utils/server.js';

const file = seededServerPerFile(VISIBILITY_CAST);
let server: TestServer;
let alice: string; // acme, creator
let amir: string; // acme, same org
let bob: string; // globex, other org
let users: Record<keyof typeof VISIBILITY_CAST, SeedUser>;
beforeAll(() => {
  ({ server, users } = file);
  ({ alice: { token: alice }, amir: { token: amir }, bob: { token: bob } } = users);
});
const client = file.client;
const head = async (token: string) => await headCursor(server, token);

describe('visibility', () => {
  it('org members see public tasks, other orgs see nothing, private tasks only their creator', async () => {
    const after = await head(alice);
    const streams = perUser(users, (token) => subscribe<TaskUpdateData>(client(token), TASK_UPDATED, { after }));
    const counts = {
      amir: subscribe<any>(client(amir), COUNTS, {}),
      bob: subscribe<any>(client(bob), COUNTS, {}),
    };
    const { pub, priv, bobs } = await seedVisibilityTasks(users, { pub: 'public', priv: 'private', bobs: 'globex work' });

    // Wait until every task has finished its automatic steps (issue opened) for its creator.
    await eventually(() => streams.alice.received.filter((d) => d.taskUpdated.event === 'ISSUE_OPENED').length === 2);
    await eventually(() => streams.bob.received.some((d) => d.taskUpdated.event === 'ISSUE_OPENED'));
    await eventually(() => streams.amir.received.some((d) => d.taskUpdated.event === 'ISSUE_OPENED'));
    await new Promise((r) => setTimeout(r, 200)); // anything wrongly delivered would have arrived

    const ids = (s: { received: TaskUpdateData[] }) => new Set(s.received.map((d) => d.taskUpdated.task.id));
    expect(ids(streams.alice)).toEqual(new Set([pub, priv]));
    expect(ids(streams.amir)).toEqual(new Set([pub]));
    expect(ids(streams.bob)).toEqual(new Set([bobs]));

    // Counts are scoped the same way.
    await eventually(() => counts.amir.received.at(-1)?.dashboardCounts.total === 1);
    await eventually(() => counts.bob.received.at(-1)?.dashboardCounts.total === 1);
    expect(counts.amir.received.every((d) => d.dashboardCounts.total <= 1)).toBe(true);

    // Queries: list, get, timeline.
    const list = async (token: string) =>
      new Set((await gqlOk(server, `{ tasks(first: 50) { nodes { id } } }`, {}, token)).tasks.nodes.map((n: any) => n.id));
    expect(await list(alice)).toEqual(new Set([pub, priv]));
    expect(await list(amir)).toEqual(new Set([pub]));
    expect(await list(bob)).toEqual(new Set([bobs]));
    expect((await gqlOk(server, TASK, { id: priv }, amir)).task).toBeNull();
    expect((await gqlOk(server, TASK, { id: pub }, bob)).task).toBeNull();
    const timeline = await gql(server, `query($id: ID!) { timeline(taskId: $id) { type } }`, { id: priv }, amir);
    expect(timeline.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    // Timeline subscription to someone else's private task: NOT_FOUND, no events.
    const spy = subscribe<any>(client(bob), TIMELINE, { taskId: pub });
    await spy.done;
    expect(spy.received).toEqual([]);
    expect(JSON.stringify(spy.errors)).toContain('NOT_FOUND');

    // Mutations on invisible tasks are NOT_FOUND and change nothing.
    const cancel = await gql(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id: priv }, amir);
    expect(cancel.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // A teammate who can see a task still may not cancel someone else's request.
    const notMine = await gql(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id: pub }, amir);
    expect(notMine.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gqlOk(server, TASK, { id: pub }, alice)).task.status).toBe('DISPATCHED');
  });

  it('filters: MINE and creator narrow the stream and the list', async () => {
    const after = await head(amir);
    const mine = subscribe<TaskUpdateData>(client(amir), TASK_UPDATED, { after, filter: { scope: 'MINE' } });
    const byAlice = subscribe<TaskUpdateData>(client(amir), TASK_UPDATED, { after, filter: { creatorId: 'acme/Alice' } });
    const a = (await gqlOk(server, CREATE_TASK, { input: { title: 'by alice', description: 'fix it' } }, alice)).createTask;
    const m = (await gqlOk(server, CREATE_TASK, { input: { title: 'by amir', description: 'fix it' } }, amir)).createTask;
    await eventually(() => mine.received.some((d) => d.taskUpdated.event === 'CLARIFICATION_REQUESTED'));
    await eventually(() => byAlice.received.some((d) => d.taskUpdated.event === 'CLARIFICATION_REQUESTED'));
    expect(new Set(mine.received.map((d) => d.taskUpdated.task.id))).toEqual(new Set([m.id]));
    expect(new Set(byAlice.received.map((d) => d.taskUpdated.task.id))).toEqual(new Set([a.id]));
    const mineList = await gqlOk(server, `{ tasks(filter: { scope: MINE }) { nodes { id } } }`, {}, amir);
    expect(mineList.tasks.nodes.map((n: any) => n.id)).toEqual([m.id]);
  });
});
