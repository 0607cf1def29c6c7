/**
 * Retention (issue 14) on every adapter, from the store's side: what an archive pass moves out of
 * the log (finished tasks' old events, agents' old events) and what it keeps (active tasks'
 * whole history, anything newer than the cutoff, the head); the archive holding exactly the
 * events that left, as export event lines; the horizon; compact timelines; CURSOR_EXPIRED for a
 * read from below the horizon, every remaining event once from at or above it; and a slow
 * reader, paused between pages while a pass runs, failing rather than skipping.
 */
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/memory.js';
import { Feed } from '../../src/runtime/feed.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { exportLines, importLines } from '../../src/store/transfer.js';
import { eventLine } from '../../src/store/transfer-lines.js';
import { CursorExpiredError } from '../../src/store/types.js';
import { parseStored } from '../../src/store/packed-json.js';
import { agentBeat, CUTOFF, expectedArchived, fillLog, NEW, OLD, OLD_BEATS, taskStep } from './retention-log.js';

export { CUTOFF, expectedArchived, fillLog } from './retention-log.js';

async function expired(read: Promise<unknown>): Promise<CursorExpiredError> {
  const error = await read.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CursorExpiredError);
  return error as CursorExpiredError;
}

/** Whether the log stores this event's state as a patch (view-patch.ts), read raw. */
async function storedAsPatch(store: SqlStore, cursor: number): Promise<boolean> {
  const session = await store.transfer('read');
  try {
    const [row] = await session.rows<{ state: unknown }>(`SELECT state FROM events WHERE cursor = ${session.dialect.param(1)}`, [cursor]);
    return '$' in parseStored<object>(row.state);
  } finally {
    await session.end(false);
  }
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Register the suite's tests; `open` gives a fresh, empty store for each. */
export function retentionSuite(open: () => Promise<SqlStore>): void {
  it('archives finished tasks’ and agents’ events from before the cutoff, exactly those, and keeps the rest', async () => {
    const store = await open();
    const before = await fillLog(store);
    const head = await store.head();
    const archived = expectedArchived(before);
    const pass = await store.archive({ before: CUTOFF });
    expect(pass).toMatchObject({ archived: archived.length, tasks: 2, agents: 1, more: false });
    const horizon = Math.max(...archived.map((e) => e.cursor));
    expect(pass!.horizon).toBe(horizon);
    expect(await store.logBounds()).toEqual({ head, horizon });
    expect(await store.head()).toBe(head);

    // The archive holds exactly the events that left, as an export's event lines, in order.
    const lines: unknown[] = [];
    for await (const line of store.archivedLines()) lines.push(JSON.parse(line));
    expect(lines).toEqual(archived.map((e) => json(eventLine(e))));

    // What is kept: every other event, whole; active and late tasks' history from the start.
    const kept = before.filter((e) => !archived.includes(e));
    for (const id of ['active', 'late', 'fresh']) {
      const { events } = await store.readAfter(0, { entityId: id, limit: 100 });
      expect(json(events)).toEqual(json(kept.filter((e) => e.entityId === id)));
    }
    // Tasks and their final state are untouched.
    expect((await store.getTask('merged'))?.status).toBe('merged');
    expect((await store.load('merged'))?.version).toBe(3);

    // A second pass finds nothing more.
    expect(await store.archive({ before: CUTOFF })).toMatchObject({ archived: 0, horizon });
    await store.close();
  });

  it('answers an archived task’s timeline compact; a retried one continues it with its new events', async () => {
    const store = await open();
    const before = await fillLog(store);
    await store.archive({ before: CUTOFF });
    const { events } = await store.readAfter(0, { entityId: 'merged', limit: 100 });
    const original = before.filter((e) => e.entityId === 'merged');
    expect(events.map((e) => ({ cursor: e.cursor, version: e.version, type: e.type, at: e.at, actor: e.actor, payload: e.payload, status: e.state.status, stateValue: e.state.stateValue }))).toEqual(
      original.map((e) => ({ cursor: e.cursor, version: e.version, type: e.type, at: e.at, actor: e.actor, payload: null, status: e.state.status, stateValue: e.state.stateValue })),
    );
    expect(events[0].scope).toEqual(original[0].scope);
    // After a cursor inside it, and in pages.
    expect((await store.readAfter(original[0].cursor, { entityId: 'merged', limit: 1 })).events.map((e) => e.cursor)).toEqual([original[1].cursor]);

    // A failed task keeps its newest event (whole): a retry continues from it.
    const failedBefore = before.filter((e) => e.entityId === 'failed');
    const failedView = failedBefore[1].state;
    const [retry] = await store.commit([{ ...taskStep('failed', 2, 'analyzing', NEW, 'failed', 'RETRIED'), base: failedView }]);
    const timeline = await store.readAfter(0, { entityId: 'failed', limit: 100 });
    expect(timeline.events.map((e) => [e.cursor, e.type, e.payload])).toEqual([
      [failedBefore[0].cursor, 'CREATED', null],
      [failedBefore[1].cursor, 'FAILED', { step: 2 }],
      [retry.cursor, 'RETRIED', { step: 3 }],
    ]);
    expect(json(timeline.events[2].state)).toEqual(json(retry.state));
    expect((await store.load('failed'))?.version).toBe(3);
    // Finished again, its history goes in the next pass (all of it, once it is cancelled).
    await store.commit([{ ...taskStep('failed', 3, 'cancelled', NEW, 'analyzing', 'CANCELLED'), base: retry.state }]);
    await store.commit([{ ...agentBeat('agent', OLD_BEATS + 3, NEW), base: before.at(-1)!.state }]);
    await store.archive({ before: '2026-04-01T00:00:00.000Z' });
    const again = await store.readAfter(0, { entityId: 'failed', limit: 100 });
    expect(again.events.map((e) => e.type)).toEqual(['CREATED', 'FAILED', 'RETRIED', 'CANCELLED']);
    expect(again.events.every((e) => e.payload === null)).toBe(true);
    await store.close();
  });

  it('keeps what it keeps readable from every cursor and page size: an entity’s first kept event is made whole', async () => {
    const store = await open();
    const before = await fillLog(store);
    const firstKept = before.find((e) => e.entityId === 'agent' && e.at === NEW)!;
    expect(await storedAsPatch(store, firstKept.cursor)).toBe(true);
    const { horizon } = (await store.archive({ before: CUTOFF }))!;
    expect(await storedAsPatch(store, firstKept.cursor)).toBe(false);
    const kept = before.filter((e) => !expectedArchived(before).includes(e));
    // The agent's first kept event was a patch on an archived one: it reads as it was.
    for (const limit of [1, 2, 3, 100]) {
      for (const start of kept.filter((e) => e.cursor >= horizon).map((e) => e.cursor - 1)) {
        const { events } = await store.readAfter(Math.max(start, horizon), { limit });
        expect(json(events)).toEqual(json(kept.filter((e) => e.cursor > Math.max(start, horizon)).slice(0, limit)));
      }
      for (const id of ['agent', 'failed', 'active', 'late']) {
        const mine = kept.filter((e) => e.entityId === id);
        for (const from of [0, ...mine.map((e) => e.cursor)]) {
          const { events } = await store.readAfter(from, { entityId: id, limit, fromKept: true });
          const archivedOfIt = expectedArchived(before).filter((e) => e.entityId === id && e.cursor > from);
          const whole = events.slice(id === 'failed' ? archivedOfIt.length : 0);
          expect(json(whole)).toEqual(json(mine.filter((e) => e.cursor > from).slice(0, limit - (events.length - whole.length))));
        }
      }
    }
    await store.close();
  });

  it('refuses a read from below the horizon with CURSOR_EXPIRED, and gives every remaining event once from at or above it', async () => {
    const store = await open();
    const before = await fillLog(store);
    const pass = (await store.archive({ before: CUTOFF }))!;
    const head = await store.head();
    for (const cursor of [0, 1, pass.horizon - 1]) {
      const error = await expired(store.readAfter(cursor, { limit: 100 }));
      expect(error).toMatchObject({ cursor, horizon: pass.horizon, head });
      await expired(store.readAfter(cursor, { limit: 100, entityType: 'task' }));
    }
    // From the horizon on: every event after it, in order, once, page by page.
    const read: number[] = [];
    for (let cursor = pass.horizon; ; ) {
      const { events } = await store.readAfter(cursor, { limit: 2 });
      if (events.length === 0) break;
      read.push(...events.map((e) => e.cursor));
      cursor = events.at(-1)!.cursor;
    }
    expect(read).toEqual(before.filter((e) => e.cursor > pass.horizon).map((e) => e.cursor));
    // An agent's history from below what is kept of it: CURSOR_EXPIRED, or what is kept if asked so.
    const agentUpto = Math.max(...before.filter((e) => e.entityId === 'agent' && e.at === OLD).map((e) => e.cursor));
    expect(await expired(store.readAfter(0, { entityId: 'agent', limit: 100 }))).toMatchObject({ horizon: agentUpto, head });
    const kept = await store.readAfter(0, { entityId: 'agent', limit: 100, fromKept: true });
    expect(kept.events.map((e) => e.cursor)).toEqual(before.filter((e) => e.entityId === 'agent' && e.at === NEW).map((e) => e.cursor));
    // Without retention nothing changes: a fresh store's horizon is 0.
    const fresh = await open();
    expect(await fresh.logBounds()).toEqual({ head: 0, horizon: 0 });
    expect((await fresh.readAfter(0, { limit: 10 })).events).toEqual([]);
    await fresh.close();
    await store.close();
  });

  it('never lets a slow reader skip what a pass moved while it was between pages: CURSOR_EXPIRED', async () => {
    const store = await open();
    const before = await fillLog(store);
    // A store reader paused after its first page…
    const first = await store.readAfter(0, { limit: 2 });
    expect(first.events.map((e) => e.cursor)).toEqual(before.slice(0, 2).map((e) => e.cursor));
    await store.archive({ before: CUTOFF });
    // …finds the horizon past its cursor on the next page: an error, never a page with a hole.
    await expired(store.readAfter(first.events.at(-1)!.cursor, { limit: 2 }));
    // So does a reader of one type.
    await expired(store.readAfter(first.events.at(-1)!.cursor, { limit: 2, entityType: 'agent' }));
    await store.close();
  });

  it('a feed subscriber catching up from the store gets CURSOR_EXPIRED at its next page, never a silent gap', async () => {
    const store = await open();
    const before = await fillLog(store);
    const feed = new Feed({ store, bus: new MemoryBus(), logger: pino({ level: 'silent' }), pageSize: 2 });
    await feed.start(); // its ring starts at the head: everything before is read from the store
    const cursor = feed.subscribe({ after: 0 });
    const got: number[] = [];
    got.push((await cursor.next()).value!.cursor);
    got.push((await cursor.next()).value!.cursor);
    // Paused between pages while a pass runs.
    await store.archive({ before: CUTOFF });
    await expect(cursor.next()).rejects.toBeInstanceOf(CursorExpiredError);
    expect(got).toEqual(before.slice(0, 2).map((e) => e.cursor));
    // A subscriber at the head is not affected, and one from the horizon gets every later event.
    const { horizon, head } = await store.logBounds();
    const live = feed.subscribe({ after: horizon });
    const seen: number[] = [];
    for (let i = 0; i < head - horizon; i++) seen.push((await live.next()).value!.cursor);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe(head);
    await live.return();
    await cursor.return();
    feed.stop();
    await store.close();
  });

  it('restarts a feed that fell behind the horizon there: its subscribers behind it get CURSOR_EXPIRED, readers that may skip go on', async () => {
    const store = await open();
    const bus = new MemoryBus();
    const feed = new Feed({ store, bus, logger: pino({ level: 'silent' }), pageSize: 4 });
    await feed.start(); // at the head of an empty log
    const behind = feed.subscribe({ after: 0 });
    const skipping = feed.subscribe({ after: 0, skipExpired: true });
    // Another instance's commits, which this feed reads only when the doorbell rings…
    const before = await fillLog(store);
    const { horizon } = (await store.archive({ before: CUTOFF }))!;
    const head = await store.head();
    bus.notify(head); // …after a pass archived past where it stood
    await expect(behind.next()).rejects.toBeInstanceOf(CursorExpiredError);
    const after = before.filter((e) => e.cursor > horizon).map((e) => e.cursor);
    const got: number[] = [];
    for (let i = 0; i < after.length; i++) got.push((await skipping.next()).value!.cursor);
    expect(got).toEqual(after);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(feed.head).toBe(head);
    await skipping.return();
    feed.stop();
    await store.close();
  });

  it('round-trips through export and import: the horizon, every kept event, the compact timelines; the archive with --archived', async () => {
    const source = await open();
    await fillLog(source);
    const pass = (await source.archive({ before: CUTOFF }))!;
    const everything = async (store: SqlStore) => ({
      bounds: await store.logBounds(),
      kept: json((await store.readAfter(pass.horizon, { limit: 1000 })).events),
      timelines: json(await Promise.all(['merged', 'failed', 'active', 'late', 'fresh', 'agent'].map(async (id) => (await store.readAfter(0, { entityId: id, limit: 100, fromKept: true })).events))),
    });
    const want = await everything(source);
    const archived: string[] = [];
    for await (const line of source.archivedLines()) archived.push(line);

    const plain = await open();
    const lines: string[] = [];
    for await (const line of exportLines(source)) lines.push(line);
    expect(JSON.parse(lines[0])).toMatchObject({ head: want.bounds.head, horizon: pass.horizon });
    await importLines(plain, lines);
    expect(await everything(plain)).toEqual(want);
    await expired(plain.readAfter(0, { limit: 10 }));
    const none: string[] = [];
    for await (const line of plain.archivedLines()) none.push(line);
    expect(none).toEqual([]);

    const whole = await open();
    const withArchive: string[] = [];
    for await (const line of exportLines(source, undefined, { archived: true })) withArchive.push(line);
    expect(withArchive.filter((l) => l.includes('"kind":"archivedEvent"'))).toHaveLength(archived.length);
    await importLines(whole, withArchive);
    expect(await everything(whole)).toEqual(want);
    const restored: unknown[] = [];
    for await (const line of whole.archivedLines()) restored.push(JSON.parse(line));
    expect(restored).toEqual(archived.map((l) => JSON.parse(l) as unknown));
    // The target archives on from there: its next pass finds the next events to archive.
    expect((await whole.archive({ before: '2026-04-01T00:00:00.000Z' }))!.archived).toBeGreaterThan(0);
    for (const store of [source, plain, whole]) await store.close();
  });
}
