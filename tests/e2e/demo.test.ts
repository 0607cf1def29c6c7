/**
 * `npm run demo` works: the server comes up with workers, tasks flow from several users in two
 * orgs, and within seconds some reach a pull request or are merged.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../browser/harness.js';
import { eventually, gqlOk } from '../utils/server.js';

describe('demo', () => {
  it('starts, and tasks move through the pipeline within seconds', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-demo-'));
    const { NODE_ENV: _n, VITEST: _v, DATABASE_URL: _d, REDIS_URL: _r, ...env } = process.env;
    const child = spawn('node', ['bin/conveyor.mjs', 'demo', '--port', String(port), '--every', '700', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, JWT_SECRET: '' },
      detached: true,
    });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    try {
      await eventually(() => out.includes('conveyor demo running'), 20_000);
      const url = `http://127.0.0.1:${port}`;
      const token = (await gqlOk({ url }, `mutation { devSignIn(name: "Viewer", org: "acme") { token } }`)).devSignIn.token;
      const counts = await eventually(async () => {
        const { tasks } = await gqlOk({ url }, `{ tasks(first: 100) { nodes { status creator { name } } } }`, {}, token);
        const statuses = tasks.nodes.map((t: any) => t.status);
        return statuses.some((s: string) => s === 'PR_OPEN' || s === 'MERGED') ? tasks.nodes : null;
      }, 30_000, 250);
      expect(new Set(counts.map((t: any) => t.creator.name)).size).toBeGreaterThan(1);
      const agents = (await gqlOk({ url }, `{ agents { name health } }`, {}, token)).agents;
      expect(agents.length).toBeGreaterThanOrEqual(2);
      expect(out).toMatch(/registered in acme/);
      expect(out).toMatch(/registered in globex/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  }, 60_000);
});
