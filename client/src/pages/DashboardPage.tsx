import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSubscription } from 'urql';
import { useLocation, useSearch } from 'wouter';
import { ALL_STATUSES, STATUS_LABEL } from '../components/StatusBadge';
import { CreateTaskForm } from '../components/CreateTaskForm';
import { TaskCard } from '../components/TaskCard';
import { graphql } from '../gql';
import type { DashboardCountsSubscription, TaskFilter, TaskStatus } from '../gql/graphql';
import { PAGE_SIZE, useDashboardView, type DashboardView } from '../lib/dashboard-view';
import { countsFilter, fromParams, isOnlyGroup, matches, normalize, statusParts, toParams, type DashboardFilters } from '../lib/filters';
import type { PagedList } from '../lib/paged-list';
import { useSession } from '../lib/session';
import { countGroups, GROUPS, groupTasks, statusesOf, type GroupCounts, type GroupInfo, type StatusGroup } from '../lib/status-groups';
import { useNow } from '../lib/time';
import { useStore } from '../lib/versioned-store';
import { tasks, type LiveTask } from '../stores';

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

/** Figures as people read them: 20,000 (the same in every locale, so tests can read them too). */
export const formatCount = (n: number) => n.toLocaleString('en-US');

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
  const { scope, statuses, creator } = filters;
  const view = useDashboardView(filters);

  // The cards follow the same scope and creator as the lists (server side); the status chips
  // are applied to the per-status counts here, exactly as the lists' server filters apply them.
  const filter = useMemo<TaskFilter>(() => countsFilter(filters), [filters]);
  const filterKey = `${scope}|${creator}`;
  const [counts, setCounts] = useState<{ key: string; value: CountsValue } | null>(null);
  const onCounts = useCallback((key: string, value: CountsValue) => setCounts({ key, value }), []);
  const current = counts?.key === filterKey ? counts.value : undefined;
  const cards: GroupCounts | undefined = current ? countGroups(current.byStatus, statuses) : undefined;

  // Every task of the store in this view now; each list keeps those its pages cover.
  const members = useMemo(() => all.filter((t) => matches(t, filters, viewer)), [all, filters, viewer]);
  const grouped = groupTasks(members);
  const lists = Object.fromEntries(GROUPS.map((g) => [g.key, view.lists[g.key]?.arrange(grouped[g.key], changedAt) ?? []])) as Record<StatusGroup, LiveTask[]>;

  // The creator filter offers who appears in the tasks read so far, and the one in the URL.
  const creators = useMemo(() => {
    const byId = new Map(all.filter((t) => matches(t, { scope: 'ALL', statuses: [], creator: '' }, viewer)).map((t) => [t.creator.id, t.creator.name]));
    if (creator && !byId.has(creator)) byId.set(creator, creator);
    return [...byId.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }, [all, viewer, creator]);

  const isNew = (id: string) => now - (tasks.arrivedAt.get(id) ?? 0) < NEW_FOR_MS;
  const creatorName = creators.find(([id]) => id === creator)?.[1] ?? creator;
  const scopeText = [
    scope === 'ALL' ? `All tasks you can see in ${viewer.org}` : 'Your tasks',
    creator ? `created by ${creatorName}` : null,
    statuses.length > 0 ? `with status ${statusParts(statuses).map((p) => (p.group ? GROUP_LABEL[p.group] : STATUS_LABEL[p.status!])).join(', ')}` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const shownTotal = GROUPS.reduce((sum, g) => sum + lists[g.key].length, 0);
  const partial = view.partial && cards !== undefined;
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
            {scope !== 'ALL' || statuses.length > 0 || creator ? (
              <p className="filters-link">
                <button type="button" className="link-button" onClick={() => setFilters(() => ({ scope: 'ALL', statuses: [], creator: '' }))}>
                  Clear filters
                </button>
                <span className="muted"> · the address bar links to this view</span>
              </p>
            ) : null}
          </section>
        </div>

        <div className="dashboard-lists">
          {!tasks.loaded ? (
            <p className="muted">Loading tasks…</p>
          ) : (
            <>
              {partial ? (
                <p role="status" className="banner partial" data-testid="partial-list" data-shown={shownTotal} data-total={cards!.total}>
                  Showing {formatCount(shownTotal)} of {formatCount(cards!.total)} tasks, newest first in each list, kept live. “Load more” at the
                  end of a list reads its next {PAGE_SIZE}.
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

function TaskSection(props: {
  group: GroupInfo;
  view: DashboardView;
  /** This group's pages; null when the status filter leaves none of its statuses. */
  list: PagedList | null;
  items: LiveTask[];
  /** The card's figure for this list (same scope and filters). */
  counted: number | undefined;
  /** Read the next page by itself when the end of the list scrolls into view. */
  autoLoad: boolean;
  now: number;
  isNew: (id: string) => boolean;
}) {
  const { group, items, list, view } = props;
  const testId = `${group.key}-tasks`;
  const headingId = `${testId}-heading`;
  const more = list?.hasNextPage ?? false;
  const short = more && props.counted !== undefined;
  const loadMore = useCallback(() => void view.loadMore(group.key), [view, group.key]);
  const label = group.label.toLowerCase();
  let empty: string;
  // Left out by the status filter: one line, so the lists it selects come first to the eye.
  if (!list) empty = '';
  else if (list.pages === 0) empty = list.error ? '' : 'Loading…';
  else if (more) empty = `None of the ${label} tasks read so far is ${label} any more: load more to see older ones.`;
  else empty = group.empty;
  return (
    <section
      className={`card task-section section-${group.tone}${list ? '' : ' excluded'}`}
      aria-labelledby={headingId}
      data-testid={testId}
      data-group={group.key}
      data-pages={list?.pages ?? 0}
      data-more={more}
      data-loading={list?.loading ?? false}
    >
      <h2 id={headingId}>
        {group.label}{' '}
        <span className="muted" data-testid={`${testId}-count`} data-count={items.length}>
          ({short ? `showing ${items.length} of ${formatCount(props.counted!)}` : items.length})
        </span>
        <span className="section-holds muted"> · {list ? group.holds : `none of its statuses (${group.holds}) is selected`}</span>
      </h2>
      {items.length === 0 ? (
        empty ? <p className="muted">{empty}</p> : null
      ) : (
        <ul className="task-list" aria-live="polite">
          {items.map((task) => (
            <TaskCard key={task.id} task={task} now={props.now} isNew={props.isNew(task.id)} />
          ))}
        </ul>
      )}
      {list?.error ? (
        <p role="alert" className="load-error">
          Could not load {label} tasks: {list.error}{' '}
          <button type="button" className="button" onClick={loadMore}>
            Try again
          </button>
        </p>
      ) : list && more && list.pages > 0 ? (
        <LoadMore
          loading={list.loading}
          left={props.counted !== undefined ? Math.max(0, props.counted - items.length) : undefined}
          label={label}
          auto={props.autoLoad}
          pages={list.pages}
          onLoad={loadMore}
        />
      ) : null}
    </section>
  );
}

/**
 * "Load more" at the end of a list; with `auto`, also read as soon as the end comes within a
 * screen of the viewport (IntersectionObserver), so scrolling down the last list never stops.
 */
function LoadMore(props: { loading: boolean; left: number | undefined; label: string; auto: boolean; pages: number; onLoad: () => void }) {
  const { loading, left, label, auto, pages, onLoad } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!auto || loading || !element || typeof IntersectionObserver === 'undefined') return;
    // Observed anew after each page: still in view after one, the next is read too.
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) onLoad();
    }, { rootMargin: '0px 0px 100% 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [auto, loading, pages, onLoad]);
  const next = left === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, left);
  return (
    <div className="load-more" ref={ref}>
      <button type="button" className="button" onClick={onLoad} disabled={loading} aria-busy={loading}>
        {loading ? (
          <>
            <span className="spinner small" aria-hidden="true" /> Loading…
          </>
        ) : next > 0 ? (
          `Load ${next} more`
        ) : (
          'Load more'
        )}
      </button>
      {left !== undefined && left > 0 ? <span className="muted">{formatCount(left)} older {label} tasks not shown</span> : null}
    </div>
  );
}
