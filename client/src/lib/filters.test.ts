import { describe, expect, it } from 'vitest';
import { fromParams, matches, NO_FILTERS, serverFilter, toParams, type DashboardFilters } from './filters.js';
import { statusesOf } from './status-groups.js';

describe('dashboard filters in the URL', () => {
  it('read statuses and groups in any case, mine and creator; ignore what they do not know', () => {
    expect(fromParams('?status=failed&mine=1')).toEqual({ scope: 'MINE', statuses: ['FAILED'], creator: '' });
    expect(fromParams('status=Active').statuses).toEqual(statusesOf('active'));
    expect(fromParams('status=merged,pr_open,nonsense&creator=acme/grace')).toEqual({ scope: 'ALL', statuses: ['MERGED', 'PR_OPEN'], creator: 'acme/grace' });
    expect(fromParams('')).toEqual(NO_FILTERS);
    // Every status is no filter at all.
    expect(fromParams('status=active,completed,failed,cancelled').statuses).toEqual([]);
  });

  it('write whole groups of several statuses by name, statuses by name, in the order chosen, and keep parameters they do not own', () => {
    expect(toParams({ scope: 'MINE', statuses: ['FAILED'], creator: '' })).toBe('status=failed&mine=1');
    expect(toParams({ scope: 'ALL', statuses: statusesOf('active'), creator: 'acme/grace' })).toBe('status=active&creator=acme/grace');
    expect(toParams({ scope: 'ALL', statuses: ['FAILED', 'CODING', 'MERGED'], creator: '' })).toBe('status=failed,coding,merged');
    expect(toParams({ scope: 'ALL', statuses: ['FAILED', ...statusesOf('active'), 'FAILED'], creator: '' })).toBe('status=failed,active');
    expect(toParams(NO_FILTERS, '?status=failed&other=x')).toBe('other=x');
  });

  it('round-trip', () => {
    const cases: DashboardFilters[] = [
      NO_FILTERS,
      { scope: 'MINE', statuses: ['FAILED', 'RECEIVED', 'NEEDS_CLARIFICATION'], creator: '' },
      { scope: 'ALL', statuses: [...statusesOf('active'), 'MERGED'], creator: 'globex/bob smith' },
    ];
    for (const filters of cases) expect(fromParams(toParams(filters))).toEqual(filters);
  });

  it('ask the server for each group only the selected statuses of it', () => {
    const filters: DashboardFilters = { scope: 'MINE', statuses: ['CODING', 'FAILED'], creator: '' };
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
});
