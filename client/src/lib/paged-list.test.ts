import { describe, expect, it } from 'vitest';
import { PagedList } from './paged-list.js';

/** Tasks t0 (oldest) … t10 (newest), a minute apart. */
const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
const t = (i: number) => ({ id: `t${i}`, createdAt: at(i) });
const ids = (list: { id: string }[]) => list.map((x) => x.id);

describe('a paged list kept live', () => {
  it('shows nothing before its first page, then exactly what its pages returned, in their order', () => {
    const list = new PagedList();
    const all = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map(t);
    expect(list.arrange(all)).toEqual([]);
    list.add({ nodes: all.slice(0, 3), hasNextPage: true, endCursor: 'c7' });
    expect(ids(list.arrange(all))).toEqual(['t9', 't8', 't7']);
    expect(list.endCursor).toBe('c7');
    expect(list.add({ nodes: all.slice(3, 6), hasNextPage: true, endCursor: 'c4' })).toBe(0);
    expect(ids(list.arrange(all))).toEqual(['t9', 't8', 't7', 't6', 't5', 't4']);
    list.add({ nodes: all.slice(6), hasNextPage: false, endCursor: 'c0' });
    expect(ids(list.arrange(all))).toEqual(ids(all));
    expect(list.hasNextPage).toBe(false);
  });

  it('puts a task created live on top, and one that moved in where it belongs only if the pages reach it', () => {
    const list = new PagedList();
    list.add({ nodes: [t(8), t(6), t(5)], hasNextPage: true, endCursor: 'c5' });
    // t10 was just created; t7 moved into this list; t2 moved in but is older than page 1 ends.
    const members = [t(10), t(8), t(7), t(6), t(5), t(2)];
    expect(ids(list.arrange(members))).toEqual(['t10', 't8', 't7', 't6', 't5']);
    // t6 left the list (status changed): not shown although a page returned it.
    expect(ids(list.arrange(members.filter((x) => x.id !== 't6')))).toEqual(['t10', 't8', 't7', 't5']);
    // The next page reaches t2: now it is shown, once, in the server's order.
    list.add({ nodes: [t(3), t(2), t(1)], hasNextPage: false, endCursor: 'c1' });
    expect(ids(list.arrange([...members, t(3), t(1)]))).toEqual(['t10', 't8', 't7', 't6', 't5', 't3', 't2', 't1']);
  });

  it('keeps the server order between tasks created in the same millisecond, and counts repeats', () => {
    const same = at(5);
    const list = new PagedList();
    const page = [{ id: 'b', createdAt: same }, { id: 'a', createdAt: same }, { id: 'c', createdAt: same }];
    list.add({ nodes: page, hasNextPage: true, endCursor: 'x' });
    expect(ids(list.arrange([...page].reverse()))).toEqual(['b', 'a', 'c']);
    expect(list.add({ nodes: [page[2], t(1)], hasNextPage: false, endCursor: 'y' })).toBe(1);
    expect(list.read).toBe(4);
  });

  it('takes in a task that changed live after the last page and was created just before its last task (commits can swap)', () => {
    const list = new PagedList(5000);
    const last = { id: 'last', createdAt: '2026-01-01T00:00:10.000Z' };
    list.add({ nodes: [t(20), last], hasNextPage: true, endCursor: 'c' }, 1000);
    const swapped = { id: 'swapped', createdAt: '2026-01-01T00:00:07.500Z' };
    const older = { id: 'older', createdAt: '2026-01-01T00:00:04.000Z' };
    const members = [t(20), last, swapped, older];
    // Held by the store from elsewhere, unchanged since the page: not shown before its page.
    expect(ids(list.arrange(members))).toEqual(['t20', 'last']);
    expect(ids(list.arrange(members, (id) => (id === 'swapped' ? 900 : undefined)))).toEqual(['t20', 'last']);
    // Changed after the page was asked for: shown, unless older than the slack.
    expect(ids(list.arrange(members, () => 1500))).toEqual(['t20', 'last', 'swapped']);
    // If the next page has it after all, it is listed once, in the server's order.
    list.add({ nodes: [swapped, older], hasNextPage: false, endCursor: 'd' }, 2000);
    expect(ids(list.arrange([older, swapped, last, t(20)], () => 1500))).toEqual(['t20', 'last', 'swapped', 'older']);
  });

  it('an empty last page ends the list', () => {
    const list = new PagedList();
    list.add({ nodes: [], hasNextPage: true, endCursor: null });
    expect(list.hasNextPage).toBe(false);
    expect(ids(list.arrange([t(1)]))).toEqual(['t1']);
  });

  it('by latest change: exactly the tasks keyed above the last one read, a change moving a task to the top', () => {
    const list = new PagedList(undefined, 'updated');
    const keys = new Map([['a', 90], ['b', 80], ['c', 70], ['d', 60], ['e', 50]]);
    const keyOf = (id: string) => keys.get(id);
    const all = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, createdAt: at(i) }));
    list.add({ nodes: all.slice(0, 2), hasNextPage: true, endCursor: '80' }, 0, [90, 80]);
    expect(ids(list.arrange(all, undefined, keyOf))).toEqual(['a', 'b']);
    // d changed live (key 100): on top, before its page; b changed too: above a.
    keys.set('d', 100);
    keys.set('b', 95);
    expect(ids(list.arrange(all, undefined, keyOf))).toEqual(['d', 'b', 'a']);
    // The next page has c and e (d is no longer where it was): every task once, by key.
    list.add({ nodes: [all[2], all[4]], hasNextPage: false, endCursor: '50' }, 0, [70, 50]);
    expect(ids(list.arrange(all, undefined, keyOf))).toEqual(['d', 'b', 'a', 'c', 'e']);
  });

  it('a search: its pages in rank order, under the matches that came live, latest first', () => {
    const list = new PagedList(undefined, 'rank');
    const page = ['x', 'y', 'z'].map((id, i) => ({ id, createdAt: at(i) }));
    list.add({ nodes: page, hasNextPage: true, endCursor: 's1' });
    const live = [{ id: 'new1', createdAt: at(9) }, { id: 'new2', createdAt: at(8) }];
    const keyOf = (id: string) => ({ new1: 10, new2: 20 })[id];
    expect(ids(list.arrange([...live, ...page].reverse(), undefined, keyOf))).toEqual(['new2', 'new1', 'x', 'y', 'z']);
  });
});
