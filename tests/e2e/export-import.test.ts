/**
 * `conveyor export` and `conveyor import` as a user runs them: a data dir exported to a gzipped
 * file and to stdout, imported into a new dir, and a server on that dir serves the task as the
 * original did; importing again into it is refused.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CREATE_TASK, TASK } from '../utils/documents.js';
import { runProcess } from '../utils/process.js';
import { eventually, gqlOk, startServer, tempDataDir } from '../utils/server.js';

async function conveyor(args: string[]) {
  const child = runProcess('node', ['bin/conveyor.mjs', ...args]);
  const code = await child.exited;
  return { code, output: child.output() };
}

describe('conveyor export / import', () => {
  it('moves a data dir; a server on the imported dir serves its tasks', async () => {
    const source = await startServer();
    const token = await source.token({ name: 'Ada', org: 'acme' });
    const { createTask } = await gqlOk(source, CREATE_TASK, { input: { title: 'Vague', description: 'fix it' } }, token);
    const settled = await eventually(async () => {
      const { task } = await gqlOk(source, TASK, { id: createTask.id }, token);
      return task.status === 'NEEDS_CLARIFICATION' ? task : null;
    });
    await source.stop();

    const work = tempDataDir();
    const target = tempDataDir();
    try {
      const file = join(work, 'export.ndjson.gz');
      const exported = await conveyor(['export', '--data-dir', source.dataDir, '--out', file]);
      expect(exported, exported.output).toMatchObject({ code: 0 });
      expect(exported.output).toMatch(/exported \d+ lines/);
      const lines = gunzipSync(readFileSync(file)).toString().trim().split('\n');
      expect(JSON.parse(lines[0])).toMatchObject({ format: 'conveyor-export', version: 2, dialect: 'sqlite' });

      const imported = await conveyor(['import', '--data-dir', target, '--in', file]);
      expect(imported, imported.output).toMatchObject({ code: 0 });
      expect(imported.output).toMatch(/imported into .*: \d+ event/);

      const again = await conveyor(['import', '--data-dir', target, '--in', file]);
      expect(again.code).toBe(1);
      expect(again.output).toMatch(/import refused: the target store is not empty/);

      const bad = join(work, 'bad.ndjson');
      writeFileSync(bad, `${lines[0]}\n{"kind":"event"}\n`);
      const refused = await conveyor(['import', '--data-dir', join(work, 'untouched'), '--in', bad]);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(/import refused: line 2: bad event/);

      const server = await startServer({ dataDir: target });
      try {
        const { task } = await gqlOk(server, TASK, { id: createTask.id }, await server.token({ name: 'Ada', org: 'acme' }));
        expect(task).toEqual(settled);
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(target, { recursive: true, force: true });
      rmSync(source.dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
