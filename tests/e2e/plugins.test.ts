/**
 * One pipeline for plugins (issue 13): a Yoga plugin added to conveyor sees every operation of
 * every transport — HTTP queries and mutations, SSE, ungrouped and grouped (fan-out) WebSocket
 * subscriptions — and can refuse any of them.
 */
import { GraphQLError, getOperationAST } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import type { Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLContext } from '../../src/schema/context.js';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gql, gqlOk, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';

const seen: string[] = [];
/** Records the operation; true when it is one to refuse (named "Forbidden…"). */
const record = (hook: string, args: { document: never; operationName?: string | null; contextValue: unknown }) => {
  const op = getOperationAST(args.document, args.operationName);
  seen.push(`${hook} ${op?.operation} ${op?.name?.value ?? '-'} ${(args.contextValue as GraphQLContext).transport}`);
  return op?.name?.value.startsWith('Forbidden') ?? false;
};
/** An audit-style plugin: records everything, refuses operations named "Forbidden*". */
const audit: Plugin = {
  onExecute({ args, setResultAndStopExecution }) {
    if (record('execute', args as never)) setResultAndStopExecution({ errors: [new GraphQLError('refused by audit', { extensions: { code: 'FORBIDDEN' } })] });
  },
  onSubscribe({ args, setResultAndStopExecution }) {
    if (record('subscribe', args as never)) setResultAndStopExecution({ errors: [new GraphQLError('refused by audit', { extensions: { code: 'FORBIDDEN' } })] });
  },
};

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startServer({ overrides: { plugins: [audit] } });
  token = await server.token({ name: 'Ada', org: 'acme' });
});
afterAll(() => server.dispose());

describe('a plugin added to conveyor', () => {
  it('sees every operation of every transport', async () => {
    await gqlOk(server, `query Tasks { tasks(first: 1) { cursor } }`, {}, token);
    const ws = wsClient(server, token);
    const grouped = subscribe(ws, `subscription Grouped { taskUpdated { cursor } }`);
    const counts = subscribe(ws, `subscription Counts { dashboardCounts { total } }`);
    const sse = createSseClient({ url: `${server.url}/graphql`, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const sseSeen: unknown[] = [];
    const disposeSse = sse.subscribe({ query: `subscription OverSse { taskUpdated { cursor } }` }, { next: (r) => sseSeen.push(r), error: () => {}, complete: () => {} });
    await eventually(() => counts.received.length > 0 && seen.some((s) => s.includes('OverSse')));
    await gqlOk(server, `mutation Create($input: CreateTaskInput!) { createTask(input: $input) { id } }`, { input: { title: 'seen', description: CLEAR_DESCRIPTION } }, token);
    await eventually(() => grouped.received.length > 0 && sseSeen.length > 0);

    expect(seen).toEqual(
      expect.arrayContaining([
        'execute query Tasks http',
        'execute mutation Create http',
        'subscribe subscription OverSse http',
        'subscribe subscription Counts ws',
        'subscribe subscription Grouped ws',
      ]),
    );
    // The grouped one really is grouped (served by the engine), not silently ungrouped.
    expect(server.app.fanout.stats.members).toBe(1);
    disposeSse();
    await ws.dispose();
  });

  it('can refuse a grouped WebSocket subscription like any other operation', async () => {
    const ws = wsClient(server, token);
    const refused = subscribe(ws, `subscription ForbiddenFeed { taskUpdated { cursor } }`);
    await refused.done;
    expect(JSON.stringify(refused.errors)).toContain('refused by audit');
    const http = await gql(server, `query ForbiddenRead { tasks(first: 1) { cursor } }`, {}, token);
    expect(http.errors?.[0].message).toBe('refused by audit');
    await ws.dispose();
  });
});
