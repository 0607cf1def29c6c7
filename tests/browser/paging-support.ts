/**
 * What the dashboard tests with 20,000 tasks (dashboard-paging.test.ts, dashboard-search.test.ts)
 * share: the seeded history, the README server on it and a Chromium, the API's answers to compare
 * with, screenshots, and reads of the page.
 *
 * Seeding: the data directory is filled before the README server starts, by an in-process server
 * on the same directory through its services (the same commits the API makes, without HTTP and
 * without the per-user mutation rate limit), left until analysis is done, then stopped. Through
 * the HTTP API the same 20,000 creates would meet RATE_LIMIT_MUTATIONS (200 per user per 10 s).
 * The seeding time is printed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { gqlOk, startServer } from '../utils/server.js';
import { freePort, launch, screenshot, startReadmeServer, type ReadmeServer } from './harness.js';

export const TASKS = Number(process.env.PAGING_TASKS ?? 20_000);
export const PAGE = 50; // client/src/lib/dashboard-view.ts PAGE_SIZE
export const ACTIVE = ['RECEIVED', 'ANALYZING', 'NEEDS_CLARIFICATION', 'DISPATCHED', 'CODING', 'PR_OPEN'];
export const USERS = {
  ada: { id: 'acme/ada', name: 'Ada', org: 'acme' },
  grace: { id: 'acme/grace', name: 'Grace', org: 'acme' },
  linus: { id: 'acme/linus', name: 'Linus', org: 'acme' },
  bob: { id: 'globex/bob', name: 'Bob', org: 'globex' },
};
/** Where viewport screenshots also go, to be looked at (SHOTS_DIR=/tmp/shots-dash). */
const SHOTS_DIR = process.env.SHOTS_DIR;
/**
 * A full-page screenshot (harness.ts), and with SHOTS_DIR one of the viewport there: at the top
 * of the page, or scrolled to `at` (a test id).
 */
export async function shot(p: Page, name: string, at?: string): Promise<void> {
  await screenshot(p, name);
  if (!SHOTS_DIR) return;
  mkdirSync(SHOTS_DIR, { recursive: true });
  if (at) await p.getByTestId(at).evaluate((el) => el.scrollIntoView({ block: 'end' }));
  else await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: join(SHOTS_DIR, `${name}.png`) });
}
const TITLES = ['Paginate the audit log', 'Speed up CSV export', 'Fix the login redirect', 'Add SSO with Okta', 'Cache the dashboard query', 'Rate-limit the public API', 'Archive old projects', 'Typo on pricing page'];

/**
 * `count` tasks: Ada, Grace and Linus of acme and Bob of globex (every 20th); every 25th private;
 * every 6th vague (it waits for answers); every 10th cancelled and every 12th failed at once.
 */
export async function seed(dataDir: string, count: number): Promise<void> {
  const server = await startServer({ dataDir });
  const { tasks } = server.app.services;
  const creators = [USERS.ada, USERS.grace, USERS.linus];
  let next = 0;
  const one = async (i: number) => {
    // By dozens, so that every creator has some of each kind below.
    const viewer = i % 20 === 19 ? USERS.bob : creators[Math.floor(i / 12) % 3];
    const task = await tasks.create(viewer, {
      title: `${TITLES[i % TITLES.length]} #${i}`,
      description: i % 6 === 0 ? 'fix it' : CLEAR_DESCRIPTION,
      private: i % 25 === 0,
    });
    if (i % 10 === 1) await tasks.cancel(viewer, task.id, 'not needed any more');
    else if (i % 12 === 5) await tasks.fail(viewer, task.id, 'tests failed on main');
  };
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) await one(next++);
    }),
  );
  // Analysis runs in the background: wait until it is done and the log is quiet.
  let last = -1;
  for (;;) {
    const counts = await Promise.all([USERS.ada, USERS.bob].map((v) => tasks.counts(v, {})));
    const head = await server.app.services.store.head();
    if (counts.every((c) => c.byStatus.received === 0 && c.byStatus.analyzing === 0) && head === last) break;
    last = head;
    await new Promise((r) => setTimeout(r, 500));
  }
  await server.stop();
}

export interface Connection {
  cursor: string;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: { id: string; status: string }[];
}
export interface Filter {
  scope?: 'ALL' | 'MINE';
  status?: string[];
  creatorId?: string;
  search?: string;
}
export const GROUP_STATUSES: Record<string, string[]> = { active: ACTIVE, completed: ['MERGED'], failed: ['FAILED'], cancelled: ['CANCELLED'] };

/** The ids a list shows, in order. */
export const shown = (p: Page, group: string) => p.getByTestId(`${group}-tasks`).locator('[data-task-id]').evaluateAll((items) => items.map((li) => li.getAttribute('data-task-id')!));
/** The count cards as figures (data-value), one read. */
export const cards = (p: Page) =>
  p.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('.count[data-count]')].map((card) => [card.dataset.count!, Number(card.querySelector<HTMLElement>('.count-value')!.dataset.value)]),
    ),
  );
export const pagesRead = async (p: Page, group: string) => Number(await p.getByTestId(`${group}-tasks`).getAttribute('data-pages'));
export const settledPages = async (p: Page, group: string, pages: number) => {
  await expect.poll(() => pagesRead(p, group), { timeout: 10_000 }).toBeGreaterThanOrEqual(pages);
  await expect.poll(() => p.getByTestId(`${group}-tasks`).getAttribute('data-loading')).toBe('false');
};

/**
 * Read every page of a list ("Load more" until none is left). The last list with more pages
 * also reads the next by itself once its end scrolls into view, which may take the button away
 * under the click: either way, one more page is read.
 */
export async function readToEnd(p: Page, group: string): Promise<void> {
  for (let i = 0; i < 100 && (await p.getByTestId(`${group}-tasks`).getAttribute('data-more')) === 'true'; i++) {
    const read = await pagesRead(p, group);
    await p.getByTestId(`${group}-tasks`).getByRole('button', { name: /^Load( \d+)? more$/ }).click({ timeout: 3000 }).catch(() => undefined);
    await settledPages(p, group, read + 1);
  }
}

export interface SeededDashboard {
  /** Set once the file's beforeAll ran. */
  server: ReadmeServer;
  browser: Browser;
  /** Ada's (acme) token, for the API's answers. */
  token: string;
  api<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The API's own pages of a filter: the first `pages` of `PAGE`. */
  apiPages(filter: Filter, pages: number, sort?: 'CREATED' | 'UPDATED'): Promise<string[]>;
  apiCounts(filter?: Filter): Promise<Record<string, number>>;
}

/** For one test file: TASKS tasks seeded, the README server on them and a Chromium, closed after. */
export function seededDashboard(): SeededDashboard {
  let dataDir: string | undefined;
  const seeded = {
    api: <T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(seeded.server, query, variables, seeded.token),
    async apiPages(filter: Filter, pages: number, sort: 'CREATED' | 'UPDATED' = 'CREATED'): Promise<string[]> {
      const ids: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < pages; i++) {
        const { tasks }: { tasks: Connection } = await seeded.api<{ tasks: Connection }>(
          `query($f: TaskFilter, $n: Int!, $a: String, $s: TaskSort) { tasks(filter: $f, first: $n, after: $a, sort: $s) { cursor pageInfo { hasNextPage endCursor } nodes { id status } } }`,
          { f: filter, n: PAGE, a: after, s: sort },
        );
        ids.push(...tasks.nodes.map((n) => n.id));
        after = tasks.pageInfo.endCursor;
        if (!tasks.pageInfo.hasNextPage) break;
      }
      return ids;
    },
    async apiCounts(filter: Filter = {}): Promise<Record<string, number>> {
      const { dashboardCounts } = await seeded.api<{ dashboardCounts: Record<string, number> }>(
        `query($f: TaskFilter) { dashboardCounts(filter: $f) { active completed failed cancelled total } }`,
        { f: filter },
      );
      return dashboardCounts;
    },
  } as SeededDashboard;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'conveyor-paging-'));
    const started = Date.now();
    await seed(dataDir, TASKS);
    console.log(`seeded ${TASKS} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    seeded.server = await startReadmeServer(await freePort(), dataDir);
    seeded.browser = await launch();
    seeded.token = (await gqlOk(seeded.server, `mutation { devSignIn(name: "Ada", org: "acme") { token } }`)).devSignIn.token;
  }, 180_000);
  afterAll(async () => {
    await seeded.browser?.close();
    await seeded.server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return seeded;
}
