/**
 * Fuzzing GraphQL over HTTP (issue 7): random and malformed documents, variables, operation
 * names, bodies and content types. Every answer is a status below 500 with coded errors (never
 * INTERNAL_SERVER_ERROR, never a stack trace, never a hang), and nothing stored changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, dropSchema, freshSchema } from '../production/env.js';
import { eventually, gql, gqlOk } from '../utils/server.js';
import { badInputArb } from './bad-input.js';
import { snapshot, startFixture, type Fixture } from './fixture.js';
import { checkAnswer, httpCaseArb, send, type HttpCase } from './http.js';
import { RawSocket } from './raw-ws.js';
import { checkProperty, COVERAGE_RUNS, fuzzTimeout, leaksInternals } from './support.js';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f?.server.dispose());

async function subscriptions(fixture: Fixture): Promise<number> {
  return ((await (await fetch(`${fixture.server.url}/healthz`)).json()) as { subscriptions: number }).subscriptions;
}

/** Count codes seen, to prove the fuzz reached each layer it is meant to reach. */
function tally(seen: Map<string, number>, codes: string[]) {
  for (const code of codes) seen.set(code, (seen.get(code) ?? 0) + 1);
}

describe('HTTP fuzz', () => {
  it(
    'random and malformed requests get a coded error or data, never a 500, a stack or a hang; nothing stored changes',
    async () => {
      const before = await snapshot(f);
      const streams = await subscriptions(f);
      const seen = new Map<string, number>();
      const runs = await checkProperty(
        'http: random requests',
        fc.asyncProperty(httpCaseArb({ valid: f.token }), async (c: HttpCase) => {
          tally(seen, checkAnswer(c, await send(f.server.url, c)));
        }),
        { runs: 1_500, timeLimitMs: 15_000, minRuns: 300 },
      );
      console.info(`[fuzz] http codes: ${JSON.stringify(Object.fromEntries(seen))}`);
      expect(await snapshot(f)).toEqual(before);
      // Subscriptions answered over SSE (then hung up on) or refused (406) hold no feed cursor.
      await eventually(async () => (await subscriptions(f)) === streams);
      // Each tier was reached: request parsing, the parser, validation, limits, auth, resolvers.
      if (runs >= COVERAGE_RUNS) expect([...seen.keys()]).toEqual(
        expect.arrayContaining(['BAD_REQUEST', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_LIMIT_EXCEEDED', 'BAD_USER_INPUT', 'UNAUTHENTICATED', 'NOT_FOUND']),
      );
      expect((await gqlOk(f.server, `{ viewer { id } }`, {}, f.token)).viewer.id).toBe('fuzz/Fuzzer');
    },
    fuzzTimeout(60_000),
  );

  it(
    'well-formed mutations with one bad input get BAD_USER_INPUT and store nothing',
    () => badInputProperty(f, 'http: bad input'),
    fuzzTimeout(40_000),
  );

  it('a subscription refused for its Accept header (406) has its stream closed', async () => {
    const before = await subscriptions(f);
    for (const accept of ['application/json', 'application/graphql-response+json', 'text/html']) {
      const response = await fetch(`${f.server.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.token}`, 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: 'subscription { taskUpdated { cursor } }' }),
      });
      expect(response.status).toBe(406);
      expect((await response.json()).errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
    }
    // Before the fix each refused request kept a feed cursor for good.
    await eventually(async () => (await subscriptions(f)) === before);
  });

  it('the property checks can fail: a valid mutation is seen to change the snapshot', async () => {
    const before = await snapshot(f);
    await gqlOk(f.server, `mutation($id: ID!) { agentHeartbeat(agentId: $id) { id } }`, { id: f.agentId }, f.token);
    const after = await snapshot(f);
    expect(after.head).toBeGreaterThan(before.head);
    expect(after).not.toEqual(before);
  });
});

// PostgreSQL refuses NUL in TEXT and JSONB and unpaired surrogates in JSONB: the same property
// against the production store proves such text is refused as input, not failed in the database.
describe.runIf(DATABASE_URL)('HTTP fuzz on PostgreSQL', () => {
  const schema = freshSchema();
  let pg: Fixture;
  beforeAll(async () => {
    pg = await startFixture({ DATABASE_URL: DATABASE_URL!, DATABASE_SCHEMA: schema });
  });
  afterAll(async () => {
    await pg?.server.dispose();
    await dropSchema(schema);
  });

  it(
    'well-formed mutations with one bad input get BAD_USER_INPUT and store nothing',
    () => badInputProperty(pg, 'http: bad input (postgres)', 150),
    fuzzTimeout(40_000),
  );

  it('over WebSocket too, grouped subscriptions included: such text is BAD_USER_INPUT', async () => {
    const socket = await RawSocket.open(pg.server.wsUrl);
    await socket.init(pg.token);
    const operations = [
      { query: `subscription { timeline(taskId: "a\\u0000b") { cursor } }` },
      { query: `subscription($c: ID) { taskUpdated(filter: { creatorId: $c }) { cursor } }`, variables: { c: 'x\ud800' } },
      { query: `query($id: ID!) { task(id: $id) { id } }`, variables: { id: '\u0000' } },
    ];
    operations.forEach((payload, i) => socket.sendJson({ id: `t${i}`, type: 'subscribe', payload }));
    for (let i = 0; i < operations.length; i++) {
      const answer = await socket.waitFor((m) => m.id === `t${i}` && (m.type === 'error' || m.type === 'next'));
      const errors = (answer.type === 'error' ? answer.payload : (answer.payload as { errors?: unknown[] }).errors) as { extensions?: { code?: string } }[];
      expect(errors.map((e) => e.extensions?.code), operations[i].query).toEqual(['BAD_USER_INPUT']);
    }
    await socket.close();
  });
});

/** Mutations on stored entities with one bad input: BAD_USER_INPUT each time, nothing stored. */
async function badInputProperty(f: Fixture, name: string, runs = 400): Promise<void> {
  const before = await snapshot(f);
  await checkProperty(
    name,
    fc.asyncProperty(badInputArb(f), async (op) => {
      const result = await gql(f.server, op.query, op.variables, f.token);
      const text = JSON.stringify(result);
      expect(leaksInternals(text), text).toBe(false);
      // One error per bad value (a list may hold several), each of them BAD_USER_INPUT.
      const codes = new Set(result.errors?.map((e) => e.extensions?.code));
      expect([...codes], `${op.query} ${JSON.stringify(op.variables).slice(0, 200)}`).toEqual(['BAD_USER_INPUT']);
    }),
    { runs, timeLimitMs: 15_000, minRuns: Math.min(100, runs) },
  );
  expect(await snapshot(f)).toEqual(before);
}
