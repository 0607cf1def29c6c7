/**
 * Query limits (graphql-armor in src/server/plugins/use-limits.ts): depth, aliases, cost, directives and tokens
 * refuse a document with QUERY_LIMIT_EXCEEDED before it runs, on HTTP and over WebSocket alike.
 * Each abusive document has a control just under the limit that is accepted, so the refusal is
 * the limit's doing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { gql, gqlOk, headCursor, startServer, wsClient, type TestServer, type WsClient } from '../utils/server.js';

let server: TestServer;
let token: string;
let ws: WsClient;
beforeAll(async () => {
  server = await startServer();
  token = await server.token({ name: 'Ada', org: 'acme' });
  ws = wsClient(server, token);
});
afterAll(async () => {
  await ws.dispose();
  await server.dispose();
});

/** `{ tasks { nodes { assignedAgent { currentTask { … { id } } } } } }` with `pairs` agent/task pairs. */
const nested = (pairs: number, root = 'tasks { nodes') => {
  const open = Array.from({ length: pairs }, () => 'assignedAgent { currentTask {').join(' ');
  return `{ ${root} { ${open} id ${'} } '.repeat(pairs)}} } }`;
};
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
const directives = (n: number) => `{ viewer { ${'id @include(if: true) '.repeat(n)} } }`;
// Tokens in a list argument: many tokens, few fields (repeating a field hits the next limit).
const tokens = (n: number) => `{ tasks(filter: { status: [${'RECEIVED '.repeat(n)}] }) { nodes { id } } }`;
const repeats = (n: number) => `{ viewer { ${'id '.repeat(n)} } }`;

/** [limit, document over it, message, document just under it]. */
const LIMITS: [string, string, RegExp, string][] = [
  // 2 + 2 per pair levels; the limit is 12.
  ['depth', nested(6), /depth/i, nested(4)],
  ['aliases', aliases(30), /alias/i, aliases(20)],
  ['cost', `{ tasks(first: 100000) { nodes { id title } } }`, /cost/i, `{ tasks(first: 100) { nodes { id title } } }`],
  ['directives', directives(25), /directive/i, directives(10)],
  ['tokens', tokens(4100), /token/i, tokens(1000)],
  // graphql-js's own budget for comparing overlapping fields (OverlappingFieldsCanBeMergedRule).
  ['field-merge work', repeats(1000), /aborted/i, repeats(50)],
];

/** The first error of running `query` over the WebSocket, or null if it ran. */
async function overWs(query: string): Promise<{ message: string; extensions?: Record<string, unknown> } | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    ws.client.subscribe(
      { query },
      {
        next: (result) => {
          settled = true;
          resolve((result.errors?.[0] as never) ?? null);
        },
        error: (error) => {
          settled = true;
          // graphql-ws hands validation errors to `error` as the list the server sent.
          if (Array.isArray(error)) resolve(error[0]);
          else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          if (!settled) reject(new Error('completed without a result'));
        },
      },
    );
  });
}

describe('query limits', () => {
  for (const [limit, over, message, under] of LIMITS) {
    it(`${limit}: HTTP refuses over the limit with QUERY_LIMIT_EXCEEDED and runs the document under it`, async () => {
      const refused = await gql(server, over, {}, token);
      expect(refused.errors?.[0]?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
      expect(refused.errors?.[0]?.message).toMatch(message);
      expect(refused.data ?? null).toBeNull();
      const accepted = await gql(server, under, {}, token);
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data).toBeTruthy();
    });

    it(`${limit}: WebSocket refuses over the limit with QUERY_LIMIT_EXCEEDED and runs the document under it`, async () => {
      const refused = await overWs(over);
      expect(refused?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
      expect(refused?.message).toMatch(message);
      expect(await overWs(under)).toBeNull();
    });
  }

  it('a subscription over the depth limit is refused over WebSocket too', async () => {
    const deep = `subscription { taskUpdated { task { ${'assignedAgent { currentTask { '.repeat(6)} id ${'} } '.repeat(6)} } } }`;
    const refused = await overWs(deep);
    expect(refused?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    expect(refused?.message).toMatch(/depth/i);
  });

  it('a mutation over the alias limit runs none of its fields: nothing is stored', async () => {
    const creates = Array.from(
      { length: 25 },
      (_, i) => `c${i}: createTask(input: { title: "alias ${i}", description: "${CLEAR_DESCRIPTION}" }) { id }`,
    ).join(' ');
    const before = await headCursor(server, token);
    const refused = await gql(server, `mutation { ${creates} }`, {}, token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    const after = await gqlOk(server, `{ tasks(first: 100) { cursor nodes { id } } }`, {}, token);
    expect(after.tasks.cursor).toBe(before);
    expect(after.tasks.nodes).toEqual([]);
  });
});
