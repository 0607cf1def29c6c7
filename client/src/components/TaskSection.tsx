/**
 * One status group's list on the dashboard: its tasks, its "Load more" (and infinite scroll on
 * the last list with more pages), and what it says when empty.
 */
import { useCallback, useEffect, useRef } from 'react';
import { PAGE_SIZE, type DashboardView } from '../lib/dashboard-view';
import type { PagedList } from '../lib/paged-list';
import type { GroupInfo } from '../lib/status-groups';
import type { LiveTask } from '../stores';
import { TaskCard } from './TaskCard';

/** Figures as people read them: 20,000 (the same in every locale, so tests can read them too). */
export const formatCount = (n: number) => n.toLocaleString('en-US');

export function TaskSection(props: {
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
  /** The search the list shows the matches of ('' for none). */
  search: string;
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
  else if (more) empty = `None of the ${label} tasks read so far is ${label} any more: load more to see the next ones.`;
  else if (props.search) empty = `No ${label} tasks match “${props.search}”.`;
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
            <TaskCard key={task.id} task={task} now={props.now} isNew={props.isNew(task.id)} updated={view.order === 'updated'} />
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
          label={props.search ? `${label} matches` : `${label} tasks`}
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
      {left !== undefined && left > 0 ? <span className="muted">{formatCount(left)} more {label} not shown</span> : null}
    </div>
  );
}
