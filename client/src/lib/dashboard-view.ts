/**
 * The dashboard's lists for one set of filters: one PagedList (lib/paged-list.ts) per status
 * group, each read from the server with that group's statuses and the filters
 * (lib/filters.ts `serverFilter`), so a filtered view pages through its own tasks instead of
 * filtering a fixed first page here.
 *
 * Pages are read only once the app-wide `taskUpdated` stream knows where it starts
 * (components/LiveTasks.tsx sets `tasks.loaded`): every page is then read at a log cursor at or
 * after the stream's start, so every change after a page's read reaches the store, and the
 * store keeps the newest version of each task whichever arrives first.
 *
 * With a search, which tasks match is the server's answer: the pages' tasks, and those that
 * `taskUpdated(filter: { search })` reports from the first pages' log cursor on (`matched`), so
 * a task that begins to match live is listed (on top: lib/paged-list.ts, `rank` order).
 *
 * The lists of the current filters outlive the page (open a task, come back: the same pages, kept
 * live all along); another filter starts over. One per urql client, so a new session starts empty.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useClient, type Client } from 'urql';
import { graphql } from '../gql';
import { taskRef, tasks, updateKeys } from '../stores';
import { countsFilter, filtersKey, listSort, serverFilter, type DashboardFilters } from './filters';
import { PagedList, type ListOrder } from './paged-list';
import { GROUPS, type StatusGroup } from './status-groups';

/** Tasks per page and group (four groups: up to 200 cards on first load). */
export const PAGE_SIZE = 50;

const TaskPage = graphql(`
  query DashboardTaskPage($filter: TaskFilter!, $first: Int!, $after: String, $sort: TaskSort) {
    tasks(filter: $filter, first: $first, after: $after, sort: $sort) {
      cursor
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          createdAt
          ...LiveTask_task
        }
      }
    }
  }
`);

const SearchUpdates = graphql(`
  subscription DashboardSearchUpdates($filter: TaskFilter!, $after: String) {
    taskUpdated(filter: $filter, after: $after) {
      cursor
      task {
        id
      }
    }
  }
`);

export class DashboardView {
  /** Per group; null when the status filter leaves nothing of that group. */
  readonly lists: Record<StatusGroup, PagedList | null>;
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private disposed = false;
  /** The lists' order: the server's (filters.ts `listSort`). */
  readonly order: ListOrder;
  /** With a search: the ids of every task that matched, in a page or live. */
  readonly matched = new Set<string>();
  /** The first pages' log cursors (with a search: the live search stream starts at the lowest). */
  private firstCursors: string[] = [];
  private stopSearch: (() => void) | null = null;

  constructor(
    readonly key: string,
    readonly filters: DashboardFilters,
    private readonly client: Client,
    private readonly pageSize = PAGE_SIZE,
  ) {
    const sort = listSort(filters);
    this.order = sort === null ? 'rank' : sort === 'UPDATED' ? 'updated' : 'created';
    this.lists = Object.fromEntries(
      GROUPS.map((g) => [g.key, serverFilter(filters, g.key) ? new PagedList(undefined, this.order) : null]),
    ) as Record<StatusGroup, PagedList | null>;
  }

  /** Whether a task belongs to these lists as far as the server decides (the search); filters.ts `matches` decides the rest. */
  isMember = (id: string): boolean => this.order !== 'rank' || this.matched.has(id);

  /** Read the first page of every list that has none yet. */
  start(): void {
    for (const group of GROUPS) {
      const list = this.lists[group.key];
      if (list && list.pages === 0 && !list.loading && list.error === null) void this.loadMore(group.key);
    }
  }

  /** Read the next page of one list (nothing if it is loading or complete). */
  async loadMore(group: StatusGroup): Promise<void> {
    const list = this.lists[group];
    const filter = serverFilter(this.filters, group);
    if (!list || !filter || list.loading || !list.hasNextPage || this.disposed) return;
    list.loading = true;
    list.error = null;
    this.emit();
    const askedAt = Date.now();
    try {
      const result = await this.client
        .query(TaskPage, { filter, first: this.pageSize, after: list.endCursor, sort: listSort(this.filters) }, { requestPolicy: 'network-only' })
        .toPromise();
      if (this.disposed) return;
      if (result.error || !result.data) {
        list.error = result.error?.message ?? 'no answer';
        return;
      }
      const page = result.data.tasks;
      const nodes = page.edges.map((e) => e.node);
      // In UPDATED order an edge's cursor is the task's key (lib/update-keys.ts), noted before the
      // store takes the task, so the list never renders it without one.
      const keys = this.order === 'updated' ? page.edges.map((e) => Number(e.cursor)) : [];
      if (this.order === 'updated') for (const e of page.edges) updateKeys.note(e.node.id, taskRef(e.node).version, e.cursor);
      if (this.order === 'rank') for (const n of nodes) this.matched.add(n.id);
      tasks.load(nodes);
      const repeated = list.add({ nodes, hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor }, askedAt, keys);
      if (repeated > 0) console.warn(`${group} page ${list.pages} repeated ${repeated} task(s) of earlier pages`);
      if (list.pages === 1) this.firstPageRead(page.cursor);
    } finally {
      list.loading = false;
      this.emit();
    }
  }

  /**
   * With a search, once every list's first page is read: follow the search's live matches from
   * the lowest of their log cursors, so that a task that begins to match after a page was read
   * is a member (the app-wide stream brings the task itself to the store).
   */
  private firstPageRead(cursor: string): void {
    this.firstCursors.push(cursor);
    const expected = GROUPS.filter((g) => this.lists[g.key]).length;
    if (this.order !== 'rank' || this.firstCursors.length < expected || this.stopSearch || this.disposed) return;
    const after = this.firstCursors.reduce((a, b) => (Number(b) < Number(a) ? b : a));
    const { unsubscribe } = this.client.subscription(SearchUpdates, { filter: countsFilter(this.filters), after }).subscribe((result) => {
      const id = result.data?.taskUpdated.task.id;
      if (!id || this.matched.has(id)) return;
      this.matched.add(id);
      this.emit();
    });
    this.stopSearch = unsubscribe;
  }

  /**
   * Read every list again from its first page: the task stream missed changes (its cursor
   * expired, lib/live-list.ts) and restarted from a newer one, so pages read before may be
   * stale. Tasks stay in the store meanwhile (newer versions replace them), so nothing blinks.
   */
  restart(): void {
    for (const group of GROUPS) if (this.lists[group.key]) (this.lists as Record<StatusGroup, PagedList | null>)[group.key] = new PagedList(undefined, this.order);
    // A search's live matches follow again from the new first pages' cursors.
    this.stopSearch?.();
    this.stopSearch = null;
    this.firstCursors = [];
    this.emit();
    this.start();
  }

  /** True while any list has more pages on the server. */
  get partial(): boolean {
    return GROUPS.some((g) => this.lists[g.key]?.hasNextPage ?? false);
  }

  dispose(): void {
    this.disposed = true;
    this.stopSearch?.();
    this.listeners.clear();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getVersion = () => this.version;

  private emit(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

const current = new WeakMap<Client, DashboardView>();

/** The view of these filters for this client: the one kept if the filters are the same, else a new one. */
export function viewFor(client: Client, filters: DashboardFilters): DashboardView {
  const key = filtersKey(filters);
  const held = current.get(client);
  if (held?.key === key) return held;
  held?.dispose();
  const view = new DashboardView(key, filters, client);
  current.set(client, view);
  return view;
}

/** The lists of this client read again from their first pages (see `DashboardView.restart`). */
export function restartViews(client: Client): void {
  current.get(client)?.restart();
}

/** The dashboard's lists for `filters`, re-rendering on every page read; pages start once the stream is live. */
export function useDashboardView(filters: DashboardFilters): DashboardView {
  const client = useClient();
  const key = filtersKey(filters);
  // Keyed by the filters' key, not the object: a re-render with equal filters keeps the view.
  const view = useMemo(() => viewFor(client, filters), [client, key]);
  useSyncExternalStore(view.subscribe, view.getVersion);
  const live = useSyncExternalStore(tasks.subscribe, () => tasks.loaded);
  useEffect(() => {
    if (live) view.start();
  }, [view, live]);
  return view;
}
