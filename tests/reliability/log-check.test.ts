/**
 * The auditor of tests/reliability/log-check.ts finds what it claims to find: a data directory
 * written by the real server passes, and each kind of damage it checks for is reported.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gqlOk, startServer } from '../utils/server.js';
import { checkLog } from './log-check.js';
import { defineUnpacked } from '../../src/store/packed-json.js';

let dataDir = '';
const copies: string[] = [];

beforeAll(async () => {
  const server = await startServer();
  dataDir = server.dataDir;
  const token = await server.token({ name: 'Ada', org: 'acme' });
  for (const title of ['one', 'two']) {
    await gqlOk(server, `mutation($t: String!) { createTask(input: { title: $t, description: "Add a dark theme toggle to the settings page, persisted per user" }) { id } }`, { t: title }, token);
  }
  await gqlOk(server, `mutation { registerAgent(name: "builder") { id } }`, {}, token);
  await server.stop();
});

afterAll(() => {
  for (const dir of [dataDir, ...copies]) rmSync(dir, { recursive: true, force: true });
});

/** The problems found in a copy of the directory after `sql` damaged it. */
function damaged(sql: string): string[] {
  const copy = mkdtempSync(join(tmpdir(), 'conveyor-damaged-'));
  copies.push(copy);
  cpSync(dataDir, copy, { recursive: true });
  const db = new Database(join(copy, 'conveyor.db'));
  defineUnpacked(db);
  db.exec(sql);
  db.close();
  return checkLog(copy).problems;
}

it('passes what the server wrote', () => {
  const report = checkLog(dataDir);
  expect(report.problems).toEqual([]);
  expect(report).toMatchObject({ tasks: 2, agents: 1 });
  expect(report.events).toBe(report.head);
});

it.each([
  ['a cursor gap', `DELETE FROM events WHERE cursor = 2`, /cursors are not 1\.\.\d+ without gaps/],
  ['a lost newest event', `DELETE FROM events WHERE cursor = (SELECT max(cursor) FROM events)`, /snapshot at version \d+, log at \d+/],
  // Not its title: a task keyframe takes its fixed keys from the read model (view-patch.ts FIXED_KEYS).
  // The view is packed (packed-json.ts): SQL edits its text.
  ['a read model ahead of the log', `UPDATE tasks SET view = json_set(unpacked(view), '$.stateValue', 'x') WHERE rowid = 1`, /read-model view differs/],
  ['a stale read-model version', `UPDATE tasks SET version = version - 1 WHERE rowid = 1`, /read model at version/],
  ['a missing read-model row', `DELETE FROM agents`, /no read-model row/],
  // Stored as its value and a patch (a snapshot stored as `$c` takes its value from the read model).
  ['a snapshot that disagrees with the log', `UPDATE entities SET state = json_object('value', 'cancelled', '$ctx', json('{}')) WHERE type = 'task'`, /snapshot state/],
  ['events without their entity', `DELETE FROM entities WHERE type = 'agent'`, /events without an entity snapshot/],
])('reports %s', (_name, sql, expected) => {
  const problems = damaged(sql);
  expect(problems.some((p) => expected.test(p)), problems.join('\n')).toBe(true);
});
