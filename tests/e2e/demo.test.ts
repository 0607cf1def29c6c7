/**
 * `npm run demo` works: the server comes up with workers, tasks flow from several users in two
 * orgs, and within seconds some reach a pull request or are merged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../utils/ports.js';
import { DEMO_RUNNING, runProcess } from '../utils/process.js';
import { eventually, gqlOk } from '../utils/server.js';

describe('demo', () => {
  it('starts, and tasks move through the pipeline within seconds', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-demo-'));
    const demo = runProcess('node', ['bin/conveyor.mjs', 'demo', '--port', String(port), '--every', '700', '--data-dir', dataDir], { detached: true });
    try {
      await demo.waitFor(DEMO_RUNNING, 20_000);
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
      expect(demo.output()).toMatch(/registered in acme/);
      expect(demo.output()).toMatch(/registered in globex/);
    } finally {
      await demo.stop('SIGTERM');
    }
  }, 60_000);
});
