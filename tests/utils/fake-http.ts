/**
 * Real local HTTP servers standing in for external APIs (GitHub, an OpenAI-compatible endpoint):
 * each request is recorded and answered with the next reply (the last one repeats); a reply may
 * never answer, to test timeouts. Servers close after each test.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply = (res: ServerResponse) => void;

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export async function fakeHttp(...replies: Reply[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      replies[Math.min(received.length, replies.length) - 1](res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle = {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Idempotent, so a test may close it early (to get a refused port) and afterEach again. */
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections(); // requests left hanging on purpose must not keep it open
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  servers.push(handle);
  return handle;
}
