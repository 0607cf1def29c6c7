/**
 * GraphiQL at /graphql with no internet (issue 13): Chromium may reach nothing but the server.
 * - As the README starts it (`npm start`, dev sign-in): the editor loads, with no request off
 *   the machine, no console error and no CSP violation; the Headers tab holds a working token;
 *   the README's `Watch` runs over graphql-ws in one tab and shows the task `Create` makes in a
 *   second tab; a reload brings a fresh token.
 * - With JWT_SECRET (an in-process server): no token in the page; one typed into the Headers tab
 *   is what the WebSocket signs in with.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, gqlOk, startServer, type TestServer } from '../utils/server.js';
import { freePort, hasChromium, launch, screenshot, startReadmeServer, type ReadmeServer } from './harness.js';

const WATCH = 'subscription Watch {\n  taskUpdated { cursor event task { id title status version } }\n}\n';
const CREATE = (title: string) =>
  `mutation Create {\n  createTask(input: { title: "${title}", description: "Add a dark theme toggle to the settings page, persisted per user, following the system preference by default." }) {\n    id title status version\n  }\n}\n`;

interface Offline {
  /** Requests Chromium tried to send anywhere but the server (all refused). */
  outside: string[];
  /** Console errors, page errors and CSP violations of every page. */
  problems: string[];
}

/** A browser context that can reach only 127.0.0.1/localhost, and records what went wrong. */
async function offlineContext(browser: Browser): Promise<{ context: BrowserContext; seen: Offline }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const seen: Offline = { outside: [], problems: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
    if (local || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    seen.outside.push(url.href);
    return route.abort('internetdisconnected');
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.effectiveDirective} ${e.blockedURI} ${e.sample}`),
    );
  });
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') seen.problems.push(message.text());
    });
    page.on('pageerror', (error) => seen.problems.push(`page error: ${error.message}`));
  });
  return { context, seen };
}

/** graphql-ws frames of a page's sockets to /graphql, parsed. */
function recordSockets(page: Page) {
  const sockets: { url: string; sent: any[]; received: any[]; closed: boolean }[] = [];
  page.on('websocket', (ws: WebSocket) => {
    const socket = { url: ws.url(), sent: [] as any[], received: [] as any[], closed: false };
    sockets.push(socket);
    ws.on('framesent', (frame) => socket.sent.push(JSON.parse(String(frame.payload))));
    ws.on('framereceived', (frame) => socket.received.push(JSON.parse(String(frame.payload))));
    ws.on('close', () => (socket.closed = true));
  });
  return sockets;
}

/** Open GraphiQL with one operation in the editor (GraphiQL's `?query=`), editor loaded. */
async function openGraphiQL(context: BrowserContext, base: string, query: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/graphql?query=${encodeURIComponent(query)}`);
  await page.locator('.graphiql-query-editor .view-lines').first().waitFor({ timeout: 20_000 });
  return page;
}

/** The Headers editor (its tab opened first: GraphiQL opens Variables when there are no headers). */
async function headersEditor(page: Page) {
  const tab = page.locator('.graphiql-editor-tools').getByRole('button', { name: 'Headers', exact: true });
  if (!(await tab.getAttribute('class'))?.includes('active')) await tab.click();
  return page.locator('section.graphiql-editor-tool .graphiql-editor:not(.hidden) .view-lines');
}
const headersText = async (page: Page) => (await (await headersEditor(page)).innerText()).replace(/\u00a0/g, ' ');
const responseText = async (page: Page) => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
const run = (page: Page) => page.getByRole('button', { name: /^Execute query/ }).click();

describe.skipIf(!hasChromium)('GraphiQL offline in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('as the README starts it (dev sign-in)', () => {
    let server: ReadmeServer;
    beforeAll(async () => {
      server = await startReadmeServer(await freePort(), mkdtempSync(join(tmpdir(), 'conveyor-graphiql-')));
    }, 180_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('loads with no internet, with a token, and Watch over WebSocket shows what Create made', async () => {
      const { context, seen } = await offlineContext(browser);

      // The page as served: no CDN anywhere, the strict policy, never cached (it holds a token).
      const served = await context.request.get(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      const html = await served.text();
      expect(html).not.toMatch(/unpkg|jsdelivr|cdn|https?:\/\//i);
      expect(html).toContain('Bearer ');
      const policy = served.headers()['content-security-policy'];
      expect(policy).toContain("script-src 'self';");
      expect(policy).not.toContain("'unsafe-eval'");
      expect(served.headers()['cache-control']).toBe('no-store');

      // 1. Watch, in the first tab. The README's document is the default; `?query=` picks one.
      const watch = await openGraphiQL(context, server.url, WATCH);
      const sockets = recordSockets(watch);
      expect(await watch.locator('body').innerText()).not.toMatch(/Loading/);
      const headers = await headersText(watch);
      expect(headers).toMatch(/"Authorization":\s*"Bearer [\w-]+\.[\w-]+\.[\w-]+"/);
      await run(watch);
      // It runs over graphql-ws, signed in with the Headers tab's token, and is acknowledged.
      const socket = await eventually(() => sockets.find((s) => s.received.some((m) => m.type === 'connection_ack')), 15_000);
      expect(socket.url).toBe(`${server.url.replace(/^http/, 'ws')}/graphql`);
      const init = socket.sent.find((m) => m.type === 'connection_init');
      expect(init.payload.authorization).toMatch(/^Bearer /);
      expect(headers.replace(/\s+/g, '')).toContain(init.payload.authorization.replace(/\s+/g, ''));
      expect(socket.sent.some((m) => m.type === 'subscribe' && /taskUpdated/.test(m.payload.query))).toBe(true);

      // 2. Create, in a second tab.
      const create = await openGraphiQL(context, server.url, CREATE('Offline GraphiQL'));
      await run(create);
      await expect.poll(() => responseText(create), { timeout: 15_000 }).toMatch(/"createTask"/);
      const result = await responseText(create);
      expect(result).toContain('"title": "Offline GraphiQL"');
      const taskId = /"id":\s*"([^"]+)"/.exec(result)![1];

      // 3. The first tab's result pane shows that task, live.
      await watch.bringToFront();
      await expect.poll(() => responseText(watch), { timeout: 15_000 }).toContain(taskId);
      const shown = await responseText(watch);
      expect(shown).toContain('"taskUpdated"');
      expect(shown).toContain('Offline GraphiQL');
      expect(socket.received.some((m) => m.type === 'next' && m.payload.data?.taskUpdated?.task?.id === taskId)).toBe(true);
      await screenshot(watch, 'graphiql-watch');
      await screenshot(create, 'graphiql-create');

      // A reload brings a fresh token (the old one is not kept in localStorage).
      await create.reload();
      await create.locator('.graphiql-query-editor .view-lines').first().waitFor();
      await expect.poll(() => headersText(create)).toMatch(/"Bearer [\w-]+\.[\w-]+\.[\w-]+"/);
      expect(await create.evaluate(() => JSON.stringify(localStorage))).not.toContain('Bearer');

      expect(seen.outside).toEqual([]);
      expect(seen.problems).toEqual([]);
      await context.close();
    });
  });

  describe('with JWT_SECRET', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
    });
    afterAll(async () => {
      await server?.dispose();
    });

    it('pre-fills no token, and the WebSocket signs in with the one typed into the Headers tab', async () => {
      const { context, seen } = await offlineContext(browser);
      const html = await (await context.request.get(`${server.url}/graphql`, { headers: { accept: 'text/html' } })).text();
      expect(html).not.toContain('Bearer ey');
      expect(html).toContain('JWT_SECRET');

      const watch = await openGraphiQL(context, server.url, WATCH);
      const sockets = recordSockets(watch);
      expect((await headersText(watch)).trim()).not.toContain('Authorization');
      const token = await server.token({ name: 'Grace', org: 'acme' });
      await (await headersEditor(watch)).click();
      await watch.keyboard.press('ControlOrMeta+A');
      await watch.keyboard.press('Delete');
      await watch.keyboard.insertText(`{"Authorization": "Bearer ${token}"}`);
      await run(watch);
      const socket = await eventually(() => sockets.find((s) => s.received.some((m) => m.type === 'connection_ack')), 15_000);
      expect(socket.sent.find((m) => m.type === 'connection_init').payload).toEqual({ authorization: `Bearer ${token}` });

      const { createTask } = await gqlOk<{ createTask: { id: string } }>(server, CREATE('Typed token'), {}, token);
      await expect.poll(() => responseText(watch), { timeout: 15_000 }).toContain(createTask.id);
      await screenshot(watch, 'graphiql-jwt-watch');
      expect(seen.outside).toEqual([]);
      expect(seen.problems).toEqual([]);
      await context.close();
    });
  });
});
