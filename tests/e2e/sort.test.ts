/**
 * The task list by latest change over the real server (issue 14): `tasks(sort: UPDATED)` paged by
 * its edge cursors, each the cursor of the `taskUpdated` message that last changed the task, so
 * a live client places updates exactly; and `dashboardCounts(filter: { search })`, the count of
 * what the search pages through, kept live.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNTS, TASK_UPDATED, type TaskUpdateData } from '../utils/documents.js';
import { VISIBILITY_CAST, type SeedUser } from '../utils/seed.js';
import { seededServerPerFile } from '../utils/seeded-server.js';
import { eventually, gql, gqlOk, headCursor, sleep, subscribe, type TestServer } from '../utils/server.js';

const file = seededServerPerFile(VISIBILITY_CAST);
let server: TestServer;
let users: Record<keyof typeof VISIBILITY_CAST, SeedUser>;
beforeAll(() => ({ server, users } = file));
const client = file.client;

const LIST = `query List($filter: TaskFilter, $first: Int, $after: String, $sort: TaskSort) {
  tasks(filter: $filter, first: $first, after: $after, sort: $sort) {
    nodes { id }
    edges { cursor node { id status } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Edge {
  cursor: string;
  node: { id: string; status: string };
}

/** Every page, `first` at a time. */
async function allEdges(token: string, variables: Record<string, unknown>, first: number): Promise<Edge[]> {
  const edges: Edge[] = [];
  let after: string | undefined;
  for (;;) {
    const page = (await gqlOk(server, LIST, { ...variables, first, after }, token)).tasks;
    expect(page.nodes.map((n: { id: string }) => n.id)).toEqual(page.edges.map((e: Edge) => e.node.id));
    edges.push(...page.edges);
    if (!page.pageInfo.hasNextPage) return edges;
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1).cursor);
    after = page.pageInfo.endCursor;
  }
}

describe('tasks(sort: UPDATED)', () => {
  it('lists by latest change, keyed by the cursor of the update that made it, and a change moves a task to the top', async () => {
    const { alice, amir } = users;
    const after = await headCursor(server, amir.token);
    const live = subscribe<TaskUpdateData>(client(amir.token), TASK_UPDATED, { after });
    const ids: string[] = [];
    for (const title of ['Sort one', 'Sort two', 'Sort three', 'Sort four']) ids.push(await alice.createTask(title));
    ids.push(await amir.createTask('Sort five'));
    ids.push(await alice.createTask('Sort hidden', { private: true }));
    // Each visible task's automatic steps (analysed, dispatched, issue opened) have arrived.
    await eventually(() => new Set(live.received.filter((d) => d.taskUpdated.event === 'ISSUE_OPENED').map((d) => d.taskUpdated.task.id)).size === 5);
    await sleep(200);

    /** Each task's latest update as amir's stream delivered it. */
    const latest = () => {
      const byTask = new Map<string, number>();
      for (const d of live.received) byTask.set(d.taskUpdated.task.id, Number(d.taskUpdated.cursor));
      return byTask;
    };
    const expected = () => [...latest().entries()].sort((a, b) => b[1] - a[1]);
    for (const first of [1, 2, 50]) {
      const edges = await allEdges(amir.token, { sort: 'UPDATED' }, first);
      expect(edges.map((e) => [e.node.id, Number(e.cursor)]), `pages of ${first}`).toEqual(expected());
    }
    expect(expected().map(([id]) => id)).not.toContain(ids[5]);

    // The oldest task changes: first by latest change, in its place by creation.
    const created = (await allEdges(amir.token, {}, 2)).map((e) => e.node.id);
    const oldest = ids[0];
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id: oldest }, alice.token);
    await eventually(() => live.received.some((d) => d.taskUpdated.task.id === oldest && d.taskUpdated.task.status === 'CANCELLED'));
    const cancelled = live.received.findLast((d) => d.taskUpdated.task.id === oldest)!;
    const [top] = (await gqlOk(server, LIST, { sort: 'UPDATED', first: 1 }, amir.token)).tasks.edges as Edge[];
    expect(top).toEqual({ cursor: cancelled.taskUpdated.cursor, node: { id: oldest, status: 'CANCELLED' } });
    expect((await allEdges(amir.token, { sort: 'UPDATED' }, 3)).map((e) => [e.node.id, Number(e.cursor)])).toEqual(expected());
    expect((await allEdges(amir.token, {}, 2)).map((e) => e.node.id)).toEqual(created);
    // By status, by latest change too: the cancelled one alone.
    expect((await allEdges(amir.token, { sort: 'UPDATED', filter: { status: ['CANCELLED'] } }, 1)).map((e) => e.node.id)).toEqual([oldest]);
  });

  it('refuses UPDATED with a search (ranked by match) and a cursor it did not issue', async () => {
    const ranked = await gql(server, LIST, { sort: 'UPDATED', filter: { search: 'sort' } }, users.amir.token);
    expect(ranked.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(ranked.errors?.[0].message).toContain('sort');
    const foreign = await gql(server, LIST, { sort: 'UPDATED', after: 'sAAAA' }, users.amir.token);
    expect(foreign.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await gql(server, LIST, { sort: 'RANDOM' }, users.amir.token);
    expect(unknown.errors?.[0].message).toContain('TaskSort');
  });
});

describe('dashboardCounts(filter: { search })', () => {
  interface CountsData {
    dashboardCounts: { total: number; byStatus: { status: string; count: number }[] };
  }
  const COUNTS_QUERY = `query($filter: TaskFilter) { dashboardCounts(filter: $filter) { total byStatus { status count } } }`;
  const counted = (c: CountsData['dashboardCounts']) => Object.fromEntries(c.byStatus.filter((b) => b.count > 0).map((b) => [b.status, b.count]));

  it('counts what the search pages through, and keeps it live as tasks begin or stop matching', async () => {
    const { alice, amir, bob } = users;
    await alice.createTask('Counted kiwi one');
    await alice.createTask('Counted kiwi two', { private: true });
    await bob.createTask('Counted kiwi globex');
    await alice.createTask('Counted mango');
    const filter = { search: 'kiwi' };
    await eventually(async () => (await allEdges(amir.token, { filter }, 1)).every((e) => e.node.status === 'DISPATCHED') || undefined);
    const pages = await allEdges(amir.token, { filter }, 1);
    const byStatus: Record<string, number> = {};
    for (const e of pages) byStatus[e.node.status] = (byStatus[e.node.status] ?? 0) + 1;
    const once = (await gqlOk<CountsData>(server, COUNTS_QUERY, { filter }, amir.token)).dashboardCounts;
    expect(once.total).toBe(1);
    expect(counted(once)).toEqual(byStatus);

    const stream = subscribe<CountsData>(client(amir.token), COUNTS, { filter });
    await stream.waitFor(1);
    expect(stream.received[0].dashboardCounts.total).toBe(1);
    // A new match counts; a task of the scope that does not match changes nothing.
    const second = await alice.createTask('Kiwi again');
    await eventually(() => stream.received.at(-1)!.dashboardCounts.total === 2);
    await alice.createTask('Not counted');
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id: second }, alice.token);
    await eventually(() => counted(stream.received.at(-1)!.dashboardCounts).CANCELLED === 1);
    expect(stream.received.at(-1)!.dashboardCounts.total).toBe(2);
    // Only changed values are sent: no two messages in a row alike.
    const values = stream.received.map((d) => JSON.stringify(d.dashboardCounts));
    expect(values.filter((v, i) => i > 0 && v === values[i - 1])).toEqual([]);
    const long = await gql(server, COUNTS_QUERY, { filter: { search: 'x'.repeat(201) } }, amir.token);
    expect(long.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
