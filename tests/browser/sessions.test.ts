/**
 * Issue 16 in Chromium: a worker running `--exec` with a script that prints iterations and usage,
 * watched on the task page of the server started as the README starts it. The cost rises live,
 * the task is held at its budget (the session ends "budget reached"), and raising the budget in
 * the page puts it back to work as a second session. Screenshots under test-results/screens.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gqlOk } from '../utils/server.js';
import { spawnWorker } from '../utils/worker.js';
import { freePort, hasChromium, launch, screenshot, signIn, startReadmeServer, type ReadmeServer } from './harness.js';

describe.skipIf(!hasChromium)('sessions, usage and budgets in Chromium', { timeout: 120_000 }, () => {
  let server: ReadmeServer;
  let browser: Browser;
  const processes: ChildProcess[] = [];

  beforeAll(async () => {
    server = await startReadmeServer(await freePort(), mkdtempSync(join(tmpdir(), 'conveyor-sessions-browser-')));
    browser = await launch();
  }, 180_000);
  afterEach(() => {
    for (const p of processes.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the cost rises live, the task is held at its budget and resumes when it is raised in the page', async () => {
    const token = (await gqlOk(server, `mutation { devSignIn(name: "Ada", org: "acme") { token } }`, {})).devSignIn.token as string;
    // Each step costs 0.002 and 700 tokens; a budget of 0.005 is reached at the third.
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-agent-'));
    writeFileSync(
      join(dir, 'agent.sh'),
      [
        'for i in $(seq 1 12); do',
        '  echo "compiling step $i with key sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz$i"',
        '  echo "warning $i" >&2',
        '  echo "conveyor:iteration step $i"',
        `  echo 'conveyor:usage {"inputTokens":500,"outputTokens":200,"costMicros":2000,"model":"gpt-test"}'`,
        '  sleep 0.7',
        'done',
      ].join('\n'),
    );
    const worker = await spawnWorker(server.url, 'llm-agent', token, ['--heartbeat', '300', '--exec', `sh ${join(dir, 'agent.sh')}`], processes);

    const page = await signIn(await browser.newContext({ viewport: { width: 1280, height: 1400 } }), server.url, 'Ada', 'acme');
    const { createTask } = await gqlOk(
      server,
      `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
      { input: { title: 'Refactor the billing module', description: CLEAR_DESCRIPTION, budgetMicros: 5_000 } },
      token,
    );
    await page.goto(`${server.url}/#/tasks/${createTask.id}`);
    const cost = page.getByTestId('task-cost');
    await cost.waitFor();

    // Live: the cost shown rises while the agent works, without a reload.
    const seen = new Set<string>();
    await eventually(async () => {
      seen.add(await cost.innerText());
      return seen.has('0.0020') && seen.has('0.0040');
    }, 20_000);
    // The log follows as the command prints, secrets masked, stderr marked.
    const log = page.getByRole('log', { name: 'Task log' });
    await log.locator('.log-line', { hasText: 'compiling step 2' }).waitFor({ timeout: 10_000 });
    expect(await log.getAttribute('data-following')).toBe('true');
    expect(await log.innerText()).not.toContain('sk-proj');
    expect(await log.locator('.log-line', { hasText: 'compiling step 1 with key [masked]' }).count()).toBe(1);
    expect(await log.locator('.log-stderr', { hasText: 'warning 1' }).count()).toBe(1);
    await screenshot(page, 'sessions-1-running');
    await page.locator('[data-status="HELD"]').first().waitFor({ timeout: 20_000 });
    expect(await cost.innerText()).toBe('0.0060');
    const firstRow = page.getByTestId('sessions').locator('tbody tr').first();
    expect(await firstRow.getAttribute('data-outcome')).toBe('BUDGET');
    expect(await firstRow.innerText()).toContain('budget reached');
    expect(await page.getByTestId('held').innerText()).toMatch(/budget reached.*raise its budget/i);
    expect(await page.getByRole('meter').getAttribute('aria-valuenow')).toBe('100');
    await screenshot(page, 'sessions-2-held');
    await eventually(async () => /taken back by the server \(held: budget reached\)/.test(worker.output()), 5_000);
    // The lines printed before the report that reached the budget are in the session's log.
    const firstLog = (await gqlOk(server, `query($t: ID!) { taskLogs(taskId: $t, attempt: 1) { lines { text } } }`, { t: createTask.id }, token)).taskLogs.lines.map((l: { text: string }) => l.text);
    expect(firstLog).toContain('compiling step 3 with key [masked]');

    // A typo gets a clear message and changes nothing; a real raise puts it back to work.
    await page.getByLabel('New budget').fill('1,5');
    await page.getByRole('button', { name: 'Set budget' }).click();
    await page.getByRole('alert').filter({ hasText: 'Type an amount like 2.50' }).waitFor();
    expect(await page.getByTestId('task-budget').innerText()).toBe('0.0050');
    await page.getByLabel('New budget').fill('1.00');
    await page.getByRole('button', { name: 'Set budget' }).click();
    await eventually(async () => (await page.getByTestId('task-budget').innerText()) === '1.00', 10_000);
    await eventually(async () => (await page.getByTestId('sessions').locator('tbody tr').count()) === 2, 20_000);
    const current = page.getByTestId('sessions').locator('tbody tr').first();
    expect(await current.getAttribute('data-outcome')).toBe('RUNNING');
    await eventually(async () => Number(await cost.innerText()) >= 0.01, 20_000);
    expect(await page.locator('.timeline [data-type="RESUMED"]').count()).toBe(1);
    expect(await page.locator('.timeline [data-type="BUDGET_WARNING"]').count()).toBe(1);
    // Paused, the log stops following and counts what arrives; Follow catches up.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: /Follow \(\d+ new\)/ }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: /Follow/ }).click();
    expect(await log.getAttribute('data-following')).toBe('true');
    await screenshot(page, 'sessions-3-resumed');
    // After a reload the whole log is there again, once: both sessions' lines, in order.
    await page.reload();
    await log.locator('.log-line', { hasText: 'compiling step 1 ' }).first().waitFor({ timeout: 10_000 });
    const texts = await log.locator('.log-line .log-text').allInnerTexts();
    expect(texts.filter((t) => t.startsWith('compiling step 1 ')).length).toBe(2); // once per session
    expect(new Set(await log.locator('.log-line').evaluateAll((els) => els.map((e) => e.getAttribute('data-cursor')))).size).toBe(texts.length);

    // The agent's page: its sessions, the running one first.
    await page.getByRole('link', { name: 'Agents' }).click();
    const rows = page.getByTestId('agent-sessions').locator('tbody tr');
    await eventually(async () => (await rows.count()) === 2, 10_000);
    expect(await rows.first().innerText()).toContain('Refactor the billing module');
    expect([await rows.nth(0).getAttribute('data-outcome'), await rows.nth(1).getAttribute('data-outcome')]).toEqual(['RUNNING', 'BUDGET']);
    await page.getByTestId('backlog').waitFor();
    expect(await page.getByTestId('backlog').innerText()).toMatch(/^0 tasks waiting for an agent/);
    await screenshot(page, 'sessions-4-agent');

    // The org's activity feed: the budget's story among the rest, newest first, filterable.
    await page.getByRole('link', { name: 'Activity' }).click();
    const feed = page.getByTestId('activity');
    await feed.locator('[data-type="BUDGET_REACHED"]').waitFor({ timeout: 10_000 });
    await page.getByLabel('Event type').selectOption('RESUMED');
    await feed.locator('li').first().waitFor();
    expect(await feed.locator('li').count()).toBe(1);
    expect(await feed.locator('li').first().innerText()).toContain('Refactor the billing module');
    await page.getByLabel('Event type').selectOption('');
    await feed.locator('[data-type="USAGE_REPORTED"]').first().waitFor();
    await screenshot(page, 'sessions-5-activity');
    worker.process.kill('SIGINT');
    await worker.exited;
  });

  it('a failed task shows its code, details and the lines before it; the dashboard counts the day\'s failures by code', async () => {
    const token = (await gqlOk(server, `mutation { devSignIn(name: "Ada", org: "acme") { token } }`, {})).devSignIn.token as string;
    const failing = await spawnWorker(server.url, 'ci-runner', token, ['--heartbeat', '300', '--exec', 'echo "npm test"; echo "  ✗ login redirects (expected 302, got 500)" >&2; exit 1'], processes);
    const page = await signIn(await browser.newContext({ viewport: { width: 1280, height: 1100 } }), server.url, 'Ada', 'acme');
    const { createTask } = await gqlOk(server, `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`, { input: { title: 'Fix the login redirect', description: CLEAR_DESCRIPTION } }, token);
    await page.goto(`${server.url}/#/tasks/${createTask.id}`);
    const failure = page.getByTestId('failure');
    await failure.waitFor({ timeout: 20_000 });
    expect(await failure.getAttribute('data-code')).toBe('EXIT_CODE');
    await failure.getByLabel('Last lines before the failure').locator('.log-line', { hasText: 'login redirects' }).waitFor({ timeout: 5_000 });
    expect(await failure.innerText()).toContain('"exitCode": 1');
    await screenshot(page, 'sessions-6-failure');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    const summary = page.getByTestId('error-summary');
    await summary.locator('[data-code="EXIT_CODE"]').waitFor({ timeout: 10_000 });
    expect(await summary.innerText()).toContain('command exited with code 1');
    await screenshot(page, 'sessions-7-errors');
    failing.process.kill('SIGINT');
    await failing.exited;
  });
});
