/**
 * The EventStore contract, run against every adapter (SQLite now; PostgreSQL reuses it).
 */
import { describe, expect, it } from 'vitest';
import type { Change, EventStore } from '../../src/store/types.js';
import { StaleDeadlineError, VersionConflictError } from '../../src/store/types.js';

const at = '2026-01-01T00:00:00.000Z';
function taskView(id: string, version: number, status = 'received', org = 'acme') {
  return {
    id, title: `t ${id}`, description: null, creator: { id: 'u1', name: 'U' }, org, private: false, createdAt: at,
    clarifications: [], issue: null, branch: null, pr: null, mergeCommitSha: null, mergedAt: null, error: null,
    agentId: null, status, stateValue: status, version, updatedAt: at,
  } as any;
}
export function change(id: string, expectedVersion: number, extra: Partial<Change> = {}): Change {
  const version = expectedVersion + 1;
  const view = taskView(id, version);
  return {
    entityType: 'task', entityId: id, expectedVersion,
    events: [{ entityType: 'task', entityId: id, version, type: version === 1 ? 'CREATED' : 'STEP', at, actor: 'U', payload: { n: version }, scope: { org: 'acme', ownerId: 'u1', private: false }, prevStatus: null, state: view }],
    state: { value: 'received', context: { id } }, effects: [], view, deadlines: [], ...extra,
  };
}

export function storeContract(name: string, open: () => Promise<EventStore>) {
  describe(`EventStore contract: ${name}`, () => {
    it('keeps pending effects beside the snapshot until a commit has none; an orphan is claimed once', async () => {
      const store = await open();
      const effect = { id: 'e1', src: 'analyze', input: { title: 'x'.repeat(300) }, epoch: 1 };
      await store.commit([change('fx', 0, { effects: [effect], owner: 'gone' }), change('calm', 0)]);
      expect((await store.load('fx'))?.effects).toEqual([effect]);
      expect((await store.load('calm'))?.effects).toEqual([]);
      const mine = async (instance: string) => (await store.claimOrphanedEffects(instance, 60_000)).filter((r) => r.id === 'fx' || r.id === 'calm');
      expect((await mine('me')).map((r) => [r.id, r.version, r.effects])).toEqual([['fx', 1, [effect]]]);
      expect(await mine('me')).toEqual([]);
      // Still pending at the next version, then done.
      const next = { ...effect, id: 'e2', epoch: 2 };
      await store.commit([change('fx', 1, { effects: [next], owner: 'me' })]);
      expect((await store.load('fx'))?.effects).toEqual([next]);
      await store.commit([change('fx', 2)]);
      expect((await store.load('fx'))?.effects).toEqual([]);
      expect(await mine('other')).toEqual([]);
      await store.close();
    });

    it('assigns strictly increasing cursors and per-entity versions without gaps', async () => {
      const store = await open();
      const a = await store.commit([change('a', 0)]);
      const b = await store.commit([change('b', 0)]);
      const a2 = await store.commit([change('a', 1)]);
      expect(a[0].cursor).toBeLessThan(b[0].cursor);
      expect(b[0].cursor).toBeLessThan(a2[0].cursor);
      expect(a2[0].version).toBe(2);
      expect((await store.load('a'))?.version).toBe(2);
      const { events, head } = await store.readAfter(0, { limit: 10, entityId: 'a' });
      expect(events.map((e) => e.version)).toEqual([1, 2]);
      expect(head).toBe(a2[0].cursor);
      await store.close();
    });

    it('rejects a stale expected version and stores nothing of the whole batch', async () => {
      const store = await open();
      await store.commit([change('a', 0)]);
      const before = await store.head();
      await expect(store.commit([change('b', 0), change('a', 0)])).rejects.toBeInstanceOf(VersionConflictError);
      await expect(store.commit([change('a', 5)])).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store.head()).toBe(before);
      expect(await store.load('b')).toBeNull();
      expect(await store.getTask('b')).toBeNull();
      await store.close();
    });

    it('in one group commit, a refused or failing request fails alone and leaves nothing behind', async () => {
      const store = await open();
      await store.commit([change('a', 0)]);
      // Issued in the same tick: one group. 'y' conflicts on 'a' after its own first change.
      const refused = await Promise.allSettled([
        store.commit([change('x', 0)]),
        store.commit([change('y', 0), change('a', 0)]),
        store.commit([change('z', 0)]),
      ]);
      expect(refused.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((refused[1] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
      expect(await store.load('y')).toBeNull();
      // A write that fails mid-request (a NOT NULL column), not foreseen by any check.
      const broken = change('w', 0);
      broken.view = { ...broken.view, status: null } as never;
      const failing = await Promise.allSettled([store.commit([change('v', 0), broken]), store.commit([change('u', 0)])]);
      expect(failing.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      expect(await store.load('v')).toBeNull();
      expect(await store.getTask('w')).toBeNull();
      const { events } = await store.readAfter(0, { limit: 100 });
      expect(events.map((e) => e.entityId)).toEqual(['a', 'x', 'z', 'u']);
      expect(events.map((e) => e.cursor)).toEqual([...events.map((e) => e.cursor)].sort((p, q) => p - q));
      await store.close();
    });

    it('stores deadlines with the change and consumes each exactly once', async () => {
      const store = await open();
      const deadline = { entityType: 'task' as const, entityId: 'a', key: 'k', dueAt: 1000, event: { type: 'TICK' } };
      await store.commit([change('a', 0, { deadlines: [{ op: 'set', deadline }] })]);
      expect(await store.dueDeadlines(999, 10)).toEqual([]);
      expect(await store.dueDeadlines(1000, 10)).toEqual([deadline]);
      expect(await store.nextDeadlineAt()).toBe(1000);
      await store.commit([change('a', 1, { consumes: { key: 'k', dueAt: 1000 } })]);
      await expect(store.commit([change('a', 2, { consumes: { key: 'k', dueAt: 1000 } })])).rejects.toBeInstanceOf(StaleDeadlineError);
      expect((await store.load('a'))?.version).toBe(2);
      expect(await store.nextDeadlineAt()).toBeNull();
      await store.close();
    });

    it('re-arming a deadline replaces it; the old due time cannot be consumed', async () => {
      const store = await open();
      const d = (dueAt: number) => ({ entityType: 'task' as const, entityId: 'a', key: 'k', dueAt, event: { type: 'TICK' } });
      await store.commit([change('a', 0, { deadlines: [{ op: 'set', deadline: d(1000) }] })]);
      await store.commit([change('a', 1, { deadlines: [{ op: 'clear', entityId: 'a', key: 'k' }, { op: 'set', deadline: d(5000) }] })]);
      await expect(store.commit([change('a', 2, { consumes: { key: 'k', dueAt: 1000 } })])).rejects.toBeInstanceOf(StaleDeadlineError);
      expect(await store.dueDeadlines(10_000, 10)).toEqual([d(5000)]);
      await store.close();
    });

    it('lists visible tasks newest first with stable pages, and counts them', async () => {
      const store = await open();
      for (const id of ['t1', 't2', 't3']) await store.commit([change(id, 0)]);
      const viewer = { id: 'u2', name: 'V', org: 'acme' };
      const page1 = await store.listTasks({ viewer, first: 2 });
      expect(page1.tasks.map((t) => t.id)).toEqual(['t3', 't2']);
      expect(page1.hasNextPage).toBe(true);
      const page2 = await store.listTasks({ viewer, first: 2, after: page1.endCursor! });
      expect(page2.tasks.map((t) => t.id)).toEqual(['t1']);
      expect(page2.hasNextPage).toBe(false);
      expect((await store.listTasks({ viewer: { ...viewer, org: 'other' }, first: 10 })).tasks).toEqual([]);
      expect((await store.countTasks(viewer, { mine: false })).byStatus).toEqual({ received: 3 });
      expect((await store.countTasks(viewer, { mine: true })).byStatus).toEqual({});
      await store.close();
    });

    it('allocates local issue numbers idempotently per key', async () => {
      const store = await open();
      const a = await store.allocateIssueNumber('task:a');
      const b = await store.allocateIssueNumber('task:b');
      expect(b).toBe(a + 1);
      expect(await store.allocateIssueNumber('task:a')).toBe(a);
      await store.close();
    });
  });
}
