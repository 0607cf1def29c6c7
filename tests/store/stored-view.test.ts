/**
 * Whole views stored without their null keys (view-patch.ts `storedView` / `restoreView`): a
 * round trip gives back exactly the view committed, null keys in, absent keys still absent.
 * And event times read back from SQLite's milliseconds (`isoTime`) as `toISOString` spells them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { agentMachine, agentView, taskMachine, taskView } from '../../src/machines/index.js';
import type { View } from '../../src/store/view-patch.js';
import { decodeEntityState, encodeEntityState, isoTime, restoreKeyframe, restoreView, storedKeyframe, storedView } from '../../src/store/view-patch.js';
import { agentInput, AT, taskInput } from '../machines/fixtures.js';
import { searchView } from './search-suite.js';

const roundTrip = (view: object) => restoreView(JSON.parse(storedView(view as View)) as object);

describe('stored whole views', () => {
  it('leave out null keys of the list and put them back; keep every other key as it is', () => {
    const task = searchView({ id: 't1', title: 'Export', creator: { id: 'acme/ada', org: 'acme' } }, 1);
    const stored = storedView(task);
    for (const key of ['"branch":null', '"pr":null', '"error":null', '"agentId":null', '"issue":null']) expect(stored).not.toContain(key);
    expect(stored.length).toBeLessThan(JSON.stringify(task).length - 80);
    expect(roundTrip(task)).toEqual(task);
    expect(Object.keys(roundTrip(task)).sort()).toEqual(Object.keys(task).sort());
    const busy = { ...task, branch: 'feat/x', pr: { number: 3, url: 'u', title: 't' }, error: null };
    expect(roundTrip(busy)).toEqual(busy);
  });

  it('leave a view without null keys, or one whose null keys are not in the list, byte for byte', () => {
    const plain = { id: 'a', name: 'worker', org: 'acme', status: 'idle', health: 'healthy', note: null };
    expect(storedView(plain as unknown as View)).toBe(JSON.stringify(plain));
    expect(roundTrip(plain)).toEqual(plain);
  });

  it('never give a view a key it did not have', () => {
    const partial = { id: 'p', clarifications: [], branch: null };
    const back = roundTrip(partial);
    expect(back).toEqual(partial);
    expect('pr' in back).toBe(false);
  });

  it('read a view stored whole before (no mask) as it is', () => {
    const old = { id: 'o', clarifications: [], branch: null, pr: null };
    expect(restoreView(JSON.parse(JSON.stringify(old)) as object)).toEqual(old);
  });

  it('store a keyframe without what its row holds (id, version, updatedAt) and read it back whole', () => {
    const task = searchView({ id: 't1', title: 'Export', creator: { id: 'acme/ada', org: 'acme' } }, 3);
    const row = { entityId: 't1', version: task.version, at: task.updatedAt };
    const stored = storedKeyframe(task, row);
    for (const key of ['id', 'version', 'updatedAt']) expect(JSON.parse(stored)).not.toHaveProperty(key);
    expect(stored.length).toBeLessThan(storedView(task).length - 40);
    expect(restoreKeyframe(JSON.parse(stored) as object, row)).toEqual(task);
  });

  it('keep in a keyframe a key whose value is not its row’s, and read a keyframe stored whole before as it is', () => {
    const task = searchView({ id: 't1', title: 'Export', creator: { id: 'acme/ada', org: 'acme' } }, 3);
    const other = { entityId: 't1', version: task.version + 1, at: '2020-01-01T00:00:00.000Z' };
    const kept = JSON.parse(storedKeyframe(task, other)) as Record<string, unknown>;
    expect(kept).toMatchObject({ version: task.version, updatedAt: task.updatedAt });
    expect(kept).not.toHaveProperty('id');
    expect(restoreKeyframe(kept, other)).toEqual(task);
    // Written before this codec: every key there; the row's values do not overwrite them.
    expect(restoreKeyframe(JSON.parse(storedView(task)) as object, other)).toEqual(task);
  });

  it('store a task keyframe without its fixed keys where the task’s row has them, and read them back from that row', () => {
    const task = searchView({ id: 't1', title: 'Export', creator: { id: 'acme/ada', org: 'acme' } }, 3);
    const withText = { ...task, description: 'Export the list as CSV, with the filters applied.' };
    const row = { entityId: 't1', version: withText.version, at: withText.updatedAt };
    const stored = storedKeyframe(withText, row, withText);
    const parsed = JSON.parse(stored) as Record<string, unknown>;
    expect(Object.keys(parsed)[0]).toBe('^');
    for (const key of ['title', 'description', 'creator', 'org', 'private']) expect(parsed).not.toHaveProperty(key);
    expect(stored.length).toBeLessThan(storedKeyframe(withText, row).length - 100);
    // The task's row as stored (null keys masked), as text (SQLite) or parsed (PostgreSQL).
    const taskRow = storedView(withText);
    expect(restoreKeyframe(JSON.parse(stored) as object, row, () => taskRow)).toEqual(withText);
    expect(restoreKeyframe(JSON.parse(stored) as object, row, () => JSON.parse(taskRow))).toEqual(withText);
    // A null description (masked in the row by `~`) comes back null.
    const bare = { ...withText, description: null };
    expect(restoreKeyframe(JSON.parse(storedKeyframe(bare, row, bare)) as object, row, () => storedView(bare))).toEqual(bare);
    // Without the row beside it, it is not read as something else.
    expect(() => restoreKeyframe(JSON.parse(stored) as object, row, () => null)).toThrow(/leaves out what its task's row holds/);
    // A key whose value is not the row's stays in the keyframe.
    const renamed = JSON.parse(storedKeyframe(withText, row, { ...withText, title: 'Other' })) as Record<string, unknown>;
    expect(renamed).toMatchObject({ title: 'Export' });
    expect(restoreKeyframe(renamed, row, () => storedView({ ...withText, title: 'Other' }))).toEqual(withText);
  });

  it('store a snapshot as what its context has beyond its view (`$c`), and read it back as it was', () => {
    const [task0] = initialTransition(taskMachine, taskInput()) as [AnyMachineSnapshot, unknown];
    const [task1] = transition(taskMachine, task0 as never, { type: 'CANCEL', reason: 'no' } as never) as [AnyMachineSnapshot, unknown];
    const [agent] = initialTransition(agentMachine, agentInput()) as [AnyMachineSnapshot, unknown];
    const cases: [{ value: unknown; context: Record<string, unknown> }, View][] = [
      [{ value: task0.value, context: task0.context }, taskView(task0 as never, 1, AT)],
      [{ value: task1.value, context: task1.context }, taskView(task1 as never, 2, AT)],
      [{ value: agent.value, context: agent.context }, agentView(agent as never, 1, AT)],
    ];
    for (const [state, view] of cases) {
      const stored = encodeEntityState(state, view);
      expect(Object.keys(JSON.parse(stored) as object)).toEqual(['$c']);
      expect(stored.length).toBeLessThan(80);
      // Through JSON as a store reads it: the view restored, the snapshot decoded against it.
      expect(decodeEntityState(JSON.parse(stored) as object, JSON.parse(JSON.stringify(view)) as View)).toEqual(JSON.parse(JSON.stringify(state)));
    }
  });

  it('store a snapshot that is not its view plus the derived keys with its value and the keys to take away', () => {
    const [task] = initialTransition(taskMachine, taskInput()) as [AnyMachineSnapshot, unknown];
    const view = taskView(task as never, 1, AT);
    const odd: { value: unknown; context: Record<string, unknown> }[] = [
      // A value that is not the view's state value.
      { value: 'analyzing', context: task.context },
      // A context with a key the view derives, of the same value: not one to take away.
      { value: task.value, context: { ...task.context, status: view.status } },
      // A context without a key the view has from it.
      { value: task.value, context: Object.fromEntries(Object.entries(task.context).filter(([key]) => key !== 'title')) },
    ];
    for (const state of odd) {
      const stored = JSON.parse(encodeEntityState(state, view)) as object;
      expect(stored).toHaveProperty('$ctx');
      expect(decodeEntityState(stored, JSON.parse(JSON.stringify(view)) as View)).toEqual(JSON.parse(JSON.stringify(state)));
    }
    // Stored whole before either form: read as it is.
    const whole = { value: task.value, context: task.context };
    expect(decodeEntityState(JSON.parse(JSON.stringify(whole)) as object, null)).toEqual(JSON.parse(JSON.stringify(whole)));
  });
});

describe('event times as read (isoTime)', () => {
  it('spell stored milliseconds exactly as toISOString does, in any order, for years 0–9999', () => {
    const now = Date.UTC(2026, 11, 4, 18, 44, 31, 7);
    const edges = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, now, now + 993, Date.UTC(2000, 1, 29, 23, 59, 59, 999), 253_402_300_799_999];
    const property = fc.array(fc.oneof(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.integer({ min: now - 3000, max: now + 3000 }), fc.constantFrom(...edges)), { minLength: 1 });
    fc.assert(fc.property(property, (times) => times.every((at) => isoTime(at) === new Date(at).toISOString())), { numRuns: 500 });
  });

  it('spell what the cache does not cover as toISOString does, and leave text as it is', () => {
    for (const at of [-1, -62_198_755_200_000, 1.5, 253_402_300_800_000]) expect(isoTime(at)).toBe(new Date(at).toISOString());
    expect(isoTime('2026-12-04T18:44:31.007Z')).toBe('2026-12-04T18:44:31.007Z');
  });
});
