/**
 * An idle keep-alive HTTP connection outlives Node's 5 s default (issue 15): a client or proxy
 * that reuses it after 6 s gets its answer on the same socket, not ECONNRESET, and the server
 * says how long it keeps one (`Keep-Alive: timeout=65`, HTTP_KEEP_ALIVE_TIMEOUT_MS).
 */
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../utils/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { JWT_SECRET: '' } });
});
afterAll(async () => {
  await server.dispose();
});

it('keeps an idle keep-alive connection past 5 s and answers on it', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<{ status?: number; keepAlive?: string; port?: number }>((resolve, reject) =>
      http
        .get(`${server.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, keepAlive: res.headers['keep-alive'] as string | undefined, port: res.socket?.localPort }));
        })
        .on('error', reject),
    );
  try {
    const first = await get();
    expect(first).toMatchObject({ status: 200, keepAlive: 'timeout=65' });
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const again = await get();
    expect(again.status).toBe(200);
    expect(again.port, 'the same connection').toBe(first.port);
  } finally {
    agent.destroy();
  }
}, 20_000);
