/**
 * The org's backlog (issue 16): how many tasks wait for an agent, the oldest wait and why, as the
 * viewer may see the queue (a teammate's private task is not counted for others).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gqlOk, startServer, type TestServer } from '../utils/server.js';

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

const BACKLOG = `{ backlog { waiting oldestSince more byCode { code count } } }`;
const backlog = async (token: string) => (await gqlOk(server, BACKLOG, {}, token)).backlog;
const create = async (title: string, extra: Record<string, unknown> = {}) =>
  (await gqlOk(server, `mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }`, { i: { title, description: CLEAR_DESCRIPTION, ...extra } }, ada)).createTask.id as string;

describe('backlog', () => {
  it('counts the queue, says why it waits and since when; one taken leaves the others', async () => {
    expect(await backlog(ada)).toEqual({ waiting: 0, oldestSince: null, more: false, byCode: [] });
    const first = await create('Queue one');
    await create('Queue two');
    await create('Queue three (private)', { private: true });
    await eventually(async () => (await backlog(ada)).byCode.some((c: { count: number }) => c.count === 3), 10_000);
    const mine = await backlog(ada);
    expect(mine).toMatchObject({ waiting: 3, byCode: [{ code: 'NO_AGENT_ONLINE', count: 3 }] });
    const { task } = await gqlOk(server, `query($id: ID!) { task(id: $id) { waiting { since } } }`, { id: first }, ada);
    expect(mine.oldestSince).toBe(task.waiting.since);
    // Bob does not see Ada's private task in the queue; another org sees none of it.
    expect((await backlog(bob)).waiting).toBe(2);
    expect((await backlog(carol)).waiting).toBe(0);

    // An agent takes the oldest; the other two wait, now because it is busy.
    await gqlOk(server, `mutation { registerAgent(name: "taker") { id } }`, {}, ada);
    await eventually(async () => {
      const b = await backlog(ada);
      return b.waiting === 2 && b.byCode.every((c: { code: string }) => c.code === 'ALL_AGENTS_BUSY');
    }, 10_000);
  });
});
