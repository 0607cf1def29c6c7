/**
 * The dashboard behind a proxy that refuses WebSocket upgrades: it falls back to GraphQL over
 * SSE by itself, shows it in the header, stays live, and resumes from its cursor after the proxy
 * drops its streams. The proxy is a real HTTP proxy (streaming, as nginx with buffering off);
 * the server is started as the README starts it, Chromium drives the page.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gqlOk } from '../utils/server.js';
import { freePort, hasChromium, launch, recordStatusChanges, screenshot, signIn, startReadmeServer, statusLog, type ReadmeServer } from './harness.js';

/** A `taskUpdated` message as it went through the proxy to the browser. */
interface Forwarded {
  cursor: string;
  event: string;
  taskId: string;
}

interface Proxy {
  url: string;
  /** WebSocket upgrades answered 403. */
  upgradesRefused: number;
  /** While true, new event-stream requests get 503 (a proxy in trouble). */
  refuseStreams: boolean;
  /** Every taskUpdated message forwarded on an event stream, in order. */
  forwarded: Forwarded[];
  /** The operation names of the event streams open now, sorted. */
  openStreams(): string[];
  /** Cut every open event stream, on both sides, as a proxy restart would. */
  dropStreams(): number;
  close(): Promise<void>;
}

/** Collects the `taskUpdated` messages of one event stream's bytes. */
function streamTap(into: Forwarded[]): (chunk: Buffer) => void {
  let text = '';
  return (chunk) => {
    text += chunk.toString('utf8');
    let end;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const data = /^data: (\{.*\})$/m.exec(block)?.[1];
      const update = data ? (JSON.parse(data) as { data?: { taskUpdated?: any } }).data?.taskUpdated : undefined;
      if (update) into.push({ cursor: update.cursor, event: update.event, taskId: update.task.id });
    }
  };
}

async function startProxy(target: string): Promise<Proxy> {
  const { hostname, port } = new URL(target);
  const streams = new Set<{ res: ServerResponse; upstream: ReturnType<typeof request>; operation: string }>();
  const proxy: Proxy = {
    url: '',
    upgradesRefused: 0,
    refuseStreams: false,
    forwarded: [],
    openStreams: () => [...streams].map((s) => s.operation).sort(),
    dropStreams: () => {
      const count = streams.size;
      for (const s of streams) {
        s.res.destroy();
        s.upstream.destroy();
      }
      streams.clear();
      return count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // graphql-sse asks for exactly this; urql's queries accept it among others.
    const isStream = req.headers.accept === 'text/event-stream';
    if (isStream && proxy.refuseStreams) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('try later');
    // Headers as they came (Host included, as a reverse proxy preserving it): same-origin stays so.
    const upstream = request({ hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (answer.headers['content-type']?.startsWith('text/event-stream')) answer.on('data', streamTap(proxy.forwarded));
      answer.pipe(res); // chunk by chunk: nothing is held back
    });
    const entry = { res, upstream, operation: '?' };
    if (isStream) {
      streams.add(entry);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => (entry.operation = /subscription (\w+)/.exec(body)?.[1] ?? '?'));
    }
    upstream.on('error', () => res.destroy()); // the server went away: so does this response
    res.on('close', () => {
      streams.delete(entry);
      upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.on('upgrade', (_req, socket) => {
    proxy.upgradesRefused++;
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

describe.skipIf(!hasChromium)('dashboard without WebSockets', { timeout: 90_000 }, () => {
  let server: ReadmeServer;
  let proxy: Proxy;
  let browser: Browser;

  beforeAll(async () => {
    server = await startReadmeServer(await freePort(), mkdtempSync(join(tmpdir(), 'conveyor-sse-')));
    proxy = await startProxy(server.url);
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  const token = async (name: string, org: string) =>
    (await gqlOk(server, `mutation($n: String!, $o: String!) { devSignIn(name: $n, org: $o) { token } }`, { n: name, o: org })).devSignIn.token as string;
  const create = async (as: string, title: string) =>
    (await gqlOk(server, `mutation($i: CreateTaskInput!) { createTask(input: $i) { id createdAt } }`, { i: { title, description: CLEAR_DESCRIPTION } }, as))
      .createTask as { id: string; createdAt: string };
  const timeline = async (as: string, id: string) =>
    (await gqlOk(server, `query($id: ID!) { timeline(taskId: $id) { cursor type } }`, { id }, as)).timeline as { cursor: string; type: string }[];

  it('falls back to SSE, stays live, and resumes from its cursor after the proxy drops the streams', async () => {
    const context = await browser.newContext();
    // Anything the page throws (a rejected promise of a transport included) fails the test.
    const pageErrors: string[] = [];
    context.on('weberror', (error) => pageErrors.push(error.error().message));
    const page = await signIn(context, proxy.url, 'Alice', 'acme');
    const pill = page.getByRole('status');
    await page.locator('[data-connection="live"][data-transport="sse"]').waitFor({ timeout: 10_000 });
    expect(await pill.textContent()).toContain('Live · SSE');
    expect(proxy.upgradesRefused).toBeGreaterThanOrEqual(3);
    await recordStatusChanges(page);
    await screenshot(page, 'sse-1-live-over-sse');

    // A teammate creates a task over HTTP: it shows up within 1 s of its commit.
    const bob = await token('Bob', 'acme');
    const first = await create(bob, 'Export over SSE');
    await page.locator(`[data-task-id="${first.id}"]`).waitFor({ timeout: 2000 });
    const shown = (await statusLog(page)).find((s) => s.id === first.id)!;
    expect(shown.at - Date.parse(first.createdAt)).toBeLessThan(1000);
    await page.locator(`[data-task-id="${first.id}"] [data-status="DISPATCHED"]`).waitFor({ timeout: 5000 });
    await eventually(async () => (await timeline(bob, first.id)).some((e) => e.type === 'ISSUE_OPENED'));
    await eventually(() => proxy.forwarded.some((f) => f.taskId === first.id && f.event === 'ISSUE_OPENED'));

    // The proxy cuts the streams and, for a while, refuses new ones: whatever is committed
    // meanwhile can only reach the page by resuming from its cursor.
    proxy.refuseStreams = true;
    expect(proxy.dropStreams()).toBeGreaterThanOrEqual(1);
    await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 5000 });
    const missed = await create(bob, 'Created while the stream was down');
    await eventually(async () => (await timeline(bob, missed.id)).some((e) => e.type === 'ISSUE_OPENED'));
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id: first.id }, bob);
    expect(await page.locator(`[data-task-id="${missed.id}"]`).count()).toBe(0);
    await screenshot(page, 'sse-2-stream-dropped');

    proxy.refuseStreams = false;
    await page.locator(`[data-task-id="${missed.id}"] [data-status="DISPATCHED"]`).waitFor({ timeout: 10_000 });
    await page.locator(`[data-task-id="${first.id}"] [data-status="CANCELLED"]`).waitFor({ timeout: 5000 });
    await page.locator('[data-connection="live"][data-transport="sse"]').waitFor({ timeout: 5000 });

    // On the wire: every transition of both tasks reached the page exactly once, in log order,
    // across the drop.
    const committed = [...(await timeline(bob, first.id)), ...(await timeline(bob, missed.id))].map((e) => e.cursor);
    committed.sort((a, b) => Number(a) - Number(b));
    const mine = proxy.forwarded.filter((f) => f.taskId === first.id || f.taskId === missed.id).map((f) => f.cursor);
    expect(mine).toEqual(committed);
    // On the page: one card per task, statuses never going backwards.
    expect(await page.locator(`[data-task-id="${missed.id}"]`).count()).toBe(1);
    const statuses = (await statusLog(page)).filter((s) => s.id === missed.id).map((s) => s.status);
    expect(statuses.at(-1)).toBe('DISPATCHED');
    expect(statuses).toEqual([...new Set(statuses)]);
    await screenshot(page, 'sse-3-resumed');

    // Leaving the page ends its subscriptions' streams for good (none restarts by itself).
    expect(proxy.openStreams()).toEqual(['DashboardCounts', 'LiveTaskUpdates']);
    await page.getByRole('link', { name: 'Agents' }).click();
    await eventually(() => proxy.openStreams().join() === 'AgentUpdates,LiveTaskUpdates');
    await new Promise((r) => setTimeout(r, 1000)); // longer than a retry's first backoff
    expect(proxy.openStreams()).toEqual(['AgentUpdates', 'LiveTaskUpdates']);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
