/**
 * The dashboard with 20,000 tasks (issue 14): the lists page by cursor and stay live, the filters
 * are a shareable link, and the counts agree with what is shown and with the API. Search and sort:
 * tests/browser/dashboard-search.test.ts. The seeding: tests/browser/paging-support.ts.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { hasChromium, signIn } from './harness.js';
import { ACTIVE, cards, PAGE, pagesRead, seededDashboard, settledPages, shot, shown, TASKS, type Connection } from './paging-support.js';

describe.skipIf(!hasChromium)(`dashboard with ${TASKS.toLocaleString('en-US')} tasks`, { timeout: 90_000 }, () => {
  const seeded = seededDashboard();
  let page: Page;
  let victim: string;

  const { api, apiPages, apiCounts } = seeded;

  it('first page of every list, "Load more" continues exactly where the API does, and the counts say how much is shown', async () => {
    page = await signIn(await seeded.browser.newContext({ viewport: { width: 1360, height: 1000 } }), seeded.server.url, 'Ada', 'acme');
    const opened = Date.now();
    for (const group of ['active', 'completed', 'failed', 'cancelled']) await settledPages(page, group, 1);
    await page.locator('[data-count="total"] .count-value', { hasText: /\d/ }).waitFor();
    console.log(`dashboard: every list's first page within ${Date.now() - opened} ms of sign-in`);
    const counts = await apiCounts();
    expect(counts.total).toBeGreaterThan(TASKS * 0.8);
    expect(await cards(page)).toEqual(counts);

    const firstActive = await apiPages({ status: ACTIVE }, 1);
    expect(await shown(page, 'active')).toEqual(firstActive);
    expect(await shown(page, 'failed')).toEqual(await apiPages({ status: ['FAILED'] }, 1));
    expect(await page.getByTestId('active-tasks-count').textContent()).toBe(`(showing ${PAGE} of ${counts.active.toLocaleString('en-US')})`);
    const banner = page.getByTestId('partial-list');
    expect(await banner.getAttribute('data-total')).toBe(String(counts.total));
    expect(Number(await banner.getAttribute('data-shown'))).toBe(['active', 'completed', 'failed', 'cancelled'].reduce((sum, g) => sum + Math.min(PAGE, counts[g]), 0));
    await shot(page, 'paging-1-first-pages');

    // Active is not the last list with more: it loads on request only.
    await page.getByTestId('active-tasks').getByRole('button', { name: /^Load \d+ more$/ }).click();
    await settledPages(page, 'active', 2);
    const two = await shown(page, 'active');
    expect(two).toEqual(await apiPages({ status: ACTIVE }, 2));
    expect(new Set(two).size).toBe(2 * PAGE);
    await page.getByTestId('active-tasks').getByRole('button', { name: /^Load \d+ more$/ }).click();
    await settledPages(page, 'active', 3);
    expect(await shown(page, 'active')).toEqual(await apiPages({ status: ACTIVE }, 3));
    expect(await pagesRead(page, 'active')).toBe(3);
    await shot(page, 'paging-1b-after-load-more', 'active-tasks');
  });

  /** Cancelled shows exactly the API's first n pages, n read, and `extra`, which moved in live. */
  async function expectReadPlus(extra: string) {
    const read = await pagesRead(page, 'cancelled');
    const list = await shown(page, 'cancelled');
    const api = (await apiPages({ status: ['CANCELLED'] }, read + 1)).slice(0, read * PAGE + 1);
    expect(list.filter((id) => id === extra)).toHaveLength(1);
    expect(list.filter((id) => id !== extra)).toEqual(api.filter((id) => id !== extra));
    expect(list).toHaveLength(api.length);
  }

  it('stays live while paged: a new task lands on top, a cancelled one moves from Active to Cancelled, the cards follow', async () => {
    const before = await apiCounts();
    const created = (await api(`mutation($t: String!, $d: String!) { createTask(input: { title: $t, description: $d }) { id } }`, {
      t: 'Live while paged',
      d: CLEAR_DESCRIPTION,
    })).createTask.id as string;
    await expect.poll(async () => (await shown(page, 'active'))[0], { timeout: 5000 }).toBe(created);
    // One of Ada's own tasks from the first page (only a creator may cancel).
    const active = await shown(page, 'active');
    const { tasks } = await api<{ tasks: Connection }>(`query { tasks(filter: { scope: MINE, status: [DISPATCHED] }, first: 5) { nodes { id status } } }`);
    victim = tasks.nodes.map((n) => n.id).find((id) => id !== created && active.slice(0, PAGE).includes(id))!;
    expect(victim).toBeDefined();
    await api(`mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id: victim });
    await expect.poll(async () => (await shown(page, 'active')).includes(victim), { timeout: 5000 }).toBe(false);
    // Newer than where Cancelled's first page ends: shown there, in the API's order.
    await expect.poll(async () => (await shown(page, 'cancelled')).includes(victim), { timeout: 5000 }).toBe(true);
    const after = await apiCounts();
    expect(after.cancelled).toBe(before.cancelled + 1);
    expect(after.total).toBe(before.total + 1);
    await expect.poll(() => cards(page), { timeout: 5000 }).toEqual(after);
    // Cancelled shows what its pages read plus the one that moved in: the API's first n·50 + 1 now
    // (the one that moved in placed by creation time: see SLACK_MS in client/src/lib/paged-list.ts).
    await expectReadPlus(victim);
    // Still no duplicates, and still the API's order.
    const activeNow = await shown(page, 'active');
    expect(new Set(activeNow).size).toBe(activeNow.length);
    expect(activeNow).toEqual((await apiPages({ status: ACTIVE }, 4)).slice(0, activeNow.length));
    await shot(page, 'paging-2-live-while-paged');
  });

  it('scrolling to the end of the last list reads its next page by itself', async () => {
    await page.getByTestId('cancelled-tasks').locator('.load-more').scrollIntoViewIfNeeded();
    await settledPages(page, 'cancelled', 2);
    // What its pages read, and the task that moved in live before (newer than the first page's end).
    await expectReadPlus(victim);
  });

  it('a filter link opens the filtered view, paged by the server filter, with matching counts; changing a filter rewrites the link', async () => {
    const tab = await page.context().newPage();
    await tab.goto(`${seeded.server.url}/?status=failed&mine=1`);
    await settledPages(tab, 'failed', 1);
    await tab.locator('[data-count="failed"] .count-value', { hasText: /\d/ }).waitFor();
    expect(await tab.getByTestId('counts-scope').textContent()).toBe('Your tasks with status Failed');
    expect(await tab.getByRole('radio', { name: 'My tasks' }).isChecked()).toBe(true);
    expect(await tab.locator('[data-count="failed"]').getAttribute('aria-pressed')).toBe('true');
    const mine = await apiCounts({ scope: 'MINE' });
    expect(await cards(tab)).toEqual({ active: 0, completed: 0, failed: mine.failed, cancelled: 0, total: mine.failed });
    expect(mine.failed).toBeGreaterThan(2 * PAGE);
    expect(await shown(tab, 'failed')).toEqual(await apiPages({ scope: 'MINE', status: ['FAILED'] }, 1));
    for (const group of ['active', 'completed', 'cancelled']) {
      expect(await shown(tab, group)).toEqual([]);
      expect(await tab.getByTestId(`${group}-tasks`).textContent()).toContain('none of its statuses');
    }
    // Every shown task is Ada's and failed.
    const statuses = await tab.getByTestId('failed-tasks').locator('[data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['FAILED']));
    await shot(tab, 'paging-3-filter-link');
    await tab.getByTestId('failed-tasks').getByRole('button', { name: /^Load \d+ more$/ }).click();
    await settledPages(tab, 'failed', 2);
    const pages = await pagesRead(tab, 'failed');
    expect(await shown(tab, 'failed')).toEqual(await apiPages({ scope: 'MINE', status: ['FAILED'] }, pages));

    // Written back on change: another group card, then everyone's tasks.
    await tab.locator('[data-count="cancelled"]').click();
    await expect.poll(() => tab.evaluate(() => location.search)).toBe('?status=cancelled&mine=1');
    await tab.getByText('All tasks', { exact: true }).click();
    await expect.poll(() => tab.evaluate(() => location.search)).toBe('?status=cancelled');
    await settledPages(tab, 'cancelled', 1);
    expect(await shown(tab, 'cancelled')).toEqual(await apiPages({ status: ['CANCELLED'] }, 1));
    const all = await apiCounts();
    await expect.poll(() => cards(tab)).toEqual({ active: 0, completed: 0, failed: 0, cancelled: all.cancelled, total: all.cancelled });
    await tab.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => tab.evaluate(() => location.search)).toBe('');
    await tab.close();
    await page.context().close();
  });

});
