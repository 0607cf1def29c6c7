/**
 * Whole views stored without their null keys (view-patch.ts `storedView` / `restoreView`): a
 * round trip gives back exactly the view committed, null keys in, absent keys still absent.
 */
import { describe, expect, it } from 'vitest';
import type { View } from '../../src/store/view-patch.js';
import { restoreView, storedView } from '../../src/store/view-patch.js';
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
});
