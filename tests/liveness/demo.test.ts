/**
 * Issue 12, "the pipeline never wedges", end to end: `conveyor demo` (compiled, as `npm start`
 * and the soak run it) with its workers, users and simulated GitHub, watched for
 * LIVENESS_SECONDS (default 130) by `conveyor check` signed in as every demo user — no mocks.
 * The demo's output is piped into the checker (`--log -`), so a worker's `  ! task …` line is a
 * violation there too.
 *
 * Passes only with zero violations, no failure line in the demo's output, merged tasks in both
 * orgs, a private task of each org that reached a pull request (a worker could read and finish
 * it), vague tasks answered and simulated failures, and the summary printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failureInLine } from '../../src/liveness/log-lines.js';
import type { CheckerSummary } from '../../src/liveness/checker.js';
import { freePort } from '../utils/ports.js';
import { buildServer, DEMO_RUNNING, runProcess, userEnv } from '../utils/process.js';

const SECONDS = Number(process.env.LIVENESS_SECONDS ?? 130);
const USERS = ['Ada@acme', 'Grace@acme', 'Linus@acme', 'Margaret@globex', 'Dennis@globex'];
/**
 * Small pages, so the CI run pages (Ada sees ~40 tasks by the end) and every counts comparison
 * needs several requests at one log cursor; a long run reads bigger pages, so a sample of a few
 * hundred tasks per user still takes well under its second.
 */
const PAGE_SIZE = SECONDS > 300 ? 200 : 20;
const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-liveness-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe(`conveyor demo under conveyor check for ${SECONDS} s`, () => {
  it('never wedges: every invariant holds, work flows in both orgs, private tasks included', async () => {
    buildServer();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const demo = runProcess(
      process.execPath,
      ['--enable-source-maps', 'dist/src/cli/index.js', 'demo', '--port', String(port), '--data-dir', join(dataDir, 'demo'), '--every', '2000', '--workers', '3'],
      { env: userEnv({ LOG_LEVEL: 'warn' }) },
    );
    const json = join(dataDir, 'check.json');
    try {
      await demo.waitFor(DEMO_RUNNING, 30_000);

      const check = runProcess(
        process.execPath,
        ['--enable-source-maps', 'dist/src/cli/index.js', 'check', '--url', url, ...USERS.flatMap((u) => ['--user', u]), '--duration', `${SECONDS}s`, '--page-size', String(PAGE_SIZE), '--log', '-', '--json', json],
        { stdin: 'pipe' },
      );
      // Everything the demo prints from now on goes to the checker as well (what came before too).
      const stdin = check.child.stdin!;
      stdin.write(demo.output());
      const forward = (c: Buffer) => stdin.writable && stdin.write(c);
      demo.child.stdout!.on('data', forward);
      demo.child.stderr!.on('data', forward);
      const code = await check.exited;
      demo.child.stdout!.off('data', forward);
      demo.child.stderr!.off('data', forward);
      const checkOut = check.output();
      const demoOut = demo.output();
      console.log(checkOut.split('\n').filter((l) => /liveness summary|^\S+ {3}\S/.test(l)).join('\n'));

      expect(code, checkOut).toBe(0);
      const { pass, summary } = JSON.parse(readFileSync(json, 'utf8')) as { pass: boolean; summary: CheckerSummary };
      expect(pass, checkOut).toBe(true);
      expect(summary.violationList).toEqual([]);
      expect(summary.sampleErrors).toBe(0);
      expect(summary.durationSeconds).toBeGreaterThanOrEqual(SECONDS - 5);
      expect(summary.samples).toBeGreaterThanOrEqual(SECONDS * 0.8);

      // No failure line anywhere in the demo's output (the checker saw it too).
      expect(demoOut.split('\n').filter((l) => failureInLine(l))).toEqual([]);

      // The figures: work in both orgs, private tasks finished by workers, every kind of path.
      for (const org of ['acme', 'globex']) {
        const o = summary.byOrg[org];
        expect(o, org).toBeDefined();
        expect(o.merged, `${org} merged`).toBeGreaterThan(0);
        expect(o.privateTasks, `${org} private tasks`).toBeGreaterThan(0);
        expect(o.privateReachedPr, `${org}: a private task that reached PR_OPEN or MERGED`).toBeGreaterThanOrEqual(1);
      }
      expect(summary.worked).toBeGreaterThan(SECONDS / 4);
      expect(summary.failed).toBeGreaterThan(0);
      expect(summary.clarificationsAnswered).toBeGreaterThan(0);
      expect(summary.counts.compared).toBeGreaterThan(SECONDS);
      expect(summary.longestIdleWait.seconds).toBeLessThanOrEqual(10);

      // The summary, as printed.
      expect(checkOut).toMatch(/liveness summary: [\d.]+ s, \d+ samples/);
      expect(checkOut).toMatch(/tasks created: \d+ .* worked: \d+ · merged: \d+ · failed: \d+/);
      expect(checkOut).toMatch(/longest wait of a workable task while an eligible agent was idle: [\d.]+ s/);
      expect(checkOut).toMatch(/violations: 0/);
    } finally {
      await demo.stop('SIGTERM', 15_000);
    }
  }, (SECONDS + 120) * 1000);
});
