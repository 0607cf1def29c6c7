/**
 * The browser's side of the security headers and of CSRF, in Chromium against `npm start`:
 * - the dashboard runs under its strict Content-Security-Policy with no violation at all, through
 *   sign-in, a task created and seen live, the task page's diagram, agents and machines; and the
 *   policy is enforced (an injected inline script and style are refused and reported);
 * - a page on another origin cannot make the server run a mutation: its text/plain form post is
 *   refused with CSRF_PREVENTED, its JSON fetch fails the CORS preflight, its no-cors fetch is
 *   refused, and the server's mutation counter does not move.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { freePort, hasChromium, serverAndBrowser, screenshot, signIn, startReadmeServer, type ReadmeServer } from './harness.js';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

/** Collect CSP violations from the first script of every document, before the app's own. */
async function watchViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: Violation[] = [];
    (window as unknown as { __csp: Violation[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample }),
    );
  });
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp);

describe.skipIf(!hasChromium)('security in Chromium', { timeout: 90_000 }, () => {
  let server: ReadmeServer;
  let browser: Browser;

  serverAndBrowser(async () => startReadmeServer(await freePort(), mkdtempSync(join(tmpdir(), 'conveyor-security-'))), 180_000, (s, b) => {
    server = s;
    browser = b;
  });

  it('the dashboard runs under its Content-Security-Policy with zero violations', async () => {
    const context = await browser.newContext();
    await watchViolations(context);
    const consoleCsp: string[] = [];
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) consoleCsp.push(message.text());
    });
    const page = await signIn(context, server.url, 'Cleo', 'acme');
    const served = await page.request.get(`${server.url}/`);
    const policy = served.headers()['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-(inline|eval)/);
    expect(served.headers()['x-content-type-options']).toBe('nosniff');
    expect(served.headers()['referrer-policy']).toBe('no-referrer');

    // Create a task and watch it move, live, to DISPATCHED (a clear description needs no questions).
    await page.getByLabel('Title').fill('Strict CSP');
    await page.getByLabel('Description').fill(CLEAR_DESCRIPTION);
    await page.getByRole('button', { name: 'Create task' }).click();
    const card = page.locator('[data-task-id]', { hasText: 'Strict CSP' }).first();
    await card.locator('[data-status="DISPATCHED"]').waitFor({ timeout: 10_000 });
    // The task page's state diagram (React Flow, laid out by elkjs), then agents and machines.
    await card.locator('a').first().click();
    await page.locator('.react-flow__edge').first().waitFor({ state: 'attached', timeout: 15_000 });
    await page.goto(`${server.url}/#/agents`);
    await page.locator('.react-flow__node').first().waitFor({ timeout: 15_000 });
    await page.goto(`${server.url}/#/machines`);
    await page.locator('.react-flow__node').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-connection="live"]').waitFor();
    await screenshot(page, 'security-csp-machines');

    expect(await violations(page)).toEqual([]);
    expect(consoleCsp).toEqual([]);

    // The policy is enforced and the watcher sees it: inline code added at run time is refused.
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { --csp-probe: applied }';
      document.head.append(style);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return {
        script: (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false,
        style: getComputedStyle(document.body).getPropertyValue('--csp-probe'),
      };
    });
    expect(ran).toEqual({ script: false, style: '' });
    expect((await violations(page)).map((v) => v.directive).sort()).toEqual(['script-src-elem', 'style-src-elem']);
    await context.close();
  });

  describe('a page on another origin', () => {
    let evil: Server;
    let evilUrl: string;
    beforeAll(async () => {
      // Another origin (another port): it only serves a blank page to run the attempts from.
      evil = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>evil</title><body></body>');
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      evilUrl = `http://localhost:${(evil.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => evil.close(() => resolve())));

    const mutations = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('conveyor_graphql_operations_total{type="mutation",transport="http"}'));
      return Number(line?.split(' ').at(-1) ?? 0);
    };

    it('cannot make the server run a mutation', async () => {
      const before = await mutations();
      const page = await browser.newPage();
      await page.goto(evilUrl);
      const endpoint = `${server.url}/graphql`;
      const query = 'mutation { devSignIn(name: "Mallory", org: "acme") { token } }';

      // 1. The classic: a text/plain form whose body is JSON, submitted to the API.
      await page.evaluate(
        ({ endpoint, query }) => {
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = endpoint;
          form.enctype = 'text/plain';
          const input = document.createElement('input');
          input.name = `{"query": ${JSON.stringify(query)}, "pad": "`;
          input.value = '"}';
          form.append(input);
          document.body.append(form);
          form.submit();
        },
        { endpoint, query },
      );
      await page.waitForURL(endpoint);
      const answer = await page.locator('body').innerText();
      expect(answer).toContain('CSRF_PREVENTED');
      expect(answer).not.toContain('token');

      // 2. fetch with JSON needs a preflight, which gets no CORS headers: the browser gives up.
      // 3. no-cors drops the JSON content type (not safelisted): a simple request, refused.
      await page.goto(evilUrl);
      const attempts = await page.evaluate(
        async ({ endpoint, query }) => {
          const body = JSON.stringify({ query });
          const json = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
            (r) => `answered ${r.status}`,
            (e: Error) => `failed: ${e.name}`,
          );
          const noCors = await fetch(endpoint, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/json' }, body }).then(
            (r) => `opaque: ${r.type}`,
            (e: Error) => `failed: ${e.name}`,
          );
          return { json, noCors };
        },
        { endpoint, query },
      );
      expect(attempts).toEqual({ json: 'failed: TypeError', noCors: 'opaque: opaque' });
      expect(await mutations()).toBe(before);
      await page.close();
    });
  });
});
