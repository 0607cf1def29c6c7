/**
 * `npm run soak` for one minute, so the soak command never rots: the demo load plus dashboard
 * subscribers must run clean — nothing lost or reordered, no error, no memory growth over the
 * second half beyond the bound, no liveness violation (work keeps moving: src/liveness/) — and
 * leave a JSON report and an SVG plot of the expected shape. And a stalled pipeline fails it: the
 * same soak on a server whose stuck watch gives every task back before its worker reports (a
 * livelock: no error anywhere, nothing ever finishes) exits 1 naming the tasks and agents.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runToExit, userEnv } from '../utils/process.js';

/** `npm run soak -- <args>` in a user's environment (with `env` on top), run to its end. */
const soak = (args: string[], env: Record<string, string> = {}) => runToExit(process.execPath, ['--import', 'tsx', 'bench/soak.ts', ...args], { env: userEnv(env) });

describe('npm run soak -- --duration 60s', () => {
  it('runs the demo load with subscribers for a minute and passes its own checks', async () => {
    const { code, output: out } = await soak(['--duration', '60s', '--sample', '2', '--subscribers', '30']);
    expect(code, out).toBe(0);
    const file = /wrote (\S+\.json)/.exec(out)?.[1];
    expect(file, out).toBeTruthy();

    const report = JSON.parse(readFileSync(file!, 'utf8'));
    expect(report).toMatchObject({ pass: true, failures: [], settings: { duration: '60s', subscribers: 30, sampleSeconds: 2 } });
    expect(report.summary).toMatchObject({ subscribers: 30, checkedSubscribers: 30, lost: 0, extra: 0, outOfOrder: 0, timelineMismatches: 0, serverErrors: 0, clientErrors: 0, demoErrors: 0, livenessViolations: 0 });
    // The liveness checker watched the whole minute, as every user, and found work moving.
    expect(report.liveness).toMatchObject({ violations: 0, violationList: [], sampleErrors: 0 });
    expect(report.liveness.samples).toBeGreaterThanOrEqual(50);
    expect(report.liveness.worked).toBeGreaterThan(5);
    expect(report.liveness.merged).toBeGreaterThan(0);
    expect(report.liveness.counts.compared).toBeGreaterThan(0);
    expect(report.liveness.longestIdleWait.seconds).toBeLessThanOrEqual(10);
    expect(out).toMatch(/\[soak\] liveness summary: /);
    expect(report.summary.deliveries).toBeGreaterThan(0);
    expect(report.summary.events).toBeGreaterThan(0);
    expect(report.summary.timelinesChecked).toBeGreaterThan(0);
    // A sample every 2 s for a minute, each with every figure the plot draws.
    expect(report.samples.length).toBeGreaterThanOrEqual(25);
    for (const sample of report.samples) {
      expect(sample).toEqual({
        t: expect.any(Number),
        connections: expect.any(Number),
        subscriptions: expect.any(Number),
        deliveriesPerSecond: expect.any(Number),
        serverMessagesPerSecond: expect.any(Number),
        heapUsedBytes: expect.any(Number),
        rssBytes: expect.any(Number),
        newErrors: 0,
      });
      // The 30 subscribers are held the whole time (the demo's workers hold a connection each).
      expect(sample.connections).toBeGreaterThanOrEqual(30);
      expect(sample.heapUsedBytes).toBeGreaterThan(0);
      expect(sample.rssBytes).toBeGreaterThan(sample.heapUsedBytes);
    }
    expect(report.samples.some((s: { deliveriesPerSecond: number }) => s.deliveriesPerSecond > 0)).toBe(true);

    const svg = readFileSync(file!.replace(/\.json$/, '.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg.match(/<polyline /g)).toHaveLength(6); // heap, RSS, received, sent, connections, subscriptions
    expect(svg).toContain('passed');
  }, 240_000);

  it('fails on a stalled pipeline, reporting each violation with its task and agent', async () => {
    // 100 ms without a report is stuck, 200 ms abandoned: every task is taken back before its
    // worker's first report, again and again. No error is logged; nothing is ever finished.
    const { code, output: out } = await soak(['--duration', '12s', '--sample', '2', '--subscribers', '4'], { AGENT_STUCK_AFTER_MS: '100' });
    expect(code, out).toBe(1);
    const report = JSON.parse(readFileSync(/wrote (\S+\.json)/.exec(out)![1], 'utf8'));
    expect(report.pass).toBe(false);
    expect(report.summary.livenessViolations).toBeGreaterThan(0);
    expect(report.liveness.merged).toBe(0);
    const failures = (report.failures as string[]).filter((f) => f.startsWith('liveness: '));
    expect(failures.length, out).toBe(report.liveness.violations);
    expect(failures[0]).toMatch(/^liveness: VIOLATION taken-task-moves at \S+ \[task [0-9a-f-]{36}, agent [0-9a-f-]{36}\]: .*went back to the queue 4 times/);
    expect(out).toMatch(/\[soak\] FAIL: liveness: VIOLATION taken-task-moves/);
  }, 120_000);
});
