/**
 * `conveyor export` / `import` on SQLite (src/store/transfer.ts): a data dir filled through the
 * real app, exported and imported into a fresh dir, answers everything the same (events with
 * every field, entities, deadlines, views, counts, every list page); its export is the same bytes
 * but the header's time; and bad input or a non-empty target leaves the target as it was.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/schema.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { exportLines, importLines, TransferError } from '../../src/store/transfer.js';
import { taskChange } from './task-counts.js';
import { exportAll, expectVariedFill, expectWorkingAfterImport, fillDataDir, storeSnapshot } from './transfer.js';

/** The newest SQLite schema version (the header says which schema wrote the file). */
const LATEST_SQLITE = Math.max(...MIGRATIONS.map((m) => m.version.sqlite ?? 0));

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function open(dir: string): Promise<SqliteStore> {
  const store = await SqliteStore.open({ file: join(dir, 'conveyor.db') });
  stores.push(store);
  return store;
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-import-'));
  dirs.push(dir);
  return dir;
}

/** A read-only query on the dir's database, for the recount; closed with the test's dirs. */
const opened: Database.Database[] = [];
const raw = (dir: string) => {
  const db = new Database(join(dir, 'conveyor.db'), { readonly: true });
  opened.push(db);
  return async (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
};

let source: SqliteStore;
let lines: string[];

beforeAll(async () => {
  const dir = await fillDataDir();
  dirs.push(dir);
  source = await open(dir);
  lines = await exportAll(source);
}, 60_000);

describe('export', () => {
  it('writes a header, every event in cursor order, the rows, and an end line', async () => {
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({ format: 'conveyor-export', version: 2, dialect: 'sqlite', schemaVersion: LATEST_SQLITE, head: await source.head() });
    const parsed = lines.slice(1).map((line) => JSON.parse(line));
    const events = parsed.filter((l) => l.kind === 'event');
    expect(events.map((e) => e.cursor)).toEqual(Array.from({ length: header.head }, (_, i) => i + 1));
    expect(Object.keys(events[0])).toEqual(['kind', 'cursor', 'entityType', 'entityId', 'version', 'type', 'at', 'actor', 'payload', 'org', 'ownerId', 'private', 'prevStatus', 'state']);
    expect(parsed.at(-1)).toEqual({ kind: 'end', rows: expect.objectContaining({ event: header.head, agent: 2 }) });
    for (const kind of ['entity', 'task', 'agent', 'deadline', 'localIssue', 'webhookDelivery']) expect(parsed.some((l) => l.kind === kind)).toBe(true);
  });

  it('pages through the log: more events than a page come out whole', async () => {
    // A page is 1,000 rows; the fill has fewer, so this checks order and completeness, and the
    // keyset paging of two-column keys (deadlines) is read by the same loop.
    const again: string[] = [];
    for await (const line of exportLines(source, '2026-01-01T00:00:00.000Z')) again.push(line);
    expect(again).toEqual(lines);
  });
});

describe('import of a version 1 file (before the leaner log: whole views everywhere)', () => {
  it('answers exactly as the source does', async () => {
    // The same data as version 1 wrote it: every event's whole view, every snapshot whole.
    const all = (await source.readAfter(0, { limit: 100_000 })).events;
    const views = new Map(all.map((e) => [e.cursor, e.state]));
    const v1 = lines.map((line, i) => {
      const l = JSON.parse(line);
      if (i === 0) return JSON.stringify({ ...l, version: 1 });
      if (l.kind === 'event') return JSON.stringify({ ...l, state: views.get(l.cursor) });
      return line;
    });
    const entityLines = lines.map((line) => JSON.parse(line)).filter((l) => l.kind === 'entity');
    expect(entityLines.length).toBeGreaterThan(0);
    const v1Entities = await Promise.all(entityLines.map(async (l) => JSON.stringify({ ...l, state: (await source.load(l.id))!.state })));
    const withWholeEntities = v1.map((line) => (line.includes('"kind":"entity"') ? v1Entities.shift()! : line));
    expect(withWholeEntities.some((line) => line.includes('"$"') || line.includes('"$ctx"') || line.includes('"$c"'))).toBe(false);

    const target = await open(freshDir());
    await importLines(target, withWholeEntities);
    expect(await storeSnapshot(target)).toEqual(await storeSnapshot(source));
  });
});

describe('import into a fresh SQLite dir', () => {
  let target: SqliteStore;
  let dir: string;
  beforeAll(async () => {
    dir = freshDir();
    target = await open(dir);
    await importLines(target, lines);
  });

  it('answers everything exactly as the source does', async () => {
    const before = await storeSnapshot(source);
    expectVariedFill(before);
    expect(await storeSnapshot(target)).toEqual(before);
  });

  it('exports the same bytes again (but the time in the header)', async () => {
    const again = await exportAll(target, '2030-05-05T00:00:00.000Z');
    expect(JSON.parse(again[0]).exportedAt).toBe('2030-05-05T00:00:00.000Z');
    expect(again.slice(1).join('\n')).toBe(lines.slice(1).join('\n'));
    expect({ ...JSON.parse(again[0]), exportedAt: null }).toEqual({ ...JSON.parse(lines[0]), exportedAt: null });
  });

  it('keeps counters right and goes on from the imported cursors and issue numbers', async () => {
    const head = await target.head();
    const lastIssue = Math.max(...lines.map((l) => JSON.parse(l)).filter((l) => l.kind === 'localIssue').map((l) => l.number));
    await expectWorkingAfterImport(target, raw(dir), lastIssue);
    const events = await target.commit([taskChange('after-import', 0, { id: 'acme/ada', org: 'acme' }, false, 'received', null)]);
    expect(events[0].cursor).toBe(head + 1);
  });
});

describe('import refuses, and leaves the target as it was', () => {
  /** Import `input` into a fresh store; the error, and the store's head afterwards (0: untouched). */
  async function refused(input: string[], into?: SqliteStore) {
    const store = into ?? (await open(freshDir()));
    const head = await store.head();
    const error = await importLines(store, input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransferError);
    expect(await store.head()).toBe(head);
    if (!into) expect(await store.listAllAgents()).toEqual([]);
    return (error as Error).message;
  }

  it('a target that has events', async () => {
    const message = await refused(lines, source);
    expect(message).toMatch(/not empty \(\d+ rows in events\)/);
  });

  it('a bad line: its number and why, nothing written (even after many good lines)', async () => {
    // A late line (the last agent): every event and entity before it was already inserted.
    const n = lines.findLastIndex((l) => l.includes('"kind":"agent"')) + 1;
    const bad = [...lines];
    bad[n - 1] = JSON.stringify({ ...JSON.parse(bad[n - 1]), version: 'two' });
    expect(await refused(bad)).toMatch(new RegExp(`^line ${n}: bad \\w+: version: `));
    const event = lines.findIndex((l) => l.includes('"kind":"event"'));
    const broken = [...lines];
    broken[event + 3] = broken[event + 3].slice(0, 20);
    expect(await refused(broken)).toMatch(new RegExp(`^line ${event + 4}: not JSON`));
    const extra = [...lines];
    extra[event] = JSON.stringify({ ...JSON.parse(lines[event]), surprise: 1 });
    expect(await refused(extra)).toMatch(new RegExp(`^line ${event + 1}: bad event: Unrecognized key`));
  });

  it('out-of-order cursors, a duplicate row, a truncated file', async () => {
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    expect(await refused(swapped)).toMatch(/^line 4: event cursor 2 is not after 3/);
    const firstEntity = lines.findIndex((l) => l.includes('"kind":"entity"'));
    const duplicate = [...lines.slice(0, firstEntity + 1), lines[firstEntity], ...lines.slice(firstEntity + 1)];
    expect(await refused(duplicate)).toMatch(new RegExp(`^line ${firstEntity + 2}: entity refused by the database`));
    expect(await refused(lines.slice(0, -1))).toMatch(/ends without its end line/);
    expect(await refused([])).toMatch(/no header/);
  });

  it('another format or format version', async () => {
    const header = JSON.parse(lines[0]);
    expect(await refused([JSON.stringify({ ...header, version: 3 }), ...lines.slice(1)])).toMatch(/^line 1: format version 3 is not supported \(this conveyor reads versions 1 and 2\)/);
    expect(await refused([JSON.stringify({ ...header, format: 'other' }), ...lines.slice(1)])).toMatch(/^line 1: not a conveyor-export header/);
  });
});
