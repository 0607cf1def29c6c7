/**
 * Browser tests: the real server started the way the README starts it (`npm start`), driven by
 * Debian's Chromium through playwright-core.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildServer, DEMO_RUNNING, RUNNING, runProcess, userEnv, type RunningProcess } from '../utils/process.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SCREENS = join(process.cwd(), 'test-results', 'screens');
if (!hasChromium) {
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM}. Install it with "apt-get install -y chromium" (.ci/run does).`);
}

export { freePort } from '../utils/ports.js';

export interface ReadmeServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A started process as a ReadmeServer: its own process group, so stop() ends npm, tsx and node together. */
async function readmeServer(run: RunningProcess, up: RegExp, timeoutMs: number): Promise<ReadmeServer & { log(): string }> {
  const [, url] = await run.waitFor(up, timeoutMs);
  return { url, process: run.child, log: run.output, stop: async () => void (await run.stop('SIGTERM')) };
}

/** `npm start` on a fixed port and data directory (so a restart comes back at the same URL). */
export async function startReadmeServer(port: number, dataDir: string, env: Record<string, string> = {}): Promise<ReadmeServer> {
  // The environment a user has (tests/utils/process.ts): the README's run line is the embedded default.
  const run = runProcess('npm', ['start'], { env: userEnv({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }), detached: true });
  return readmeServer(run, RUNNING, 120_000);
}

/**
 * The README's `npm run demo`, compiled: the dashboard is built if stale (scripts/ensure-client.mjs,
 * as `npm start` does), the server compiled (scripts/build-server.mjs), then
 * `node dist/src/cli/index.js demo` with the given options. Same environment rules as
 * `startReadmeServer`.
 */
export async function startDemo(port: number, dataDir: string, args: string[] = []): Promise<ReadmeServer & { log(): string }> {
  buildServer({ client: true });
  const run = runProcess('node', ['--enable-source-maps', 'dist/src/cli/index.js', 'demo', '--port', String(port), '--data-dir', dataDir, ...args], {
    env: userEnv({ LOG_LEVEL: 'warn' }),
    detached: true,
  });
  return readmeServer(run, DEMO_RUNNING, 60_000);
}

/**
 * A server and a Chromium for a describe block: both started in `beforeAll` (`start` first,
 * within `timeoutMs`) and handed to `ready`, both closed in `afterAll`.
 */
export function serverAndBrowser<S extends { stop(): Promise<void> }>(start: () => Promise<S>, timeoutMs: number, ready: (server: S, browser: Browser) => void): void {
  let server: S | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await start();
    browser = await launch();
    ready(server, browser);
  }, timeoutMs);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export async function signIn(context: BrowserContext, url: string, name: string, org: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] page error:`, error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[${name}] console error:`, message.text());
  });
  await page.goto(url);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Organisation').fill(org);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Live', { exact: false }).first().waitFor();
  await page.locator('[data-connection="live"]').waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
}

/** Record, inside the page, when each task's status badge shows each status (page clock = epoch ms). */
export async function recordStatusChanges(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { id: string; status: string; at: number }[] = [];
    const last = new Map<string, string>();
    (window as unknown as { __statusLog: typeof seen }).__statusLog = seen;
    // Every change of a card's status, in the order the page showed them.
    const scan = () => {
      for (const card of document.querySelectorAll<HTMLElement>('[data-task-id]')) {
        const status = card.querySelector<HTMLElement>('[data-status]')?.dataset.status;
        const id = card.dataset.taskId!;
        if (status && last.get(id) !== status) {
          last.set(id, status);
          seen.push({ id, status, at: Date.now() });
        }
      }
    };
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    scan();
  });
}

export async function statusLog(page: Page): Promise<{ id: string; status: string; at: number }[]> {
  return page.evaluate(() => (window as unknown as { __statusLog: { id: string; status: string; at: number }[] }).__statusLog);
}
