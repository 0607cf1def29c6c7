/**
 * The dashboard in a real browser against the real server started as the README starts it.
 * Every test saves screenshots under test-results/screens.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, gqlOk } from '../utils/server.js';
import { freePort, hasChromium, launch, recordStatusChanges, screenshot, signIn, startReadmeServer, statusLog, type ReadmeServer } from './harness.js';

describe.skipIf(!hasChromium)('dashboard in Chromium', { timeout: 90_000 }, () => {
  let server: ReadmeServer;
  let browser: Browser;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'conveyor-browser-'));
    server = await startReadmeServer(port, dataDir);
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function apiToken(name: string, org: string): Promise<string> {
    return (await gqlOk(server, `mutation($n: String!, $o: String!) { devSignIn(name: $n, org: $o) { token } }`, { n: name, o: org })).devSignIn.token;
  }
  async function timeline(token: string, id: string) {
    return (await gqlOk(server, `query($id: ID!) { timeline(taskId: $id) { version type at state } }`, { id }, token)).timeline as {
      version: number;
      type: string;
      at: string;
      state: unknown;
    }[];
  }
  async function createViaUi(page: Page, title: string, description: string, isPrivate = false) {
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill(description);
    if (isPrivate) await page.getByLabel(/Private/).check();
    await page.getByRole('button', { name: 'Create task' }).click();
    const card = page.locator('[data-task-id]', { hasText: title }).first();
    await card.waitFor();
    return (await card.getAttribute('data-task-id'))!;
  }

  it('1. a teammate sees a new task appear and move through statuses within 1 s of each commit', async () => {
    const a = await signIn(await browser.newContext(), server.url, 'Alice', 'acme');
    const b = await signIn(await browser.newContext(), server.url, 'Bob', 'acme');
    await recordStatusChanges(b);
    const id = await createViaUi(a, 'Make the export faster', 'speed it up');
    // Vague description → the analyzer asks questions. Alice answers through the API.
    const aliceToken = await apiToken('Alice', 'acme');
    await eventually(async () => (await timeline(aliceToken, id)).some((e) => e.type === 'CLARIFICATION_REQUESTED'));
    await new Promise((r) => setTimeout(r, 300)); // a person takes a moment to answer
    const questions: string[] = (await gqlOk(server, `query($id: ID!) { task(id: $id) { openQuestions } }`, { id }, aliceToken)).task.openQuestions;
    await gqlOk(server, `mutation($id: ID!, $a: [String!]!) { answerClarification(taskId: $id, answers: $a) { id } }`,
      { id, a: questions.map((_, i) => `Answer ${i + 1}: exporting 10k rows to CSV must take under 2 seconds`) }, aliceToken);
    await b.locator(`[data-task-id="${id}"] [data-status="DISPATCHED"]`).waitFor({ timeout: 5000 });
    await screenshot(b, '1-teammate-sees-task');

    const commits = await timeline(aliceToken, id);
    const seen = (await statusLog(b)).filter((s) => s.id === id);
    // The status changes as committed: RECEIVED, ANALYZING, NEEDS_CLARIFICATION, ANALYZING, DISPATCHED.
    const changes = commits
      .map((c) => ({ status: statusFromState(c.state), at: Date.parse(c.at), version: c.version }))
      .filter((c, i, all) => i === 0 || c.status !== all[i - 1].status);
    expect(changes.map((c) => c.status)).toEqual(['RECEIVED', 'ANALYZING', 'NEEDS_CLARIFICATION', 'ANALYZING', 'DISPATCHED']);
    // Place each status Bob's page showed on the committed sequence (a status may repeat, e.g.
    // ANALYZING twice); every observation must fit the sequence in order: nothing uncommitted,
    // nothing backwards.
    const positions: { pos: number; at: number }[] = [];
    let pointer = 0;
    for (const shown of seen) {
      const pos = changes.findIndex((c, j) => j >= pointer && c.status === shown.status);
      expect(pos, `${shown.status} shown out of order (${seen.map((x) => x.status).join(' → ')})`).toBeGreaterThanOrEqual(0);
      positions.push({ pos, at: shown.at });
      pointer = pos;
    }
    // Within 1 s of every commit the page showed that status or a later one (two commits inside
    // one frame render only the later one; nobody reloaded).
    for (let i = 0; i < changes.length; i++) {
      const first = positions.find((p) => p.pos >= i);
      expect(first, `v${changes[i].version} ${changes[i].status} (or later) never shown`).toBeDefined();
      expect(first!.at - changes[i].at, `v${changes[i].version} ${changes[i].status}`).toBeLessThan(1000);
    }
    expect(positions.at(-1)!.pos).toBe(changes.length - 1);
    await a.context().close();
    await b.context().close();
  });

  it('2. clarification round-trip from the detail page through to dispatched, issue link appears', async () => {
    const page = await signIn(await browser.newContext(), server.url, 'Carol', 'acme');
    const id = await createViaUi(page, 'Fix the login', 'fix it');
    await page.locator(`[data-task-id="${id}"] a`).first().click();
    const form = page.getByTestId('clarification-form');
    await form.waitFor();
    const fields = form.locator('textarea');
    const count = await fields.count();
    expect(count).toBeGreaterThan(0);
    await screenshot(page, '2a-questions');
    for (let i = 0; i < count; i++) await fields.nth(i).fill(`Answer ${i + 1}: the login form rejects valid passwords containing spaces`);
    const submit = page.getByRole('button', { name: 'Submit answers' });
    await submit.click();
    await expect.poll(async () => (await submit.isVisible()) ? await submit.isDisabled() : true).toBe(true);
    await page.getByTestId('issue-link').waitFor({ timeout: 5000 });
    const link = page.getByTestId('issue-link');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await expect.poll(() => page.locator('.task-header [data-status]').getAttribute('data-status')).toBe('DISPATCHED');
    // No worker runs in this server: the orchestrator records why the task waits, and the page says it.
    await page.getByTestId('timeline').locator('li[data-type="WAITING"]').waitFor({ timeout: 5000 });
    const types = await page.getByTestId('timeline').locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-type')));
    expect(types).toEqual(['CREATED', 'ANALYSIS_STARTED', 'CLARIFICATION_REQUESTED', 'CLARIFICATION_ANSWERED', 'DISPATCHED', 'ISSUE_OPENED', 'WAITING']);
    expect(await page.getByTestId('waiting').textContent()).toMatch(/^Waiting \d+ s: no agent of acme is online\. It is assigned as soon as a worker/);
    // The diagram has drawn its edges (attached: a straight vertical edge has zero width).
    // Edges are drawn after live updates re-highlight the diagram (a regression caught here).
    await page.locator('.react-flow__edge').first().waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('.react-flow__edge').count()).toBeGreaterThan(10);
    await screenshot(page, '2b-dispatched-with-issue');
    await page.context().close();
  });

  it('3. another org, and a non-creator of a private task, never see it', async () => {
    const owner = await signIn(await browser.newContext(), server.url, 'Dana', 'acme');
    const teammate = await signIn(await browser.newContext(), server.url, 'Eli', 'acme');
    const outsider = await signIn(await browser.newContext(), server.url, 'Finn', 'globex');
    const publicId = await createViaUi(owner, 'Team-visible task', 'Add pagination to the audit log table with 50 rows per page.');
    const privateId = await createViaUi(owner, 'Secret task', 'Rotate the staging database credentials and update the vault.', true);
    await teammate.locator(`[data-task-id="${publicId}"]`).waitFor();
    await new Promise((r) => setTimeout(r, 1000)); // time for anything wrongly streamed to show up
    expect(await teammate.locator(`[data-task-id="${privateId}"]`).count()).toBe(0);
    expect(await outsider.locator(`[data-task-id="${publicId}"]`).count()).toBe(0);
    expect(await outsider.locator(`[data-task-id="${privateId}"]`).count()).toBe(0);
    expect(await outsider.getByText('Secret task').count()).toBe(0);
    // Deep links do not reveal them either.
    await outsider.goto(`${server.url}/#/tasks/${publicId}`);
    await outsider.getByText('Task not found').waitFor();
    await teammate.goto(`${server.url}/#/tasks/${privateId}`);
    await teammate.getByText('Task not found').waitFor();
    await screenshot(outsider, '3a-outsider');
    await screenshot(teammate, '3b-teammate-private-link');
    for (const p of [owner, teammate, outsider]) await p.context().close();
  });

  it('5. the diagram highlights the current state and follows a live transition', async () => {
    const page = await signIn(await browser.newContext(), server.url, 'Gus', 'acme');
    const id = await createViaUi(page, 'Diagram check', 'tweak');
    await page.goto(`${server.url}/#/tasks/${id}`);
    const current = page.locator('[data-current="true"]');
    await expect.poll(() => current.first().getAttribute('data-state-id'), { timeout: 10_000 }).toBe('task.active.needs_clarification');
    await screenshot(page, '5a-diagram-needs-clarification');
    const token = await apiToken('Gus', 'acme');
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, token);
    await expect.poll(() => current.first().getAttribute('data-state-id'), { timeout: 5000 }).toBe('task.cancelled');
    expect(await page.locator('[data-state-id="task.active.needs_clarification"][data-visited="true"]').count()).toBe(1);
    await screenshot(page, '5b-diagram-cancelled');
    await page.context().close();
  });

  it('4. server stopped and restarted while the page is open: reconnecting, then resumes with the missed transitions once, in order', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, server.url, 'Hana', 'acme');
    const id = await createViaUi(page, 'Survive a restart', 'Add a retry button to failed exports in the reports page.');
    await page.goto(`${server.url}/#/tasks/${id}`);
    await page.locator('[data-testid="timeline"] li[data-type="ISSUE_OPENED"]').waitFor();
    await server.stop();
    await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('offline-banner').waitFor();
    await screenshot(page, '4a-reconnecting');

    // Keep the page away while the server comes back and changes happen, then let it back.
    await context.setOffline(true);
    server = await startReadmeServer(port, dataDir);
    const token = await apiToken('Hana', 'acme');
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, token);
    const other = (await gqlOk(server, `mutation { createTask(input: { title: "Made while away", description: "Add CSV export to the invoices list with all visible columns." }) { id } }`, {}, token)).createTask.id;
    await context.setOffline(false);

    await page.locator('[data-connection="live"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="timeline"] li[data-type="CANCELLED"]').waitFor({ timeout: 10_000 });
    const versions = await page.getByTestId('timeline').locator('li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-version'))));
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1)); // once each, in order
    expect(await page.locator('.task-header [data-status]').getAttribute('data-status')).toBe('CANCELLED');
    await screenshot(page, '4b-resumed');
    await page.goto(`${server.url}/#/`);
    await page.locator(`[data-task-id="${other}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`[data-task-id="${other}"]`).count()).toBe(1);
    await screenshot(page, '4c-dashboard-after-restart');
    await context.close();
  });
});

/** Status from a task state value: `{ active: { dispatched: 'ready' } }` → DISPATCHED. */
function statusFromState(state: unknown): string {
  let value = state;
  if (value && typeof value === 'object' && 'active' in value) value = (value as { active: unknown }).active;
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0];
  return top.toUpperCase();
}
