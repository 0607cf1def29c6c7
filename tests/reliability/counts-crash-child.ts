/**
 * The child of counts-crash.test.ts: commits task creates and status moves to an SQLite data
 * file in bursts (big ones go to the writer thread, small ones commit inline) until it is
 * killed. It picks up where the last one was killed from what the file holds.
 */
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite.js';
import { taskChange } from '../store/task-counts.js';

const file = process.argv[2];
const seed = Number(process.argv[3]);
const STATUSES = ['received', 'analyzing', 'dispatched', 'coding', 'pr_open', 'merged', 'failed', 'cancelled'];
const USERS = [{ id: 'acme/ada', org: 'acme' }, { id: 'acme/bob', org: 'acme' }, { id: 'globex/cy', org: 'globex' }, { id: 'roamer', org: 'globex' }];

interface Task { id: string; creator: { id: string; org: string }; private: boolean; status: string; version: number }

const store = new SqliteStore({ file });
const db = new Database(file, { readonly: true });
const tasks: Task[] = (db.prepare(`SELECT t.id, t.creator_id, t.org, t.private, t.status, e.version FROM tasks t JOIN entities e ON e.id = t.id`).all() as Record<string, never>[]).map(
  (row) => ({ id: row.id, creator: { id: row.creator_id, org: row.org }, private: row.private === 1, status: row.status, version: row.version }),
);
db.close();
let s = seed;
const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
let made = tasks.length;
let announced = false;
for (;;) {
  // A burst: up to 300 commits in one tick (one group, or a few), each a create or one move.
  const size = 1 + Math.floor(rand() * 300);
  const busy = new Set<string>();
  const burst: Promise<void>[] = [];
  for (let i = 0; i < size; i++) {
    if (tasks.length === 0 || rand() < 0.3) {
      const t: Task = { id: `c${seed}-${made++}`, creator: USERS[Math.floor(rand() * USERS.length)], private: rand() < 0.2, status: 'received', version: 1 };
      burst.push(store.commit([taskChange(t.id, 0, t.creator, t.private, t.status, null)]).then(() => void tasks.push(t)));
      continue;
    }
    const t = tasks[Math.floor(rand() * tasks.length)];
    if (busy.has(t.id)) continue;
    busy.add(t.id);
    const status = STATUSES[Math.floor(rand() * STATUSES.length)];
    burst.push(store.commit([taskChange(t.id, t.version, t.creator, t.private, status, t.status)]).then(() => void Object.assign(t, { status, version: t.version + 1 })));
  }
  await Promise.all(burst);
  if (!announced) console.log('committing');
  announced = true;
}
