/**
 * Cross-site requests over HTTP (src/server/plugins/use-csrf.ts). The server runs with dev sign-in on, so
 * `devSignIn` is a mutation anyone can run without a token: exactly what a cross-site form would
 * aim at. Every request a browser would send without a preflight is refused with a code before
 * its body is read; the clients we ship (JSON POSTs, the dashboard's GET queries with a Bearer
 * header) work with no extra header; CORS headers go to same-origin and ALLOWED_ORIGINS only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConveyorClient } from '../../src/cli/graphql-client.js';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { gqlOk, startServer, type TestServer } from '../utils/server.js';

const SIGN_IN = 'mutation { devSignIn(name: "Mallory", org: "acme") { token } }';
const EVIL = 'https://evil.example';
const FRIEND = 'https://dashboard.example';

let server: TestServer;
let endpoint: string;
beforeAll(async () => {
  // No JWT_SECRET on loopback: dev sign-in on, as `npm start` runs for a newcomer.
  server = await startServer({ env: { JWT_SECRET: '', ALLOWED_ORIGINS: FRIEND } });
  endpoint = `${server.url}/graphql`;
});
afterAll(() => server.dispose());

async function send(init: RequestInit & { url?: string }) {
  const response = await fetch(init.url ?? endpoint, init);
  const text = await response.text();
  const body = text ? (JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }) : {};
  return { status: response.status, headers: response.headers, text, body };
}

describe('cross-site simple requests are refused before anything runs', () => {
  const form = new URLSearchParams({ query: SIGN_IN }).toString();
  const multipart = () => {
    const data = new FormData();
    data.set('operations', JSON.stringify({ query: SIGN_IN }));
    data.set('map', '{}');
    return data;
  };
  const cases: [string, () => RequestInit & { url?: string }][] = [
    ['form-encoded POST', () => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: EVIL }, body: form })],
    ['multipart POST', () => ({ method: 'POST', headers: { origin: EVIL }, body: multipart() })],
    ['text/plain POST', () => ({ method: 'POST', headers: { 'content-type': 'text/plain', origin: EVIL }, body: JSON.stringify({ query: SIGN_IN }) })],
    ['POST without Content-Type', () => ({ method: 'POST', headers: { origin: EVIL }, body: new Blob([JSON.stringify({ query: SIGN_IN })]) })],
  ];
  for (const [name, init] of cases) {
    it(`${name}: 403 CSRF_PREVENTED, no token handed out`, async () => {
      const result = await send(init());
      expect(result.status).toBe(403);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('CSRF_PREVENTED');
      expect(result.text).not.toMatch(/devSignIn|token/);
      expect(result.headers.get('access-control-allow-origin')).toBeNull();
    });
  }

  it('the same form-encoded request runs when it carries the CSRF header (the refusal is the guard, not the body)', async () => {
    const result = await send({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-yoga-csrf': '1' },
      body: form,
    });
    expect(result.status).toBe(200);
    expect((result.body.data as { devSignIn: { token: string } }).devSignIn.token).toMatch(/^ey/);
  });

  it('mutations over GET (an <img> or <script> src) are refused, with or without the CSRF header (405)', async () => {
    for (const headers of [{ origin: EVIL }, { 'x-graphql-yoga-csrf': '1' }] as Record<string, string>[]) {
      const result = await send({ method: 'GET', url: `${endpoint}?query=${encodeURIComponent(SIGN_IN)}`, headers });
      expect(result.status).toBe(405);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(result.text).not.toContain('token');
    }
  });

  it('a cross-site GET query runs read-only, and its answer is not readable cross-origin', async () => {
    const result = await send({ method: 'GET', url: `${endpoint}?query=${encodeURIComponent('{ devSignInEnabled }')}`, headers: { origin: EVIL } });
    expect(result.status).toBe(200);
    expect(result.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a body type nobody parses gets a coded 415, not an empty one', async () => {
    const result = await send({ method: 'POST', headers: { 'content-type': 'text/plain', 'x-graphql-yoga-csrf': '1' }, body: JSON.stringify({ query: SIGN_IN }) });
    expect(result.status).toBe(415);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('the clients we ship need no extra header', () => {
  it('the worker CLI (JSON POST): signs in, creates a task, reads it back', async () => {
    const cli = new ConveyorClient(server.url);
    const { devSignIn } = await cli.request<{ devSignIn: { token: string } }>(SIGN_IN);
    cli.setToken(devSignIn.token);
    const created = await cli.request<{ createTask: { id: string } }>(
      'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      { input: { title: 'Made by the CLI', description: CLEAR_DESCRIPTION } },
    );
    const read = await cli.request<{ task: { title: string } }>('query($id: ID!) { task(id: $id) { title } }', { id: created.createTask.id });
    expect(read.task.title).toBe('Made by the CLI');
  });

  it("the dashboard's urql GET query with a Bearer header (urql's preferGetMethod default)", async () => {
    const token = (await gqlOk(server, SIGN_IN)).devSignIn.token as string;
    const result = await send({
      method: 'GET',
      url: `${endpoint}?query=${encodeURIComponent('query Me { viewer { id } }')}&operationName=Me`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json, application/json' },
    });
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ viewer: { id: 'acme/mallory' } });
  });
});

describe('CORS: same-origin and ALLOWED_ORIGINS only', () => {
  const preflight = (origin: string) =>
    send({ method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });

  it('a foreign origin gets no CORS headers, so its preflight fails and it cannot read answers', async () => {
    const pre = await preflight(EVIL);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    // A JSON POST sent anyway (non-browser or a buggy browser) runs, but its answer carries no
    // CORS header, so a browser would not hand the token to the page.
    const post = await send({ method: 'POST', headers: { 'content-type': 'application/json', origin: EVIL }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a listed origin and the same origin are allowed, without credentials', async () => {
    for (const origin of [FRIEND, server.url]) {
      const pre = await preflight(origin);
      expect(pre.headers.get('access-control-allow-origin'), origin).toBe(origin);
      expect(pre.headers.get('access-control-allow-headers'), origin).toMatch(/authorization/);
      expect(pre.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
  });

  it('an unparsable or "null" Origin is foreign', async () => {
    for (const origin of ['null', 'not a url']) {
      expect((await preflight(origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});
