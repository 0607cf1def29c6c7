/**
 * The dashboard when its cursor expired (issue 14): the page is away (offline) while the server,
 * started as the README starts it with RETENTION_DAYS of about a second and a pass every 300 ms,
 * archives what happened meanwhile. Back online, its task stream resumes from a cursor below
 * the log horizon and gets CURSOR_EXPIRED: the page reads its lists again and goes on live from
 * the new read's cursor, showing what happened while it was away, and never sends the expired
 * cursor again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANCEL, CLEAR_DESCRIPTION, CREATE_TASK } from '../utils/documents.js';
import { eventually, gqlOk, sleep } from '../utils/server.js';
import { freePort, hasChromium, launch, screenshot, signIn, startReadmeServer, type ReadmeServer } from './harness.js';

const RETENTION = { RETENTION_DAYS: '0.0000116', RETENTION_INTERVAL_MS: '300' };

describe.skipIf(!hasChromium)('dashboard after CURSOR_EXPIRED', { timeout: 120_000 }, () => {
  let server: ReadmeServer;
  let browser: Browser;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'conveyor-browser-retention-'));
    server = await startReadmeServer(port, dataDir, RETENTION);
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const token = async () => (await gqlOk(server, `mutation { devSignIn(name: "Ada", org: "acme") { token } }`)).devSignIn.token as string;
  const create = async (auth: string, title: string) =>
    (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION } }, auth)).createTask.id as string;

  it('reads its lists again and goes on live instead of retrying the expired cursor', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, server.url, 'Ada', 'acme');
    /** The `after` of every taskUpdated subscription the page sends. */
    const resumes: (string | null)[] = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; payload?: { query?: string; variables?: { after?: string | null } } };
        if (message.type === 'subscribe' && message.payload?.query?.includes('taskUpdated')) resumes.push(message.payload.variables?.after ?? null);
      }),
    );
    const seen = await create(await token(), 'Seen live');
    await page.locator(`[data-task-id="${seen}"]`).waitFor({ timeout: 15_000 });

    // Away while the server restarts and the log moves on past what it keeps.
    await server.stop();
    await context.setOffline(true);
    server = await startReadmeServer(port, dataDir, RETENTION);
    const auth = await token();
    const away = await create(auth, 'Made while away');
    await eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { status } }`, { id: away }, auth)).task.status === 'DISPATCHED', 10_000);
    await gqlOk(server, CANCEL, { taskId: away }, auth);
    const queued = await create(auth, 'Still queued');
    // Archived once a pass saw it older than a second: its timeline is compact (no payloads).
    await eventually(async () => {
      const { timeline } = await gqlOk(server, `query($id: ID!) { timeline(taskId: $id) { payload } }`, { id: away }, auth);
      return (timeline as { payload: unknown }[]).every((e) => e.payload === null);
    }, 15_000);
    const mark = resumes.length;
    await context.setOffline(false);

    await page.locator('[data-connection="live"]').waitFor({ timeout: 20_000 });
    await page.locator(`[data-group="cancelled"] [data-task-id="${away}"]`).waitFor({ timeout: 15_000 });
    await page.locator(`[data-group="active"] [data-task-id="${queued}"]`).waitFor({ timeout: 15_000 });
    await screenshot(page, 'retention-after-expired');
    // And live from there on.
    const after = await create(auth, 'After the re-read');
    await page.locator(`[data-task-id="${after}"]`).waitFor({ timeout: 15_000 });
    await sleep(1500);
    // The expired cursor went out once when the socket came back, never again: then the re-read's.
    const later = resumes.slice(mark);
    expect(later.length).toBe(2);
    expect(Number(later[1])).toBeGreaterThan(Number(later[0]));
    expect(await page.getByRole('alert').filter({ hasText: 'Could not load tasks' }).count()).toBe(0);
    await context.close();
  });
});
