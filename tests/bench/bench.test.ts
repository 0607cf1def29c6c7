/**
 * A CI-sized run of every benchmark scenario, so the bench never rots: it must run end to end
 * against every server, and conveyor must lose nothing and reorder nothing; growth (not part of
 * `all`) in a run of its own. The figures themselves are for `npm run bench`, not for assertions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runToExit, userEnv } from '../utils/process.js';

describe('npm run bench -- --quick', () => {
  it('runs every scenario against every server; conveyor loses and reorders nothing', async () => {
    // Production mode too where PostgreSQL and Redis are there (.ci/run sets both).
    const stores = process.env.DATABASE_URL && process.env.REDIS_URL ? ['sqlite', 'postgres'] : ['sqlite'];
    const services: Record<string, string> = stores.includes('postgres') ? { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL! } : {};
    const { code, output: out } = await runToExit(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--store', stores.join(',')], { env: userEnv(services) });
    expect(code, out).toBe(0);
    const file = /wrote (\S+\.json)/.exec(out)?.[1];
    expect(file, out).toBeTruthy();
    const results = JSON.parse(readFileSync(file!, 'utf8'));
    const servers = ['conveyor', 'bare-ws', 'socketio', 'yoga'];
    expect(results.fanout.map((r: { server: string }) => r.server)).toEqual(servers);
    for (const r of results.fanout) {
      expect(r.deliveriesPerSecond, r.server).toBeGreaterThan(0);
      expect(r.trials.length, r.server).toBeGreaterThan(0);
    }
    // conveyor: every event to every subscriber, in order, at every rate it was given.
    const conveyor = results.fanout[0];
    expect(conveyor).toMatchObject({ missing: 0, outOfOrder: 0, held: true });
    expect(results.idle.map((r: { server: string }) => r.server)).toEqual(servers);
    expect(results.idle[0].held).toBe(results.settings.idleConnections);
    // Each store; with PostgreSQL, also two instances (created on one, received on the other).
    const shapes = [...stores.map((store) => `${store} ×1`), ...(stores.includes('postgres') ? ['postgres ×2'] : [])];
    expect(results.latency.map((l: { store: string; instances: number }) => `${l.store} ×${l.instances}`)).toEqual(shapes);
    for (const l of results.latency) {
      expect(l, l.store).toMatchObject({ lost: 0, outOfOrder: 0 });
      expect(l.deliveriesPerSecond, l.store).toBeGreaterThan(0);
    }
    expect(results.write.map((w: { store: string }) => w.store)).toEqual(stores);
    for (const w of results.write) expect(w.transitionsPerSecond, w.store).toBeGreaterThan(0);
    // With PostgreSQL, also two writers on one database at once (each with agents of its own).
    if (stores.includes('postgres')) {
      expect(results.write2).toMatchObject({ store: 'postgres', instances: 2 });
      expect(results.write2.each).toHaveLength(2);
      for (const rate of [results.write2.transitionsPerSecond, ...results.write2.each]) expect(rate).toBeGreaterThan(0);
    } else expect(results.write2).toBeUndefined();
    expect(results.apiWrite.map((w: { store: string }) => w.store)).toEqual(stores);
    for (const w of results.apiWrite) expect(w, w.store).toMatchObject({ clients: 64, errors: 0, committedPerSecond: expect.any(Number) });
    for (const w of results.apiWrite) expect(w.committedPerSecond, w.store).toBeGreaterThan(0);
    expect(Object.keys(results.resume)).toEqual(stores);
    for (const store of stores) {
      expect(results.resume[store].map((r: { selection: string }) => r.selection)).toEqual(['cursor', 'agent']);
      for (const r of results.resume[store]) expect(r, store).toMatchObject({ events: 3000, outOfOrder: 0 });
    }
    expect(readFileSync(file!.replace('.json', '.svg'), 'utf8')).toContain('<svg');
  }, 480_000);

  it('grows a data dir through two sizes and reports every figure of the growth scenario', async () => {
    const { code, output: out } = await runToExit(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--scenario', 'growth', '--quick']);
    expect(code, out).toBe(0);
    const file = /wrote (\S+\.json)/.exec(out)?.[1];
    expect(file, out).toBeTruthy();
    const { growth } = JSON.parse(readFileSync(file!, 'utf8'));
    expect(growth.sizes.map((s: { tasks: number }) => s.tasks)).toEqual([1000, 5000]);
    for (const size of growth.sizes) {
      // Filled through the write path: ~5 events a task, none lost on the way.
      expect(size.fill, out).toMatchObject({ stalls: 0, failures: 0 });
      expect(size.fill.events / size.fill.tasks).toBeGreaterThan(3);
      for (const query of ['list', 'byStatus', 'mine', 'search', 'counts', 'subscription']) expect(size[query].p50, query).toBeGreaterThan(0);
      expect(size.commit.transitionsPerSecond).toBeGreaterThan(0);
      expect(size.restartMs).toBeGreaterThan(0);
      expect(size.rssMb).toBeGreaterThan(0);
      expect(size.diskBytesPerTask).toBeGreaterThan(0);
      // The profile is the SQLite file's pages, every one in a part: together at most the whole
      // dir, and most of it (the rest is the WAL and a few-page header).
      const parts = Object.values(size.diskPartsPerTask as Record<string, number>);
      expect(parts).toHaveLength(5);
      const sum = parts.reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(size.diskBytesPerTask + 5);
      expect(sum).toBeGreaterThan(size.diskBytesPerTask * 0.8);
      expect(size.diskPartsPerTask.log).toBeGreaterThan(size.diskPartsPerTask.other);
    }
    expect(out).toContain('search first page p50 ms');
    expect(out).toContain('of which the log (events)');
    expect(existsSync(growth.dataDir)).toBe(false); // cleaned up
  }, 300_000);
});
