import { describe, expect, it } from 'vitest';
import { countsFilter, filtersKey, fromParams, listSort, matches, MAX_SEARCH, NO_FILTERS, serverFilter, toParams, type DashboardFilters } from './filters.js';
import { statusesOf } from './status-groups.js';

describe('dashboard filters in the URL', () => {
  it('read statuses and groups in any case, mine and creator; ignore what they do not know', () => {
    expect(fromParams('?status=failed&mine=1')).toEqual({ ...NO_FILTERS, scope: 'MINE', statuses: ['FAILED'], creator: '' });
    expect(fromParams('status=Active').statuses).toEqual(statusesOf('active'));
    expect(fromParams('status=merged,pr_open,nonsense&creator=acme/grace')).toEqual({ ...NO_FILTERS, scope: 'ALL', statuses: ['MERGED', 'PR_OPEN'], creator: 'acme/grace' });
    expect(fromParams('')).toEqual(NO_FILTERS);
    // Every status is no filter at all.
    expect(fromParams('status=active,completed,failed,cancelled').statuses).toEqual([]);
  });

  it('write whole groups of several statuses by name, statuses by name, in the order chosen, and keep parameters they do not own', () => {
    expect(toParams({ ...NO_FILTERS, scope: 'MINE', statuses: ['FAILED'], creator: '' })).toBe('status=failed&mine=1');
    expect(toParams({ ...NO_FILTERS, scope: 'ALL', statuses: statusesOf('active'), creator: 'acme/grace' })).toBe('status=active&creator=acme/grace');
    expect(toParams({ ...NO_FILTERS, scope: 'ALL', statuses: ['FAILED', 'CODING', 'MERGED'], creator: '' })).toBe('status=failed,coding,merged');
    expect(toParams({ ...NO_FILTERS, scope: 'ALL', statuses: ['FAILED', ...statusesOf('active'), 'FAILED'], creator: '' })).toBe('status=failed,active');
    expect(toParams(NO_FILTERS, '?status=failed&other=x')).toBe('other=x');
  });

  it('round-trip', () => {
    const cases: DashboardFilters[] = [
      NO_FILTERS,
      { ...NO_FILTERS, scope: 'MINE', statuses: ['FAILED', 'RECEIVED', 'NEEDS_CLARIFICATION'], creator: '' },
      { ...NO_FILTERS, scope: 'ALL', statuses: [...statusesOf('active'), 'MERGED'], creator: 'globex/bob smith' },
    ];
    for (const filters of cases) expect(fromParams(toParams(filters))).toEqual(filters);
  });

  it('ask the server for each group only the selected statuses of it', () => {
    const filters: DashboardFilters = { ...NO_FILTERS, scope: 'MINE', statuses: ['CODING', 'FAILED'], creator: '' };
    expect(serverFilter(filters, 'active')).toEqual({ scope: 'MINE', status: ['CODING'] });
    expect(serverFilter(filters, 'failed')).toEqual({ scope: 'MINE', status: ['FAILED'] });
    expect(serverFilter(filters, 'completed')).toBeNull();
    expect(serverFilter(NO_FILTERS, 'active')).toEqual({ scope: 'ALL', status: statusesOf('active') });
  });

  it('match as the server does, visibility included', () => {
    const viewer = { id: 'acme/ada', org: 'acme' };
    const task = (over: Partial<{ status: 'FAILED' | 'CODING'; org: string; private: boolean; creator: { id: string } }>) => ({
      status: 'FAILED' as const,
      org: 'acme',
      private: false,
      creator: { id: 'acme/grace' },
      ...over,
    });
    expect(matches(task({}), NO_FILTERS, viewer)).toBe(true);
    expect(matches(task({ private: true }), NO_FILTERS, viewer)).toBe(false);
    expect(matches(task({ private: true, creator: { id: 'acme/ada' } }), NO_FILTERS, viewer)).toBe(true);
    expect(matches(task({ org: 'globex' }), NO_FILTERS, viewer)).toBe(false);
    expect(matches(task({}), { ...NO_FILTERS, scope: 'MINE' }, viewer)).toBe(false);
    expect(matches(task({}), { ...NO_FILTERS, creator: 'acme/grace' }, viewer)).toBe(true);
    expect(matches(task({ status: 'CODING' }), { ...NO_FILTERS, statuses: ['FAILED'] }, viewer)).toBe(false);
  });

  it('read and write the search (q) and the sort, round-trip, and keep other parameters', () => {
    expect(fromParams('?q=login%20form&sort=updated')).toEqual({ ...NO_FILTERS, q: 'login form', sort: 'updated' });
    expect(fromParams('q=++&sort=UPDATED ').q).toBe('');
    expect(fromParams('sort=updated').sort).toBe('updated');
    expect(fromParams('sort=random').sort).toBe('created');
    expect(fromParams(`q=${'x'.repeat(300)}`).q).toHaveLength(MAX_SEARCH);
    expect(toParams({ ...NO_FILTERS, q: '  login form ', sort: 'updated', scope: 'MINE' }, 'tab=1')).toBe('tab=1&q=login+form&mine=1&sort=updated');
    expect(toParams({ ...NO_FILTERS, sort: 'created' })).toBe('');
    const cases: DashboardFilters[] = [
      { ...NO_FILTERS, q: 'fix/login #42 "quoted" & more', sort: 'updated' },
      { ...NO_FILTERS, q: 'ünïcode 日本', statuses: ['FAILED'], creator: 'acme/ada' },
      { ...NO_FILTERS, sort: 'updated', statuses: statusesOf('active') },
    ];
    for (const filters of cases) expect(fromParams(toParams(filters)), JSON.stringify(filters)).toEqual(filters);
  });

  it('search and sort reach the server: a search in every filter and ranked (no sort), the sort otherwise', () => {
    const searching: DashboardFilters = { ...NO_FILTERS, q: 'login', sort: 'updated', scope: 'MINE' };
    expect(countsFilter(searching)).toEqual({ scope: 'MINE', search: 'login' });
    expect(serverFilter(searching, 'failed')).toEqual({ scope: 'MINE', search: 'login', status: ['FAILED'] });
    expect(listSort(searching)).toBeNull();
    expect(listSort({ ...NO_FILTERS, sort: 'updated' })).toBe('UPDATED');
    expect(listSort(NO_FILTERS)).toBe('CREATED');
    // Each is its own view (its own pages); the sort chosen under a search reads the same ranked lists.
    const keys = new Set([NO_FILTERS, { ...NO_FILTERS, sort: 'updated' as const }, { ...NO_FILTERS, q: 'login' }, { ...NO_FILTERS, q: 'logi' }].map(filtersKey));
    expect(keys.size).toBe(4);
    expect(filtersKey({ ...NO_FILTERS, q: 'login', sort: 'updated' })).toBe(filtersKey({ ...NO_FILTERS, q: 'login' }));
  });
});
