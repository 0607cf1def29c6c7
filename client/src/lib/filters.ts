/**
 * The dashboard's filters and their place in the URL, so a filtered view is a link one can share:
 * `?status=failed&mine=1`, `?status=active`, `?status=needs_clarification,pr_open&creator=acme/grace`,
 * `?q=login+form`, `?sort=updated&mine=1`.
 *
 * - `status`: comma-separated statuses (`needs_clarification`) or status groups (`active`,
 *   `completed`; lib/status-groups.ts), any case, in the order they were chosen; a whole group of
 *   several statuses is written as its name. Unknown values are ignored (an old link still opens).
 * - `mine=1`: only the viewer's own tasks (scope MINE).
 * - `creator=<user id>`: only tasks that user created.
 * - `q=<text>`: a search (`filter.search`): the lists are the server's ranked matches, best first,
 *   and the counts count the matches. As typed (trimmed), at most MAX_SEARCH characters.
 * - `sort=updated`: newest change first (`tasks(sort: UPDATED)`); without it, newest created
 *   first. A search is ranked whatever the sort (the server ranks it; the choice is kept for
 *   when the search is cleared).
 *
 * Every filter here is applied by the server (`tasks(filter:, sort:)`, `dashboardCounts(filter:)`),
 * so a filtered view pages through exactly its own tasks, and its counts count exactly those.
 */
import type { TaskFilter, TaskSort, TaskStatus } from '../gql/graphql';
import { GROUPS, STATUS_GROUP, statusesOf, type StatusGroup } from './status-groups';

export interface DashboardFilters {
  scope: 'ALL' | 'MINE';
  /** Empty: every status. In the order chosen, no repeats. */
  statuses: TaskStatus[];
  /** Empty: anyone. */
  creator: string;
  /** The search text, trimmed; empty: no search. */
  q: string;
  sort: DashboardSort;
}

export type DashboardSort = 'created' | 'updated';

/** The server's limit on a search's text (src/store/search.ts MAX_SEARCH_LENGTH). */
export const MAX_SEARCH = 200;

export const NO_FILTERS: DashboardFilters = { scope: 'ALL', statuses: [], creator: '', q: '', sort: 'created' };

/** Every status, in the order of the enum (and of the chips). */
export const STATUS_ORDER = Object.keys(STATUS_GROUP) as TaskStatus[];

const GROUP_KEYS = new Set<string>(GROUPS.map((g) => g.key));

/** The filters a query string asks for (`location.search`, with or without its `?`). */
export function fromParams(search: string | URLSearchParams): DashboardFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const wanted = new Set<TaskStatus>();
  for (const raw of (params.get('status') ?? '').split(',')) {
    const value = raw.trim().toLowerCase();
    if (!value) continue;
    if (GROUP_KEYS.has(value)) for (const s of statusesOf(value as StatusGroup)) wanted.add(s);
    else if ((STATUS_ORDER as string[]).includes(value.toUpperCase())) wanted.add(value.toUpperCase() as TaskStatus);
  }
  const mine = params.get('mine');
  return {
    scope: mine === '1' || mine === 'true' ? 'MINE' : 'ALL',
    statuses: normalize([...wanted]),
    creator: params.get('creator')?.trim() ?? '',
    q: (params.get('q') ?? '').trim().slice(0, MAX_SEARCH),
    sort: params.get('sort')?.trim().toLowerCase() === 'updated' ? 'updated' : 'created',
  };
}

/**
 * The query string for `filters` ('' for none), keeping any parameter this page does not own
 * (from `keep`). A status set that is exactly one or more whole groups is written as their names.
 */
export function toParams(filters: DashboardFilters, keep: string | URLSearchParams = ''): string {
  const params = new URLSearchParams(keep);
  for (const name of ['q', 'status', 'mine', 'creator', 'sort']) params.delete(name);
  const q = filters.q.trim();
  if (q) params.set('q', q);
  const status = statusParam(filters.statuses);
  if (status) params.set('status', status);
  if (filters.scope === 'MINE') params.set('mine', '1');
  if (filters.creator) params.set('creator', filters.creator);
  if (filters.sort === 'updated') params.set('sort', 'updated');
  // Commas and slashes are legal in a query and read better unescaped in a shared link.
  return params.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/');
}

/** The statuses as words: a whole group of several statuses by its name ("active"), in order. */
export function statusParts(statuses: readonly TaskStatus[]): { group?: StatusGroup; status?: TaskStatus }[] {
  const chosen = new Set(statuses);
  const parts: { group?: StatusGroup; status?: TaskStatus }[] = [];
  const done = new Set<StatusGroup>();
  for (const status of statuses) {
    const group = STATUS_GROUP[status];
    const members = statusesOf(group);
    if (members.length > 1 && members.every((s) => chosen.has(s))) {
      if (!done.has(group)) parts.push({ group });
      done.add(group);
    } else parts.push({ status });
  }
  return parts;
}

function statusParam(statuses: readonly TaskStatus[]): string {
  return statusParts(normalize(statuses))
    .map((p) => p.group ?? p.status!.toLowerCase())
    .join(',');
}

/** No repeats, in the order given; all of them is the same as none (no status filter). */
export function normalize(statuses: readonly TaskStatus[]): TaskStatus[] {
  const unique = [...new Set(statuses)];
  return unique.length === STATUS_ORDER.length ? [] : unique;
}

/** One key per distinct view (pages are kept per key): the same statuses in any order are one view. */
export function filtersKey(filters: DashboardFilters): string {
  return JSON.stringify([filters.scope, filters.creator, STATUS_ORDER.filter((s) => filters.statuses.includes(s)), filters.q.trim(), listSort(filters)]);
}

/** The order the lists are read in: a search is ranked by the server, whatever `sort` says. */
export function listSort(filters: DashboardFilters): TaskSort | null {
  if (filters.q.trim()) return null;
  return filters.sort === 'updated' ? 'UPDATED' : 'CREATED';
}

/**
 * What the counts cards ask the server for: scope, creator and search (status chips are applied
 * to `byStatus`). With a search, the server counts the matches: the tasks the lists page through.
 */
export function countsFilter(filters: DashboardFilters): TaskFilter {
  const filter: TaskFilter = { scope: filters.scope };
  if (filters.creator) filter.creatorId = filters.creator;
  const q = filters.q.trim();
  if (q) filter.search = q;
  return filter;
}

/**
 * The server filter of one group's list, or null when the selected statuses leave nothing of that
 * group (no request is made then).
 */
export function serverFilter(filters: DashboardFilters, group: StatusGroup): TaskFilter | null {
  const statuses = statusesOf(group).filter((s) => filters.statuses.length === 0 || filters.statuses.includes(s));
  if (statuses.length === 0) return null;
  return { ...countsFilter(filters), status: statuses };
}

/** Whether the filters select the whole of `group` and nothing else (its count card is "on"). */
export function isOnlyGroup(filters: DashboardFilters, group: StatusGroup): boolean {
  const members = statusesOf(group);
  return filters.statuses.length === members.length && members.every((s) => filters.statuses.includes(s));
}

/**
 * Whether a task (as the store holds it, its latest version) belongs to the filtered view: the
 * same rule the server applies to `tasks(filter:)` and `dashboardCounts(filter:)`, visibility
 * included (src/services/visibility.ts `canSeeTask`). The store can also hold a private task read
 * by id through an agent's grant: readable on its page, but in nobody's lists but its creator's.
 * The search is not matched here: which tasks match is the server's answer (the pages, and
 * `taskUpdated(filter: { search })`; lib/dashboard-view.ts).
 */
export function matches(
  task: { status: TaskStatus; org: string; private: boolean; creator: { id: string } },
  filters: DashboardFilters,
  viewer: { id: string; org: string },
): boolean {
  const visible = task.creator.id === viewer.id || (task.org === viewer.org && !task.private);
  return (
    visible &&
    (filters.scope === 'ALL' || task.creator.id === viewer.id) &&
    (filters.creator === '' || task.creator.id === filters.creator) &&
    (filters.statuses.length === 0 || filters.statuses.includes(task.status))
  );
}
