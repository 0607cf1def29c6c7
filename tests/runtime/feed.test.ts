/**
 * Feed and FeedCursor (src/runtime/feed.ts) on a real SqliteStore (in memory) and the in-process
 * bus: this process's commits reach a cursor in order without a store read, a cursor behind the
 * ring reads pages from the store, `return()` wakes a waiting cursor at once, filters, and head.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBus } from '../../src/bus/memory.js';
import { Feed, type FeedOptions } from '../../src/runtime/feed.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { LogEvent } from '../../src/store/types.js';
import { change } from '../store/contract.js';
import { eventually } from '../utils/server.js';

const logger = pino({ level: 'silent' });
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function setup(options: Partial<FeedOptions> = {}) {
  const store = new SqliteStore({ file: ':memory:' });
  const bus = new MemoryBus();
  const feed = new Feed({ store, bus, logger, ...options });
  cleanup.push(() => store.close(), () => feed.stop());
  const versions = new Map<string, number>();
  /** Commit one event for each id, as the host would (ring the doorbell after the commit). */
  const commit = async (ids: string[], { local = true } = {}): Promise<LogEvent[]> => {
    const events = await store.commit(
      ids.map((id) => {
        const version = versions.get(id) ?? 0;
        versions.set(id, version + 1);
        return change(id, version);
      }),
    );
    if (local) feed.committed(events);
    bus.notify(events.at(-1)!.cursor);
    return events;
  };
  return { store, bus, feed, commit };
}

/** The next `n` events of a cursor. */
async function take(cursor: AsyncIterator<LogEvent>, n: number): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  while (out.length < n) {
    const result = await cursor.next();
    if (result.done) break;
    out.push(result.value);
  }
  return out;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('Feed', () => {
  it('delivers events committed in this process to a cursor in order, from the ring', async () => {
    const { store, feed, commit } = await setup();
    await feed.start();
    const cursor = feed.subscribe({ after: feed.head });
    const readAfter = vi.spyOn(store, 'readAfter');
    const pending = take(cursor, 5); // waiting at the head before anything is committed
    await commit(['a', 'b']);
    await commit(['a']);
    await commit(['c', 'a']);
    const events = await pending;
    expect(events.map((e) => [e.cursor, e.entityId, e.version])).toEqual([
      [1, 'a', 1],
      [2, 'b', 1],
      [3, 'a', 2],
      [4, 'c', 1],
      [5, 'a', 3],
    ]);
    expect(readAfter).not.toHaveBeenCalled(); // straight into the ring, no read-back
    expect(feed.head).toBe(5);
    expect(cursor.position).toBe(5);
    await cursor.return();
  });

  it('brings another instance’s commits (not passed to committed()) through the doorbell', async () => {
    const { feed, commit } = await setup();
    await feed.start();
    const cursor = feed.subscribe({ after: 0 });
    await commit(['x'], { local: false });
    await commit(['y'], { local: false });
    expect((await take(cursor, 2)).map((e) => e.entityId)).toEqual(['x', 'y']);
    await eventually(() => feed.head === 2);
    // A local commit after them follows the head again and goes straight into the ring.
    await commit(['z']);
    expect((await take(cursor, 1)).map((e) => [e.cursor, e.entityId])).toEqual([[3, 'z']]);
    await cursor.return();
  });

  it('a cursor behind the ring reads pages from the store, then continues live', async () => {
    const { store, feed, commit } = await setup({ ringSize: 4, pageSize: 3 });
    for (let i = 0; i < 10; i++) await commit([`old-${i}`], { local: false }); // before start: not in the ring
    await feed.start();
    expect(feed.head).toBe(10);
    const readAfter = vi.spyOn(store, 'readAfter');
    const cursor = feed.subscribe({ after: 2 });
    const replay = await take(cursor, 8);
    expect(replay.map((e) => e.cursor)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readAfter.mock.calls.map(([after]) => after)).toEqual([2, 5, 8]); // pages of 3
    // Live events after the replay: and the ring, once it overflowed, still serves the newest.
    for (let i = 0; i < 8; i++) await commit([`new-${i}`]);
    expect((await take(cursor, 8)).map((e) => e.cursor)).toEqual([11, 12, 13, 14, 15, 16, 17, 18]);
    // A newcomer from the start reads the store again (the ring keeps only the newest).
    const late = feed.subscribe({ after: 0 });
    expect((await take(late, 18)).map((e) => e.cursor)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    await cursor.return();
    await late.return();
  });

  it('return() wakes a cursor waiting at the head at once, and it stays ended', async () => {
    const { feed, commit } = await setup();
    await feed.start();
    const cursor = feed.subscribe({ after: 0 });
    expect(feed.active).toBe(1);
    const waiting = cursor.next();
    let settled = false;
    void waiting.then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    const started = Date.now();
    await cursor.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(Date.now() - started).toBeLessThan(100);
    expect(cursor.ended).toBe(true);
    expect(feed.active).toBe(0);
    await commit(['a']);
    expect(await cursor.next()).toEqual({ value: undefined, done: true });
  });

  it('stop() ends waiting cursors', async () => {
    const { feed } = await setup();
    await feed.start();
    const cursor = feed.subscribe({ after: 0 });
    const waiting = cursor.next();
    await tick();
    feed.stop();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(cursor.ended).toBe(true);
  });

  it('applies a cursor’s filter and entity narrowing, from the ring and from the store', async () => {
    const { feed, commit } = await setup({ ringSize: 2, pageSize: 2 });
    // a v1, b, a v2, c: all behind the ring.
    await commit(['a', 'b'], { local: false });
    await commit(['a', 'c'], { local: false });
    await feed.start();
    const onlyA = feed.subscribe({ after: 0, entityId: 'a', filter: (e) => e.entityId === 'a' });
    const notB = feed.subscribe({ after: 0, filter: (e) => e.entityId !== 'b' });
    expect((await take(onlyA, 2)).map((e) => [e.entityId, e.version])).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
    expect((await take(notB, 3)).map((e) => e.cursor)).toEqual([1, 3, 4]);
    await commit(['b', 'a']);
    expect((await take(onlyA, 1)).map((e) => [e.cursor, e.version])).toEqual([[6, 3]]);
    expect((await take(notB, 1)).map((e) => e.cursor)).toEqual([6]);
    // The skipped event still moves the cursor: a filtered cursor is never stuck behind it.
    expect(onlyA.position).toBe(6);
    await onlyA.return();
    await notB.return();
  });

  it('nextUntil stops at the limit instead of waiting', async () => {
    const { feed, commit } = await setup();
    await feed.start();
    await commit(['a', 'b', 'c']);
    const cursor = feed.subscribe({ after: 0 });
    expect((await cursor.nextUntil(() => 2))?.cursor).toBe(1);
    expect((await cursor.nextUntil(() => 2))?.cursor).toBe(2);
    expect(await cursor.nextUntil(() => 2)).toBeNull();
    expect((await cursor.nextUntil(() => feed.head))?.cursor).toBe(3);
    expect(await cursor.nextUntil(() => feed.head)).toBeNull(); // at the head: no wait
    await cursor.return();
  });

  it('head starts at the store’s head and follows commits and pokes', async () => {
    const { store, feed, commit } = await setup();
    await commit(['a', 'b'], { local: false });
    await feed.start();
    expect(feed.head).toBe(2);
    await commit(['c']);
    expect(feed.head).toBe(3);
    // A commit whose doorbell was lost: the poke (the poll's safety net) finds it.
    await store.commit([change('d', 0)]);
    expect(feed.head).toBe(3);
    feed.poke();
    await eventually(() => feed.head === 4);
  });
});
