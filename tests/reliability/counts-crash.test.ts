/**
 * Task counters survive kill -9 mid-commit (issue 14): a child commits creates and status moves
 * in bursts (groups inline and on the writer thread) and is killed with SIGKILL at a random
 * moment, again and again on the same file; after every kill the counters equal a recount of
 * `tasks`, as the commit and its counter changes are one transaction.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../utils/process.js';

const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'counts-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recount(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const q = (sql: string) => JSON.stringify(db.prepare(sql).all());
    return {
      tasks: (db.prepare(`SELECT count(*) AS n FROM tasks`).get() as { n: number }).n,
      counters: q(`SELECT creator_id, org, private, status, n FROM task_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4`),
      recount: q(`SELECT creator_id, org, private, status, count(*) AS n FROM tasks GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
      orgCounters: q(`SELECT org, status, n FROM org_task_counts WHERE n <> 0 ORDER BY 1, 2`),
      orgRecount: q(`SELECT org, status, count(*) AS n FROM tasks WHERE NOT private GROUP BY 1, 2 ORDER BY 1, 2`),
    };
  } finally {
    db.close();
  }
}

describe('task counters across kill -9 mid-commit', () => {
  it('equal a recount after every kill', async () => {
    const file = join(dir, 'db');
    let rand = SEED;
    let tasksBefore = 0;
    for (let cycle = 1; cycle <= 6; cycle++) {
      rand = (rand * 16807) % 2147483647;
      const child = runProcess(new URL('./counts-crash-child.ts', import.meta.url).pathname, [file, String(rand)], {
        fork: { execArgv: ['--import', 'tsx'] },
        env: process.env,
      });
      await child.waitFor(/committing/, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 50 + (rand % 400)));
      expect(await child.stop('SIGKILL')).toBe('SIGKILL');
      const after = recount(file);
      expect(after.counters, `cycle ${cycle} (seed ${SEED})`).toBe(after.recount);
      expect(after.orgCounters, `cycle ${cycle} (seed ${SEED})`).toBe(after.orgRecount);
      expect(after.tasks).toBeGreaterThan(tasksBefore);
      tasksBefore = after.tasks;
    }
  });
});
