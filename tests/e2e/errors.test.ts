/**
 * Bad input of every kind gets a clear error with a code, changes nothing, and the server
 * keeps serving.
 */
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK } from '../utils/documents.js';
import { eventually, gql, gqlOk, headCursor, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';

let server: TestServer;
let token: string;
let taskId: string;

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_MUTATIONS: '40', RATE_LIMIT_WINDOW_MS: '60000', WS_INIT_TIMEOUT_MS: '300' } });
  token = await server.token({ name: 'Ada', org: 'acme' });
  taskId = (await gqlOk(server, CREATE_TASK, { input: { title: 'Keep me', description: CLEAR_DESCRIPTION } }, token)).createTask.id;
  await eventually(async () => (await gqlOk(server, TASK, { id: taskId }, token)).task.issue !== null);
});
afterAll(() => server.dispose());

/** Everything stored about the task, to prove a failed request changed nothing. */
async function snapshot() {
  const task = (await gqlOk(server, TASK, { id: taskId }, token)).task;
  const timeline = (await gqlOk(server, `query($id: ID!) { timeline(taskId: $id) { cursor version type } }`, { id: taskId }, token)).timeline;
  const head = await headCursor(server, token);
  return { task, timeline, head };
}

describe('operation errors', () => {
  it('invalid transitions, unknown ids and malformed input: a coded error, nothing stored', async () => {
    const before = await snapshot();
    const cases: [string, Record<string, unknown>, string][] = [
      [`mutation($id: ID!) { retryTask(taskId: $id) { id } }`, { id: taskId }, 'INVALID_TRANSITION'],
      [`mutation($id: ID!) { reportPullRequestMerged(taskId: $id, sha: "abc1234") { id } }`, { id: taskId }, 'INVALID_TRANSITION'],
      [`mutation($id: ID!) { answerClarification(taskId: $id, answers: ["x"]) { id } }`, { id: taskId }, 'INVALID_TRANSITION'],
      [`mutation { cancelTask(taskId: "no-such-task") { id } }`, {}, 'NOT_FOUND'],
      [`mutation { agentHeartbeat(agentId: "no-such-agent") { id } }`, {}, 'NOT_FOUND'],
      [CREATE_TASK, { input: { title: '   ' } }, 'BAD_USER_INPUT'],
      [CREATE_TASK, { input: { title: 'x'.repeat(201) } }, 'BAD_USER_INPUT'],
      [CREATE_TASK, { input: { title: 'ok', description: 'y'.repeat(10_001) } }, 'BAD_USER_INPUT'],
      [CREATE_TASK, { input: { title: 42 } }, 'BAD_USER_INPUT'],
      [`mutation($id: ID!) { reportPullRequestOpened(taskId: $id, number: -3, url: "ftp://x", title: "t") { id } }`, { id: taskId }, 'BAD_USER_INPUT'],
      [`mutation($id: ID!) { reportPullRequestMerged(taskId: $id, sha: "not-a-sha") { id } }`, { id: taskId }, 'BAD_USER_INPUT'],
      [`mutation($id: ID!) { startCoding(taskId: $id, agentId: "nope", branch: "feature/x") { id } }`, { id: taskId }, 'NOT_FOUND'],
      [`mutation($id: ID!) { startCoding(taskId: $id, agentId: "nope", branch: "-bad branch") { id } }`, { id: taskId }, 'BAD_USER_INPUT'],
      [`{ tasks(first: 1000) { nodes { id } } }`, {}, 'BAD_USER_INPUT'],
      [`{ tasks(first: 100000) { nodes { id } } }`, {}, 'QUERY_LIMIT_EXCEEDED'],
      [`{ tasks(after: "zzz") { nodes { id } } }`, {}, 'BAD_USER_INPUT'],
      [`mutation { registerAgent(name: "") { id } }`, {}, 'BAD_USER_INPUT'],
      [`mutation { devSignIn(name: "x", org: "y") { token } }`, {}, 'FORBIDDEN'], // JWT_SECRET is set
      [`{ nope }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
      [`{ tasks( }`, {}, 'GRAPHQL_PARSE_FAILED'],
    ];
    for (const [query, variables, code] of cases) {
      const result = await gql(server, query, variables, token);
      expect(result.errors?.[0]?.extensions?.code, `${query} ${JSON.stringify(variables).slice(0, 80)}`).toBe(code);
      expect(result.errors?.[0]?.message).toBeTruthy();
      expect(JSON.stringify(result)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
    }
    expect(await snapshot()).toEqual(before);
  });

  it('an unexpected failure is masked as INTERNAL_SERVER_ERROR without internals', async () => {
    const prod = await startServer({ env: { NODE_ENV: 'production' } });
    try {
      const t = await prod.token({ name: 'Ada', org: 'acme' });
      const original = prod.app.services.tasks.list.bind(prod.app.services.tasks);
      prod.app.services.tasks.list = () => Promise.reject(new Error('secret database detail'));
      const result = await gql(prod, `{ tasks { nodes { id } } }`, {}, t);
      prod.app.services.tasks.list = original;
      expect(result.errors?.[0]).toMatchObject({ message: 'Unexpected error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(result)).not.toContain('secret database detail');
    } finally {
      await prod.dispose();
    }
  });

  it('query depth and alias limits reject abusive documents', async () => {
    const deep = `{ tasks { nodes { assignedAgent { currentTask { assignedAgent { currentTask { assignedAgent { currentTask { assignedAgent { currentTask { assignedAgent { currentTask { id } } } } } } } } } } } } }`;
    const depth = await gql(server, deep, {}, token);
    expect(depth.errors?.[0].message).toMatch(/depth/i);
    expect(depth.errors?.[0].extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    const aliases = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
    const alias = await gql(server, aliases, {}, token);
    expect(alias.errors?.[0].message).toMatch(/alias/i);
    expect(alias.errors?.[0].extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
  });

  it('oversized and length-less HTTP bodies are refused before parsing', async () => {
    const big = JSON.stringify({ query: '{ viewer { id } }', variables: { pad: 'x'.repeat(300_000) } });
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: big,
    });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('per-user mutation rate limit answers RATE_LIMITED and stores nothing more', async () => {
    const limited = await server.token({ name: 'Spammer', org: 'spam' });
    const results = await Promise.all(
      Array.from({ length: 45 }, (_, i) => gql(server, CREATE_TASK, { input: { title: `spam ${i}`, description: 'fix it' } }, limited)),
    );
    const rejected = results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(rejected.length).toBe(5);
    expect(rejected[0].errors?.[0].extensions?.retryAfterMs).toBeGreaterThan(0);
    const stored = await gqlOk(server, `{ tasks(first: 100) { nodes { id } } }`, {}, limited);
    expect(stored.tasks.nodes.length).toBe(40);
  });
});

describe('authentication', () => {
  const secret = new TextEncoder().encode('test-secret-that-is-long-enough-for-hs256!!');
  const claims = { name: 'Eve', org: 'acme' };

  it('HTTP: missing token on protected fields and bad tokens answer 401 UNAUTHENTICATED', async () => {
    const missing = await gql(server, `{ tasks { nodes { id } } }`);
    expect(missing.status).toBe(401);
    expect(missing.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    const now = Math.floor(Date.now() / 1000);
    const bad = {
      garbage: 'not.a.jwt',
      wrongKey: await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('eve').setExpirationTime(now + 60).sign(new TextEncoder().encode('another-secret-another-secret-another!!')),
      expired: await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('eve').setExpirationTime(now - 60).sign(secret),
      notYetValid: await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('eve').setNotBefore(now + 3600).setExpirationTime(now + 7200).sign(secret),
      missingOrg: await new SignJWT({ name: 'Eve' }).setProtectedHeader({ alg: 'HS256' }).setSubject('eve').setExpirationTime(now + 60).sign(secret),
      algNone: `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'eve', exp: now + 60 })).toString('base64url')}.`,
      wrongAlg: await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).setSubject('eve').setExpirationTime(now + 60).sign(new TextEncoder().encode('x'.repeat(64))),
    };
    for (const [name, bearer] of Object.entries(bad)) {
      const result = await gql(server, `{ viewer { id } }`, {}, bearer);
      expect(result.status, name).toBe(401);
      expect(result.errors?.[0].extensions?.code, name).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(result), name).not.toContain(bearer.slice(0, 20));
    }
  });

  it('WS: no token or a bad token closes with 4403 Forbidden', async () => {
    for (const bearer of [undefined, 'garbage']) {
      const ws = wsClient(server, bearer);
      const closed = await ws.closed;
      expect(closed.code).toBe(4403);
      await ws.dispose();
    }
  });

  it('WS: a token that expires while the socket is open ends that connection', async () => {
    const shortLived = await server.token({ name: 'Ada', org: 'acme' }, 1500);
    const ws = wsClient(server, shortLived);
    const sub = subscribe(ws, `subscription { dashboardCounts { total } }`);
    await sub.waitFor(1);
    const closed = await ws.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/expired/i);
    await ws.dispose();
  });

  it('WS: an upgrade from a foreign Origin is refused; same-origin and non-browser clients are allowed', async () => {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { origin: 'https://evil.example' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    const same = wsClient(server, token, { origin: server.url });
    await subscribe(same, `subscription { dashboardCounts { total } }`).waitFor(1);
    await same.dispose();
  });

  it('WS: oversized messages close the socket (1009), silence before connection_init closes it (4408)', async () => {
    const big = await new Promise<number>((resolve) => {
      const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(70_000) } })));
      socket.on('close', (code) => resolve(code));
    });
    expect(big).toBe(1009);
    const silent = await new Promise<number>((resolve) => {
      const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
      socket.on('close', (code) => resolve(code));
    });
    expect(silent).toBe(4408);
    // ...and the server is still serving.
    expect((await gqlOk(server, `{ viewer { id } }`, {}, token)).viewer.id).toBe('acme/Ada');
  });
});
