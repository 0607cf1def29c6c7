import { ErrorSummary } from '../components/ErrorSummary';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSubscription } from 'urql';
import { useLocation, useSearch } from 'wouter';
import { ALL_STATUSES, STATUS_LABEL } from '../components/StatusBadge';
import { CreateTaskForm } from '../components/CreateTaskForm';
import { SearchBar } from '../components/SearchBar';
import { formatCount, TaskSection } from '../components/TaskSection';
import { graphql } from '../gql';
import type { DashboardCountsSubscription, TaskFilter, TaskStatus } from '../gql/graphql';
import { PAGE_SIZE, useDashboardView } from '../lib/dashboard-view';
import { countsFilter, fromParams, isOnlyGroup, matches, NO_FILTERS, normalize, statusParts, toParams, type DashboardFilters } from '../lib/filters';
import { useSession } from '../lib/session';
import { countGroups, GROUPS, groupTasks, statusesOf, type GroupCounts, type StatusGroup } from '../lib/status-groups';
import { useNow } from '../lib/time';
import { useStore } from '../lib/versioned-store';
import { tasks, updateKeys, type LiveTask } from '../stores';

const Counts = graphql(`
  subscription DashboardCounts($filter: TaskFilter) {
    dashboardCounts(filter: $filter) {
      cursor
      byStatus {
        status
        count
      }
    }
  }
`);

type CountsValue = DashboardCountsSubscription['dashboardCounts'];

const NEW_FOR_MS = 8000;
const changedAt = (id: string) => tasks.changedAt.get(id);
const GROUP_LABEL = Object.fromEntries(GROUPS.map((g) => [g.key, g.label])) as Record<StatusGroup, string>;


/**
 * The counts subscription for one filter. Keyed by that filter, so a new filter starts from
 * nothing ("–") instead of showing the previous filter's figures until the first message.
 */
function CountsFeed({ filter, filterKey, onCounts }: { filter: TaskFilter; filterKey: string; onCounts: (key: string, value: CountsValue) => void }) {
  const [{ data }] = useSubscription({ query: Counts, variables: { filter } });
  useEffect(() => {
    if (data) onCounts(filterKey, data.dashboardCounts);
  }, [data, filterKey, onCounts]);
  return null;
}

/**
 * The filters live in the query string (lib/filters.ts), so a view is a shareable link: read on
 * every render from the URL, written with replaceState (wouter's hash router keeps the query
 * string beside `#/…`; changing a filter is not a step for the back button).
 */
function useUrlFilters(): [DashboardFilters, (change: (current: DashboardFilters) => DashboardFilters) => void] {
  const search = useSearch();
  const [path, navigate] = useLocation();
  const filters = useMemo(() => fromParams(search), [search]);
  const update = useCallback(
    (change: (current: DashboardFilters) => DashboardFilters) => {
      const next = change(fromParams(location.search));
      // `path?` with an empty query clears it (wouter keeps the query when none is given).
      navigate(`${path}?${toParams({ ...next, statuses: normalize(next.statuses) }, location.search)}`, { replace: true });
    },
    [path, navigate],
  );
  return [filters, update];
}

export function DashboardPage() {
  const viewer = useSession()!.viewer;
  const all = useStore(tasks);
  const now = useNow(1000);
  const [filters, setFilters] = useUrlFilters();
  const { scope, statuses, creator, q } = filters;
  const view = useDashboardView(filters);
  const viewVersion = view.getVersion();

  // The cards follow the same scope and creator as the lists (server side); the status chips
  // are applied to the per-status counts here, exactly as the lists' server filters apply them.
  const filter = useMemo<TaskFilter>(() => countsFilter(filters), [filters]);
  const filterKey = JSON.stringify(filter);
  const [counts, setCounts] = useState<{ key: string; value: CountsValue } | null>(null);
  const onCounts = useCallback((key: string, value: CountsValue) => setCounts({ key, value }), []);
  const current = counts?.key === filterKey ? counts.value : undefined;
  const cards: GroupCounts | undefined = current ? countGroups(current.byStatus, statuses) : undefined;

  // Every task of the store in this view now; each list keeps those its pages cover.
  // With a search, only the server's matches (the view's `isMember`, which grows as pages and
  // live matches arrive: hence its version).
  const members = useMemo(() => all.filter((t) => matches(t, filters, viewer) && view.isMember(t.id)), [all, filters, viewer, view, viewVersion]);
  const grouped = groupTasks(members);
  const lists = Object.fromEntries(
    GROUPS.map((g) => [g.key, view.lists[g.key]?.arrange(grouped[g.key], changedAt, updateKeys.get) ?? []]),
  ) as Record<StatusGroup, LiveTask[]>;

  // The creator filter offers who appears in the tasks read so far, and the one in the URL.
  const creators = useMemo(() => {
    const byId = new Map(all.filter((t) => matches(t, NO_FILTERS, viewer)).map((t) => [t.creator.id, t.creator.name]));
    if (creator && !byId.has(creator)) byId.set(creator, creator);
    return [...byId.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }, [all, viewer, creator]);

  const isNew = (id: string) => now - (tasks.arrivedAt.get(id) ?? 0) < NEW_FOR_MS;
  const creatorName = creators.find(([id]) => id === creator)?.[1] ?? creator;
  const scopeText = [
    scope === 'ALL' ? `All tasks you can see in ${viewer.org}` : 'Your tasks',
    creator ? `created by ${creatorName}` : null,
    statuses.length > 0 ? `with status ${statusParts(statuses).map((p) => (p.group ? GROUP_LABEL[p.group] : STATUS_LABEL[p.status!])).join(', ')}` : null,
    q ? `matching “${q}”` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const shownTotal = GROUPS.reduce((sum, g) => sum + lists[g.key].length, 0);
  const partial = view.partial && cards !== undefined;
  const order = view.order === 'rank' ? 'best match first' : view.order === 'updated' ? 'most recently updated first' : 'newest first';
  const setSearch = useCallback((text: string) => setFilters((f) => ({ ...f, q: text })), [setFilters]);
  const setSort = useCallback((sort: DashboardFilters['sort']) => setFilters((f) => ({ ...f, sort })), [setFilters]);
  // Infinite scroll only where nothing is below: the last list that has more pages.
  const autoLoad = [...GROUPS].reverse().find((g) => view.lists[g.key]?.hasNextPage)?.key;

  const toggleGroup = (group: StatusGroup) =>
    setFilters((f) => ({ ...f, statuses: isOnlyGroup(f, group) ? [] : statusesOf(group) }));
  const toggleStatus = (status: TaskStatus) =>
    setFilters((f) => ({ ...f, statuses: f.statuses.includes(status) ? f.statuses.filter((s) => s !== status) : [...f.statuses, status] }));

  return (
    <div className="dashboard">
      <CountsFeed key={filterKey} filter={filter} filterKey={filterKey} onCounts={onCounts} />
      <section aria-label="Counts" className="counts-block">
        <p className="counts-scope muted" data-testid="counts-scope">
          {scopeText}
        </p>
        <div className="counts">
          {GROUPS.map((group) => (
            <Count
              key={group.key}
              group={group.key}
              label={group.label}
              title={`Tasks ${group.holds}. Click to show only these; again to show all.`}
              value={cards?.[group.key]}
              tone={group.tone}
              pressed={isOnlyGroup(filters, group.key)}
              onClick={() => toggleGroup(group.key)}
            />
          ))}
          <Count group="total" label="Total" title="Active + completed + failed + cancelled" value={cards?.total} tone="total" />
        </div>
      </section>

      <div className="dashboard-grid">
        <div className="dashboard-side">
          <CreateTaskForm />
          <ErrorSummary failed={cards?.failed ?? null} />
          <section className="card filters" aria-labelledby="filters-heading">
            <h2 id="filters-heading">Filters</h2>
            <fieldset className="segmented">
              <legend>Show</legend>
              {(['ALL', 'MINE'] as const).map((value) => (
                <label key={value} className={scope === value ? 'selected' : ''}>
                  <input type="radio" name="scope" value={value} checked={scope === value} onChange={() => setFilters((f) => ({ ...f, scope: value }))} />
                  {value === 'ALL' ? 'All tasks' : 'My tasks'}
                </label>
              ))}
            </fieldset>
            <fieldset className="chips">
              <legend>Status</legend>
              {ALL_STATUSES.map((status) => {
                const pressed = statuses.includes(status);
                const count = current?.byStatus.find((b) => b.status === status)?.count;
                return (
                  <button
                    key={status}
                    type="button"
                    aria-pressed={pressed}
                    className={`chip status-${status.toLowerCase()}${pressed ? ' pressed' : ''}`}
                    onClick={() => toggleStatus(status)}
                  >
                    {STATUS_LABEL[status]}
                    {count !== undefined ? <span className="chip-count">{formatCount(count)}</span> : null}
                  </button>
                );
              })}
            </fieldset>
            <label htmlFor="creator-filter">Creator</label>
            <select id="creator-filter" value={creator} onChange={(e) => setFilters((f) => ({ ...f, creator: e.target.value }))}>
              <option value="">Anyone</option>
              {creators.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
            {scope !== 'ALL' || statuses.length > 0 || creator || q ? (
              <p className="filters-link">
                <button type="button" className="link-button" onClick={() => setFilters((f) => ({ ...NO_FILTERS, sort: f.sort }))}>
                  Clear filters
                </button>
                <span className="muted"> · the address bar links to this view</span>
              </p>
            ) : null}
          </section>
        </div>

        <div className="dashboard-lists">
          <SearchBar q={q} sort={filters.sort} onSearch={setSearch} onSort={setSort} />
          {!tasks.loaded ? (
            <p className="muted">Loading tasks…</p>
          ) : (
            <>
              {q && cards !== undefined && cards.total === 0 ? (
                <p role="status" className="banner no-matches" data-testid="no-matches">
                  No tasks match “{q}”{scope !== 'ALL' || statuses.length > 0 || creator ? ' with these filters' : ''}.
                </p>
              ) : q && cards !== undefined ? (
                <p role="status" className="banner search" data-testid="search-summary" data-matches={cards.total} data-shown={shownTotal}>
                  {formatCount(cards.total)} {cards.total === 1 ? 'task matches' : 'tasks match'} “{q}”, best match first in each list
                  {partial ? `: showing ${formatCount(shownTotal)}, “Load more” at the end of a list reads its next ${PAGE_SIZE}` : ''}.
                </p>
              ) : partial ? (
                <p role="status" className="banner partial" data-testid="partial-list" data-shown={shownTotal} data-total={cards!.total}>
                  Showing {formatCount(shownTotal)} of {formatCount(cards!.total)} tasks, {order} in each list, kept live. “Load more” at the end
                  of a list reads its next {PAGE_SIZE}.
                </p>
              ) : null}
              {GROUPS.map((group) => (
                <TaskSection
                  key={group.key}
                  group={group}
                  view={view}
                  list={view.lists[group.key]}
                  items={lists[group.key]}
                  counted={cards?.[group.key]}
                  autoLoad={autoLoad === group.key}
                  now={now}
                  isNew={isNew}
                  search={q}
                />
              ))}
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function Count(props: { group: string; label: string; title: string; value: number | undefined; tone: string; pressed?: boolean; onClick?: () => void }) {
  const { group, label, title, value, tone, pressed, onClick } = props;
  const body = (
    <>
      <span className="count-value" data-value={value ?? ''}>
        {value === undefined ? '–' : formatCount(value)}
      </span>
      <span className="count-label">{label}</span>
    </>
  );
  if (!onClick) {
    return (
      <div className={`count count-${tone}`} data-count={group} title={title}>
        {body}
      </div>
    );
  }
  return (
    <button type="button" className={`count count-${tone}${pressed ? ' pressed' : ''}`} data-count={group} title={title} aria-pressed={pressed} onClick={onClick}>
      {body}
    </button>
  );
}

