/**
 * Whole views stored without their null keys (view-patch.ts `storedView` / `restoreView`): a
 * round trip gives back exactly the view committed, null keys in, absent keys still absent.
 */
import { describe, expect, it } from 'vitest';
import type { View } from '../../src/store/view-patch.js';
import { restoreKeyframe, restoreView, storedKeyframe, storedView } from '../../src/store/view-patch.js';
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
});
