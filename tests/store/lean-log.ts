/**
 * The leaner log (src/store/view-patch.ts) on every adapter: whatever mix of patches and whole
 * views the writers stored, every read gives back exactly the views and snapshots committed —
 * from every cursor, in pages of every size, whole log or one entity or one type — and the rows
 * really are patches between keyframes. Shared by tests/store/lean-log.test.ts (SQLite) and
 * tests/production/lean-log.test.ts (PostgreSQL).
 */
import { describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/store/sql-store.js';
import { parseStored } from '../../src/store/packed-json.js';
import type { Change, EventStore, LogEvent } from '../../src/store/types.js';
import { isKeyframe, KEYFRAME_EVERY } from '../../src/store/view-patch.js';
import { random } from '../utils/random.js';

type View = Record<string, unknown>;

const STATUSES = ['received', 'analyzing', 'dispatched', 'coding', 'pr_open'];

/** A generated history: per entity its views by version, committed in random groups. */
function histories(seed: number) {
  const rnd = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const entities = Array.from({ length: 6 }, (_, i) => ({
    type: (i % 3 === 2 ? 'agent' : 'task') as 'task' | 'agent',
    id: `e${seed}-${i}`,
    // Past two keyframes for some: windows that start at a keyframe other than version 1.
    versions: 1 + Math.floor(rnd() * (i < 2 ? 2.5 * KEYFRAME_EVERY : 12)),
    views: [] as View[],
    contexts: [] as View[],
  }));
  for (const e of entities) {
    let view: View = {
      id: e.id, name: e.id, title: `Title of ${e.id}`, description: 'a description long enough to be worth not repeating',
      creator: { id: 'u1', name: 'U' }, org: 'acme', private: false, clarifications: [], branch: null, issue: null,
      status: 'received', stateValue: { active: 'received' },
    };
    for (let v = 1; v <= e.versions; v++) {
      const next: View = { ...view, version: v, updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, v)).toISOString() };
      if (v > 1) {
        const change = rnd();
        if (change < 0.3) next.status = pick(STATUSES);
        else if (change < 0.45) next.branch = rnd() < 0.5 ? null : `b-${v}`; // back to null: a value, not a removal
        else if (change < 0.55) next.issue = { number: v, url: `u/${v}` };
        else if (change < 0.65) next.clarifications = [...(view.clarifications as unknown[]), { questions: [`q${v}`], answers: null }];
        else if (change < 0.72) delete next.branch; // a key that goes away
        else if (change < 0.78) next.extra = { at: v }; // a key that appears
        else if (change < 0.85) next.stateValue = { ...(next.stateValue as object) }; // new object, same content
        // else: only version and time change (a heartbeat)
      }
      e.views.push(next);
      // The snapshot's context: the view's fields but the derived ones, plus its own.
      const { status: _s, stateValue: _v, version: _n, updatedAt: _u, ...context } = next;
      e.contexts.push({ ...context, attempts: v % 3 });
      view = next;
    }
  }
  return { entities, rnd };
}

function changeOf(e: ReturnType<typeof histories>['entities'][number], from: number, count: number, withBase: boolean): Change {
  const views = e.views.slice(from, from + count);
  const last = views.at(-1)!;
  return {
    entityType: e.type,
    entityId: e.id,
    expectedVersion: from,
    events: views.map((view, k) => ({
      entityType: e.type, entityId: e.id, version: from + k + 1, type: `STEP_${from + k + 1}`, at: view.updatedAt as string,
      actor: null, payload: null, scope: { org: 'acme', ownerId: 'u1', private: false }, prevStatus: null, state: view as never,
    })),
    state: { value: last.status as string, context: e.contexts[from + count - 1] },
    effects: [],
    view: last as never,
    base: withBase && from > 0 ? (e.views[from - 1] as never) : undefined,
    deadlines: [],
  };
}

/** Every event from `after`, read in pages of `limit` (optionally one entity's or one type's). */
async function readAll(store: EventStore, limit: number, filter: { entityId?: string; entityType?: 'task' | 'agent' } = {}) {
  const out: LogEvent[] = [];
  let cursor = 0;
  for (;;) {
    const { events } = await store.readAfter(cursor, { limit, ...filter });
    if (events.length === 0) return out;
    out.push(...events);
    cursor = events.at(-1)!.cursor;
  }
}

export function leanLogContract(name: string, open: () => Promise<EventStore & SqlStore>) {
  describe(`leaner log: ${name}`, () => {
    it.each([1, 2, 3])('reads back exactly what was committed, from every cursor and page size (seed %i)', async (seed) => {
      const store = await open();
      const { entities, rnd } = histories(seed);
      const next = new Map(entities.map((e) => [e.id, 0]));
      const expected = new Map<number, View>();
      // Random groups of changes: 1–3 events each, most with the view before (patches), some
      // without (the writer did not know it: a whole view), several entities per commit.
      while ([...next.values()].some((v, i) => v < entities[i].versions)) {
        const group: Change[] = [];
        for (const e of entities) {
          const from = next.get(e.id)!;
          if (from >= e.versions || rnd() < 0.4) continue;
          const count = Math.min(e.versions - from, 1 + Math.floor(rnd() * 3));
          group.push(changeOf(e, from, count, rnd() < 0.85));
          next.set(e.id, from + count);
        }
        if (group.length === 0) continue;
        const committed = await store.commit(group);
        for (const event of committed) expected.set(event.cursor, entities.find((e) => e.id === event.entityId)!.views[event.version - 1]);
      }

      for (const limit of [1, 3, 7, 500]) {
        const events = await readAll(store, limit);
        expect(events.map((e) => e.cursor)).toEqual([...expected.keys()]);
        for (const event of events) expect(event.state, `cursor ${event.cursor}, pages of ${limit}`).toEqual(expected.get(event.cursor));
      }
      // From every cursor: the first event of each read has no page before it to resolve from.
      const cursors = [...expected.keys()];
      for (let i = 0; i < cursors.length; i += 3) {
        const { events } = await store.readAfter(cursors[i], { limit: 4 });
        for (const event of events) expect(event.state).toEqual(expected.get(event.cursor));
      }
      for (const e of entities) {
        const own = await readAll(store, 5, { entityId: e.id });
        expect(own.map((x) => x.state)).toEqual(e.views);
        const record = await store.load(e.id);
        expect(record?.version).toBe(e.versions);
        expect(record?.state).toEqual({ value: e.views.at(-1)!.status, context: e.contexts.at(-1) });
      }
      const agents = await readAll(store, 6, { entityType: 'agent' });
      for (const event of agents) expect(event.state).toEqual(expected.get(event.cursor));
      await store.close();
    });

    it('stores a patch between keyframes and a whole view at them; snapshots as a patch against the view', async () => {
      const store = await open();
      const { entities } = histories(7);
      const e = entities[0]; // 1 + up to 2.5 keyframe intervals of versions
      for (let from = 0; from < e.versions; from++) await store.commit([changeOf(e, from, 1, true)]);
      const session = await store.transfer('read');
      const rows = await session.rows<{ version: number; state: unknown }>(`SELECT version, state FROM events WHERE entity_id = '${e.id}' ORDER BY version`);
      const [entity] = await session.rows<{ state: unknown }>(`SELECT state FROM entities WHERE id = '${e.id}'`);
      await session.end(false);
      const parse = (v: unknown) => parseStored<Record<string, unknown>>(v);
      expect(rows).toHaveLength(e.versions);
      for (const row of rows) {
        const stored = parse(row.state);
        if (isKeyframe(row.version)) {
          // A whole view, but what its row holds (entity_id, version, at) and what the task's row
          // holds (its fixed keys, named by the `^` mask, first): readers put both back (above).
          expect(Object.keys(stored)[0], `v${row.version}`).toBe('^');
          expect(stored, `v${row.version}`).toMatchObject({ status: e.views[row.version - 1].status });
          for (const key of ['id', 'version', 'updatedAt', 'title', 'description', 'creator', 'org', 'private']) expect(stored, `v${row.version}`).not.toHaveProperty(key);
        } else {
          expect(Object.keys(stored).sort(), `v${row.version}`).toEqual(expect.arrayContaining(['$']));
          expect(stored.$, `v${row.version}: the title is not repeated`).not.toHaveProperty('title');
          expect(stored.$).not.toHaveProperty('version');
        }
      }
      // The snapshot: what its context has beyond the view (`$c`), or a patch against it (`$ctx`).
      const snapshot = parse(entity.state);
      const patch = snapshot.$c ?? snapshot.$ctx;
      expect(patch).toBeTypeOf('object');
      expect(patch).not.toHaveProperty('description');
      await store.close();
    });

    it('reads a history whose versions before a whole view are gone (archived), from that view on', async () => {
      const store = await open();
      const { entities } = histories(5);
      const e = entities[0];
      expect(e.versions).toBeGreaterThan(9);
      // Versions 1–6 with patches, 7 whole (its writer had no base), 8–9 patches again.
      for (let from = 0; from < 9; from++) await store.commit([changeOf(e, from, 1, from !== 6)]);
      const session = await store.transfer('write');
      await session.run(`DELETE FROM events WHERE entity_id = '${e.id}' AND version <= 6`);
      await session.end(true);
      const kept = await readAll(store, 1, { entityId: e.id });
      expect(kept.map((x) => x.version)).toEqual([7, 8, 9]);
      expect(kept.map((x) => x.state)).toEqual(e.views.slice(6, 9));
      // Version 9 alone in its page: its window (from keyframe 1) has only 7–8 left, enough.
      const { events } = await store.readAfter(kept[1].cursor, { limit: 1 });
      expect(events[0].state).toEqual(e.views[8]);
      await store.close();
    });

    it('refuses to invent a view when the rows a patch needs are missing', async () => {
      const store = await open();
      const { entities } = histories(4);
      const e = entities[0];
      for (let from = 0; from < 4; from++) await store.commit([changeOf(e, from, 1, true)]);
      const session = await store.transfer('write');
      await session.run(`DELETE FROM events WHERE entity_id = '${e.id}' AND version = 2`);
      await session.end(true);
      await expect(store.readAfter(0, { limit: 10 })).rejects.toThrow(/lacks versions 1\.\.2 of /);
      await expect(store.readAfter(0, { limit: 10, entityId: e.id })).rejects.toThrow(/lacks versions 1\.\.2 of /);
      await store.close();
    });
  });
}
