/**
 * `npm run soak` for one minute, so the soak command never rots: the demo load plus dashboard
 * subscribers must run clean — nothing lost or reordered, no error, no memory growth over the
 * second half beyond the bound — and leave a JSON report and an SVG plot of the expected shape.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('npm run soak -- --duration 60s', () => {
  it('runs the demo load with subscribers for a minute and passes its own checks', async () => {
    const { DATABASE_URL: _d, REDIS_URL: _r, NODE_ENV: _n, VITEST: _v, ...env } = process.env;
    const child = spawn('node', ['--import', 'tsx', 'bench/soak.ts', '--duration', '60s', '--sample', '2', '--subscribers', '30'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    const file = /wrote (\S+\.json)/.exec(out)?.[1];
    expect(file, out).toBeTruthy();

    const report = JSON.parse(readFileSync(file!, 'utf8'));
    expect(report).toMatchObject({ pass: true, failures: [], settings: { duration: '60s', subscribers: 30, sampleSeconds: 2 } });
    expect(report.summary).toMatchObject({ subscribers: 30, checkedSubscribers: 30, lost: 0, extra: 0, outOfOrder: 0, timelineMismatches: 0, serverErrors: 0, clientErrors: 0, demoErrors: 0 });
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
});
