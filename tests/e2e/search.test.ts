/**
 * Search over the real server (issue 14): `tasks(filter: { search })` over HTTP, ranked and paged
 * by cursor, never showing a teammate someone's private task; and `taskUpdated(filter: { search })`
 * over graphql-ws delivering only the updates of matching tasks the subscriber may see.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_UPDATED, type TaskUpdateData } from '../utils/documents.js';
import { VISIBILITY_CAST, type SeedUser } from '../utils/seed.js';
import { seededServerPerFile } from '../utils/seeded-server.js';
import { eventually, gql, gqlOk, headCursor, sleep, subscribe, type TestServer } from '../utils/server.js';

const file = seededServerPerFile(VISIBILITY_CAST);
let server: TestServer;
let users: Record<keyof typeof VISIBILITY_CAST, SeedUser>;
beforeAll(() => ({ server, users } = file));
const client = file.client;

const SEARCH = `query Search($filter: TaskFilter, $first: Int, $after: String) {
  tasks(filter: $filter, first: $first, after: $after) { nodes { id title } pageInfo { hasNextPage endCursor } }
}`;

describe('search', () => {
  it('finds, ranks, pages and streams only matching tasks the viewer may see', async () => {
    const { alice, amir, bob } = users;
    const after = await headCursor(server, alice.token);
    const live = {
      alice: subscribe<TaskUpdateData>(client(alice.token), TASK_UPDATED, { after, filter: { search: 'ROADMAP' } }),
      amir: subscribe<TaskUpdateData>(client(amir.token), TASK_UPDATED, { after, filter: { search: 'road' } }),
      bob: subscribe<TaskUpdateData>(client(bob.token), TASK_UPDATED, { after, filter: { search: 'roadmap' } }),
      everything: subscribe<TaskUpdateData>(client(amir.token), TASK_UPDATED, { after, filter: { search: ' "*( ' } }),
    };
    const described = await alice.createTask('Billing export', { description: `The roadmap asks for it. ${'Export invoices as CSV from the billing page, one row per invoice line.'}` });
    const pub = await alice.createTask('Quarterly roadmap review');
    const priv = await alice.createTask('Secret roadmap', { private: true });
    const other = await alice.createTask('Dark mode toggle');
    const bobs = await bob.createTask('Globex roadmap');

    // Each task's automatic steps (analysed, dispatched, issue opened) arrive for whoever may see it.
    await eventually(() => new Set(live.alice.received.filter((d) => d.taskUpdated.event === 'ISSUE_OPENED').map((d) => d.taskUpdated.task.id)).size === 3);
    await eventually(() => new Set(live.amir.received.filter((d) => d.taskUpdated.event === 'ISSUE_OPENED').map((d) => d.taskUpdated.task.id)).size === 2);
    await eventually(() => live.bob.received.some((d) => d.taskUpdated.event === 'ISSUE_OPENED'));
    await eventually(() => live.everything.received.filter((d) => d.taskUpdated.event === 'ISSUE_OPENED').length === 3);
    await sleep(200); // anything wrongly delivered would have arrived
    const ids = (s: { received: TaskUpdateData[] }) => new Set(s.received.map((d) => d.taskUpdated.task.id));
    expect(ids(live.alice)).toEqual(new Set([described, pub, priv]));
    expect(ids(live.amir)).toEqual(new Set([described, pub]));
    expect(ids(live.bob)).toEqual(new Set([bobs]));
    // Only punctuation is no search: every task amir may see.
    expect(ids(live.everything)).toEqual(new Set([described, pub, other]));

    // The query: the same tasks, titles first (ties newest first), paged by an opaque cursor.
    const search = async (token: string, text: string, first = 20, cursor?: string) =>
      (await gqlOk(server, SEARCH, { filter: { search: text }, first, after: cursor }, token)).tasks;
    expect((await search(alice.token, 'roadmap')).nodes.map((n: { id: string }) => n.id)).toEqual([priv, pub, described]);
    expect((await search(amir.token, 'ROAD? (road)!')).nodes.map((n: { id: string }) => n.id)).toEqual([pub, described]);
    expect((await search(amir.token, 'secret')).nodes).toEqual([]);
    expect((await search(bob.token, 'roadmap')).nodes.map((n: { id: string }) => n.id)).toEqual([bobs]);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await search(alice.token, 'roadmap', 1, cursor);
      seen.push(...page.nodes.map((n: { id: string }) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([priv, pub, described]);
    // Issue numbers are searchable too (each task got one from the local tracker).
    const issue = await gqlOk(server, `query($id: ID!) { task(id: $id) { issue { number } } }`, { id: pub }, amir.token);
    expect((await search(amir.token, `roadmap ${issue.task.issue.number}`)).nodes.map((n: { id: string }) => n.id)).toContain(pub);

    // Bad input: FTS syntax is harmless, too long is BAD_USER_INPUT, a foreign cursor too.
    for (const text of ['"', 'NEAR(', '*', '-roadmap', 'roadmap OR', "'"]) {
      expect((await gql(server, SEARCH, { filter: { search: text } }, alice.token)).errors, text).toBeUndefined();
    }
    const long = await gql(server, SEARCH, { filter: { search: 'x'.repeat(201) } }, alice.token);
    expect(long.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const foreign = await gql(server, SEARCH, { filter: { search: 'roadmap' }, after: '5' }, alice.token);
    expect(foreign.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const refused = subscribe<TaskUpdateData>(client(amir.token), TASK_UPDATED, { filter: { search: 'x'.repeat(201) } });
    await refused.done;
    expect(JSON.stringify(refused.errors)).toContain('BAD_USER_INPUT');
  });
});
