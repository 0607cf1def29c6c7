/**
 * The dashboard with 20,000 tasks (issue 14), searched and sorted: a search typed into the box is a
 * link, its lists are the server's ranked matches and its counts are exactly what paging reaches;
 * "Recently updated" is the API's order and a changed task moves first; a link to either opens the
 * same view. The seeding: tests/browser/paging-support.ts.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { hasChromium, signIn } from './harness.js';
import { ACTIVE, cards, GROUP_STATUSES, PAGE, readToEnd, seededDashboard, settledPages, shot, shown, TASKS, type Filter } from './paging-support.js';

describe.skipIf(!hasChromium)(`dashboard search and sort with ${TASKS.toLocaleString('en-US')} tasks`, { timeout: 90_000 }, () => {
  const seeded = seededDashboard();
  const { api, apiPages, apiCounts } = seeded;
  let page: Page;

  it('a search: typed (debounced) into the link, ranked lists, counts that are exactly what paging reaches, a clear button and an empty state', async () => {
    page = await signIn(await seeded.browser.newContext({ viewport: { width: 1360, height: 1000 } }), seeded.server.url, 'Ada', 'acme');
    for (const group of ['active', 'completed', 'failed', 'cancelled']) await settledPages(page, group, 1);
    const q = 'csv 1';
    await page.getByRole('searchbox', { name: 'Search tasks' }).fill(q);
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?q=csv+1');
    for (const group of ['active', 'completed', 'failed', 'cancelled']) await settledPages(page, group, 1);
    const counts = await apiCounts({ search: q });
    expect(counts.total).toBeGreaterThan(PAGE);
    expect(counts.total).toBeLessThan(TASKS / 8);
    await expect.poll(() => cards(page), { timeout: 10_000 }).toEqual(counts);
    const summary = page.getByTestId('search-summary');
    expect(await summary.getAttribute('data-matches')).toBe(String(counts.total));
    expect(await summary.textContent()).toContain(`${counts.total.toLocaleString('en-US')} tasks match “${q}”`);
    expect(await page.getByTestId('counts-scope').textContent()).toBe(`All tasks you can see in acme matching “${q}”`);
    // Each list: the API's ranked first page of the search with its statuses.
    for (const group of ['active', 'failed', 'cancelled']) {
      expect(await shown(page, group), group).toEqual(await apiPages({ status: GROUP_STATUSES[group], search: q }, 1));
    }
    await shot(page, 'search-1-ranked');
    // The count shown is the rows one can page through: read a list with more than a page to its end.
    const group = (['cancelled', 'failed', 'active'] as const).find((g) => counts[g] > PAGE && counts[g] <= 6 * PAGE)!;
    expect(group).toBeDefined();
    await readToEnd(page, group);
    const all = await shown(page, group);
    expect(all).toHaveLength(counts[group]);
    expect(new Set(all).size).toBe(counts[group]);
    expect(all).toEqual(await apiPages({ status: GROUP_STATUSES[group], search: q }, 100));
    expect(await page.getByTestId(`${group}-tasks-count`).getAttribute('data-count')).toBe(String(counts[group]));
    await shot(page, 'search-2-read-to-end', `${group}-tasks`);

    // Live: a new matching task is listed and counted.
    const created = (await api(`mutation($t: String!, $d: String!) { createTask(input: { title: $t, description: $d }) { id } }`, {
      t: 'Speed up CSV export #1 live',
      d: CLEAR_DESCRIPTION,
    })).createTask.id as string;
    await expect.poll(async () => (await shown(page, 'active')).includes(created), { timeout: 5000 }).toBe(true);
    await expect.poll(async () => (await cards(page)).total, { timeout: 5000 }).toBe(counts.total + 1);

    // Nothing matches: the empty state; the clear button goes back to every task.
    await page.getByRole('searchbox', { name: 'Search tasks' }).fill('zzzznothing');
    await page.getByTestId('no-matches').waitFor();
    expect(await page.getByTestId('no-matches').textContent()).toBe('No tasks match “zzzznothing”.');
    expect(await cards(page)).toEqual({ active: 0, completed: 0, failed: 0, cancelled: 0, total: 0 });
    await shot(page, 'search-3-no-matches');
    await page.getByRole('button', { name: 'Clear search' }).click();
    await expect.poll(() => page.evaluate(() => location.search)).toBe('');
    expect(await page.getByRole('searchbox', { name: 'Search tasks' }).inputValue()).toBe('');
    await settledPages(page, 'active', 1);
    expect(await shown(page, 'active')).toEqual(await apiPages({ status: ACTIVE }, 1));
  });

  it('sort by latest change: the order of the API, a changed task moves first (and stays in place by creation)', async () => {
    await page.getByText('Recently updated', { exact: true }).click();
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?sort=updated');
    for (const group of ['active', 'completed', 'failed', 'cancelled']) await settledPages(page, group, 1);
    for (const group of ['active', 'failed']) {
      expect(await shown(page, group), group).toEqual(await apiPages({ status: GROUP_STATUSES[group] }, 1, 'UPDATED'));
    }
    await page.getByTestId('active-tasks').getByRole('button', { name: /^Load \d+ more$/ }).click();
    await settledPages(page, 'active', 2);
    expect(await shown(page, 'active')).toEqual(await apiPages({ status: ACTIVE }, 2, 'UPDATED'));
    await shot(page, 'sort-1-updated');
    // One of Ada's tasks waiting for answers, far down by latest change: answered, it moves first.
    const { tasks } = await api<{ tasks: { nodes: { id: string; openQuestions: string[] }[] } }>(
      `query { tasks(filter: { scope: MINE, status: [NEEDS_CLARIFICATION] }, first: 50, sort: UPDATED) { nodes { id status openQuestions } pageInfo { hasNextPage endCursor } cursor } }`,
    );
    const before = await shown(page, 'active');
    const moved = tasks.nodes.filter((n) => !before.slice(0, 10).includes(n.id)).at(-1)!;
    expect(moved).toBeDefined();
    const createdOrder = await apiPages({ status: ACTIVE }, 1);
    await api(`mutation($id: ID!, $a: [String!]!) { answerClarification(taskId: $id, answers: $a) { id } }`, {
      id: moved.id,
      a: moved.openQuestions.map(() => CLEAR_DESCRIPTION),
    });
    await expect.poll(async () => (await shown(page, 'active'))[0], { timeout: 5000 }).toBe(moved.id);
    // And it is where the API puts it, the rest in the API's order.
    await expect.poll(async () => (await apiPages({ status: ACTIVE }, 1, 'UPDATED'))[0], { timeout: 5000 }).toBe(moved.id);
    const now = await shown(page, 'active');
    expect(new Set(now).size).toBe(now.length);
    expect(now.slice(0, PAGE)).toEqual(await apiPages({ status: ACTIVE }, 1, 'UPDATED'));
    // By creation it keeps its place: the created order's first page is unchanged by the answer.
    expect(await apiPages({ status: ACTIVE }, 1)).toEqual(createdOrder);
    await shot(page, 'sort-2-changed-moves-first');
  });

  it('a link to a search or a sort opens the same view in a new page', async () => {
    // "Rate-limit the public API #2…": some of them failed (every 12th task, counted from the 6th).
    await page.getByRole('searchbox', { name: 'Search tasks' }).fill('rate 2');
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?q=rate+2&sort=updated');
    await page.locator('[data-count="failed"]').click();
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?q=rate+2&status=failed&sort=updated');
    await settledPages(page, 'failed', 1);
    const failed = (await apiCounts({ search: 'rate 2' })).failed;
    expect(failed).toBeGreaterThan(0);
    await expect.poll(async () => (await cards(page)).total).toBe(failed);
    expect(await shown(page, 'failed')).toHaveLength(Math.min(PAGE, failed));
    for (const link of [page.url(), `${seeded.server.url}/?sort=updated&mine=1`]) {
      const tab = await page.context().newPage();
      await tab.goto(link);
      for (const group of ['active', 'completed', 'failed', 'cancelled']) {
        if ((await tab.getByTestId(`${group}-tasks`).getAttribute('class'))?.includes('excluded')) continue;
        await settledPages(tab, group, 1);
      }
      await tab.locator('[data-count="total"] .count-value', { hasText: /\d/ }).waitFor();
      const search = new URL(link).searchParams;
      expect(await tab.getByRole('searchbox', { name: 'Search tasks' }).inputValue()).toBe(search.get('q') ?? '');
      expect(await tab.getByRole('radio', { name: 'Recently updated' }).isChecked()).toBe(!search.get('q'));
      const filter: Filter = { ...(search.get('q') ? { search: search.get('q')! } : {}), ...(search.get('mine') ? { scope: 'MINE' } : {}) };
      const counts = await apiCounts(filter);
      for (const group of search.get('status') ? ['failed'] : ['active', 'failed', 'cancelled']) {
        const want = await apiPages({ ...filter, status: GROUP_STATUSES[group] }, 1, search.get('q') ? 'CREATED' : 'UPDATED');
        expect(await shown(tab, group), `${link} ${group}`).toEqual(want);
      }
      if (!search.get('status')) expect(await cards(tab)).toEqual(counts);
      if (link === page.url()) {
        expect(await shown(tab, 'failed')).toEqual(await shown(page, 'failed'));
        expect(await cards(tab)).toEqual(await cards(page));
        await shot(tab, 'share-1-search-link');
      }
      await tab.close();
    }
    await page.context().close();
  });
});
