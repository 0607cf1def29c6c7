/**
 * Every kind of bad credential is refused on both transports, for the right reason: HTTP answers
 * 401 UNAUTHENTICATED (the reason in the message, never the token), a WebSocket closes with
 * 4403 Forbidden at `connection_init`. A valid token of the same shape passes on both, so the
 * refusals are the verifier's doing and not a broken request.
 */
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';

const SECRET = 'auth-edge-secret-that-is-long-enough-for-hs256';
const key = new TextEncoder().encode(SECRET);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { JWT_SECRET: SECRET, WS_INIT_TIMEOUT_MS: '2000' } });
});
afterAll(() => server.dispose());

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'acme/eve', name: 'Eve', org: 'acme', exp: now() + 600, ...extra });
const hs256 = (payload: JWTPayload, secret: Uint8Array = key) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
const without = (claim: string) => {
  const payload = claims();
  delete payload[claim];
  return payload;
};

/** [case, Authorization header value, what the refusal must say]. */
async function badCredentials(): Promise<[string, string, RegExp][]> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const valid = await hs256(claims());
  const [header, , signature] = valid.split('.');
  const bearer = (token: string) => `Bearer ${token}`;
  return [
    ['alg none, no signature', bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`), /algorithm/],
    ['alg none, with our signature', bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.${signature}`), /algorithm/],
    ['HS512 keyed with our secret', bearer(await new SignJWT(claims()).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(SECRET.repeat(2)))), /algorithm/],
    ['HS384 keyed with our secret', bearer(await new SignJWT(claims()).setProtectedHeader({ alg: 'HS384' }).sign(new TextEncoder().encode(SECRET))), /algorithm/],
    ['RS256 with a generated key', bearer(await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey)), /algorithm/],
    ['ES256 with a generated key', bearer(await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256' }).sign(ec.privateKey)), /algorithm/],
    ['HS256 with the wrong key', bearer(await hs256(claims(), new TextEncoder().encode('another-secret-another-secret-another!!'))), /signature/],
    ['payload changed after signing (other org)', bearer(`${header}.${b64(claims({ org: 'globex' }))}.${signature}`), /signature/],
    ['expired', bearer(await hs256(claims({ exp: now() - 60 }))), /expired/],
    ['not yet valid (nbf)', bearer(await hs256(claims({ nbf: now() + 3600 }))), /not valid yet/],
    ['no sub', bearer(await hs256(without('sub'))), /sub/],
    ['no name', bearer(await hs256(without('name'))), /name/],
    ['no org', bearer(await hs256(without('org'))), /org/],
    ['empty org', bearer(await hs256(claims({ org: '' }))), /org/],
    ['org not a string', bearer(await hs256(claims({ org: 42 }))), /org/],
    ['no exp (would never expire)', bearer(await hs256(without('exp'))), /exp/],
    ['exp not a number', bearer(await hs256(claims({ exp: 'tomorrow' as unknown as number }))), /exp/],
    ['garbage', 'Bearer garbage', /malformed/],
    ['three dots of nothing', 'Bearer ..', /malformed/],
    ['not.a.jwt', 'Bearer not.a.jwt', /malformed/],
    ['header is not JSON', bearer(`${Buffer.from('{alg').toString('base64url')}.${b64(claims())}.${signature}`), /malformed/],
    ['five segments (JWE shape)', bearer(`${valid}.x.y`), /malformed|algorithm/],
    ['token twice', `Bearer ${valid} ${valid}`, /Bearer <token>/],
    ['Basic scheme', `Basic ${Buffer.from('eve:pw').toString('base64')}`, /Bearer <token>/],
    ['no scheme', valid, /Bearer <token>/],
  ];
}

/** The close code graphql-ws reports for a socket whose connection_init carries `authorization`. */
async function wsCloseCode(authorization: unknown): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization },
      on: {
        connected: () => reject(new Error('the server acknowledged the connection')),
        closed: (event) => resolve((event as { code: number }).code),
      },
      onNonLazyError: () => {},
    });
  });
}

describe('bad credentials', () => {
  it('a valid token of the same shape is accepted on HTTP and WebSocket (control)', async () => {
    const token = await hs256(claims());
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { id name org } }' }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).data.viewer).toEqual({ id: 'acme/eve', name: 'Eve', org: 'acme' });
    const ws = wsClient(server, token);
    const sub = subscribe(ws, `subscription { dashboardCounts { total } }`);
    await sub.waitFor(1);
    await ws.dispose();
  });

  it('HTTP: each is answered 401 UNAUTHENTICATED with its reason, the token never echoed', async () => {
    const cases = await badCredentials();
    expect.assertions(cases.length * 4);
    for (const [name, authorization, reason] of cases) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
      expect(response.status, name).toBe(401);
      expect(body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
      expect(body.errors?.[0]?.message, name).toMatch(reason);
      const credential = authorization.replace(/^\S+\s+/, '');
      expect(text.includes(credential.slice(-24)), `${name}: credential echoed`).toBe(false);
    }
  });

  it('HTTP: a public field ({ __typename }) with a bad token is refused too, not served anonymously', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer garbage' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('WebSocket: each closes the socket with 4403 Forbidden at connection_init', async () => {
    const cases = await badCredentials();
    const values: [string, unknown][] = [
      ...cases.map(([name, authorization]) => [name, authorization] as [string, unknown]),
      ['no authorization', undefined],
      ['empty authorization', ''],
      ['authorization is a number', 42],
      ['authorization is an object', { token: 'x' }],
    ];
    expect.assertions(values.length);
    for (const [name, authorization] of values) {
      expect(await wsCloseCode(authorization), name).toBe(4403);
    }
  });
});
