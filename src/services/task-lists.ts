/**
 * The task lists and counts, as queries and as subscriptions: what the dashboard reads. The
 * filter's rules (scope, creator, statuses, search, sort) are parsed here once, then the store
 * answers the query (src/store/task-queries.ts) and the feed the stream.
 */
import { badInput, cursorExpired } from '../errors.js';
import type { TaskStatus, TaskView } from '../machines/index.js';
import type { Feed } from '../runtime/feed.js';
import { matchesSearch, MAX_SEARCH_LENGTH, searchTerms } from '../store/search.js';
import type { CountScope, EventStore, LogEvent, TaskPage, TaskSort, Viewer } from '../store/types.js';
import { applyTaskEvent, emptyCounts, type CountsModel } from './counts.js';
import { formatPageCursor, parseCursor, parseSearchCursor } from './cursor.js';
import { EventStream, LatestPerTick, RecountPerTick } from './stream.js';
import { parse, schemas } from './validate.js';
import { canSeeTask } from './visibility.js';

/** dashboardCounts sends at most one value per this interval. */
const COUNTS_TICK_MS = 100;
/** With a search, counts are recounted over the matches (a query), at most once per this interval. */
const SEARCH_COUNTS_TICK_MS = 250;

export interface TaskFilterInput {
  scope?: 'MINE' | 'ALL' | null;
  status?: TaskStatus[] | null;
  creatorId?: string | null;
  search?: string | null;
}

/**
 * A filter's search terms (store/search.ts says the rule): none for no search, or one that
 * leaves no words (blank, only punctuation). Longer than MAX_SEARCH_LENGTH is BAD_USER_INPUT.
 */
export function parseSearch(search: string | null | undefined): string[] {
  if (search === null || search === undefined) return [];
  if (search.length > MAX_SEARCH_LENGTH) {
    throw badInput(`"filter.search" must be at most ${MAX_SEARCH_LENGTH} characters (got ${search.length})`, {
      argument: 'filter.search',
      max: MAX_SEARCH_LENGTH,
    });
  }
  return searchTerms(search);
}

/** A task event the viewer may see, of the filter's scope (`MINE`) and creator. */
function scopeFilter(viewer: Viewer, scope: { mine: boolean; creatorId?: string }) {
  return (e: LogEvent): boolean =>
    e.entityType === 'task' &&
    canSeeTask(viewer, e.scope) &&
    (!scope.mine || e.scope.ownerId === viewer.id) &&
    (scope.creatorId === undefined || e.scope.ownerId === scope.creatorId);
}

/** Dispatched tasks a backlog reads at most. */
const BACKLOG_READ = 500;
/** Failed tasks an error summary reads at most. */
const ERRORS_READ = 2_000;

export class TaskLists {
  constructor(
    protected readonly store: EventStore,
    protected readonly feed: Feed,
  ) {}

  async list(
    viewer: Viewer,
    filter: TaskFilterInput | null | undefined,
    first: number,
    after?: string | null,
    sort: TaskSort | null = 'created',
  ): Promise<TaskPage> {
    const search = parseSearch(filter?.search);
    if (search.length > 0 && sort === 'updated') {
      throw badInput('"sort: UPDATED" does not apply to a search, which is ranked by match: leave "sort" out (or CREATED)', { argument: 'sort' });
    }
    return this.store.listTasks({
      viewer,
      mine: filter?.scope === 'MINE',
      statuses: filter?.status ?? undefined,
      creatorId: filter?.creatorId ?? undefined,
      first: parse(schemas.pageSize, first, 'first'),
      // A search is ranked: its pages continue from a rank and seq, others from a sort key.
      ...(search.length > 0 ? { search, searchAfter: parseSearchCursor(after) } : { sort: sort ?? 'created', after: parseCursor(after) }),
    });
  }

  /**
   * The org's queue as the viewer may see it: dispatched tasks waiting for an agent (not the ones
   * opening their issue or assigned), how long the oldest has waited, and why they wait. Reads
   * the newest BACKLOG_READ dispatched tasks; past that, `more` says the queue is longer.
   */
  async backlog(viewer: Viewer): Promise<{ waiting: number; oldestSince: string | null; byCode: { code: string; count: number }[]; more: boolean }> {
    const page = await this.list(viewer, { status: ['dispatched'] as never }, BACKLOG_READ, null, 'created');
    const queued = page.tasks.filter((t) => JSON.stringify(t.stateValue) === '{"active":{"dispatched":"queued"}}');
    const byCode = new Map<string, number>();
    for (const t of queued) if (t.waiting) byCode.set(t.waiting.code, (byCode.get(t.waiting.code) ?? 0) + 1);
    const since = queued.map((t) => t.waiting?.since ?? t.updatedAt).sort()[0] ?? null;
    return { waiting: queued.length, oldestSince: since, byCode: [...byCode].map(([code, count]) => ({ code, count })), more: page.hasNextPage };
  }

  /**
   * The org's failures in the last `hours`, by code: the failed tasks the viewer may see whose
   * failure is that recent, newest first by their latest change, read in pages until one is older
   * (at most ERRORS_READ). A task failed and then retried is not failed any more, and not counted.
   */
  async errorSummary(viewer: Viewer, rawHours: unknown, now = Date.now()) {
    const hours = parse(schemas.hours, rawHours, 'hours');
    const since = now - hours * 3_600_000;
    const byCode = new Map<string, { code: string; count: number; lastAt: string; lastMessage: string; lastTaskId: string }>();
    let read = 0;
    let total = 0;
    let more = false;
    for (let after: string | null = null; ; ) {
      const page = await this.list(viewer, { status: ['failed'] as never }, 200, after, 'updated');
      let older = false;
      for (const task of page.tasks) {
        read++;
        const at = task.failure?.at ?? task.updatedAt;
        if (Date.parse(task.updatedAt) < since) {
          older = true;
          break;
        }
        if (Date.parse(at) < since) continue;
        total++;
        const code = task.failure?.code ?? 'FAILED';
        const entry = byCode.get(code);
        if (entry) entry.count++;
        else byCode.set(code, { code, count: 1, lastAt: at, lastMessage: task.failure?.message ?? task.error ?? 'failed', lastTaskId: task.id });
      }
      if (older || !page.hasNextPage) break;
      if (read >= ERRORS_READ) {
        more = true;
        break;
      }
      after = formatPageCursor(page);
    }
    return { since: new Date(since).toISOString(), total, more, byCode: [...byCode.values()].sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt)) };
  }

  async counts(viewer: Viewer, filter: TaskFilterInput | null | undefined): Promise<CountsModel> {
    return this.countsOf(viewer, this.countScope(filter));
  }

  private async countsOf(viewer: Viewer, scope: CountScope): Promise<CountsModel> {
    const counts = await this.store.countTasks(viewer, scope);
    return { byStatus: { ...emptyCounts(), ...counts.byStatus }, cursor: counts.logCursor };
  }

  async updates(viewer: Viewer, filter: TaskFilterInput | null | undefined, after: string | null | undefined) {
    const start = await this.startCursor(after);
    const statuses = filter?.status?.length ? new Set<string>(filter.status) : null;
    const mine = filter?.scope === 'MINE';
    const creatorId = filter?.creatorId ?? null;
    const search = parseSearch(filter?.search);
    const inScope = scopeFilter(viewer, { mine, creatorId: creatorId ?? undefined });
    const cursor = this.feed.subscribe({
      after: start,
      entityType: 'task',
      filter: (e) =>
        inScope(e) &&
        // Entering, moving within, or leaving the filtered statuses: a client showing a filtered
        // list needs the update that removes a task as much as the one that adds it.
        (statuses === null || statuses.has((e.state as TaskView).status) || statuses.has(e.prevStatus ?? '')) &&
        // The task as this event left it matches: the same rule as the search query's SQL.
        (search.length === 0 || matchesSearch(e.state as TaskView, search)),
    });
    return new EventStream(cursor);
  }

  async countsStream(viewer: Viewer, filter: TaskFilterInput | null | undefined) {
    const scope = this.countScope(filter);
    let model = await this.countsOf(viewer, scope);
    const cursor = this.feed.subscribe({
      after: model.cursor,
      entityType: 'task',
      filter: scopeFilter(viewer, scope),
    });
    if (scope.search !== undefined) {
      // Whether a task matched before an event is not in the event (only the task after it): a
      // change can add words (a branch, a PR) or drop them (a retry), so the matches are counted
      // again, at the log's head, after changes to tasks of the scope. Unchanged counts are not sent.
      const same = (a: CountsModel, b: CountsModel) => Object.entries(a.byStatus).every(([s, n]) => b.byStatus[s as TaskStatus] === n);
      return new RecountPerTick<CountsModel>(cursor, () => this.countsOf(viewer, scope), model, SEARCH_COUNTS_TICK_MS, same);
    }
    // Counts are a "latest value" stream: a burst of transitions yields one message per tick.
    return new LatestPerTick<CountsModel>(
      cursor,
      (e) => {
        const next = applyTaskEvent(model, e);
        if (next) model = next;
        return next;
      },
      model,
      COUNTS_TICK_MS,
    );
  }

  private countScope(filter: TaskFilterInput | null | undefined): CountScope {
    const search = parseSearch(filter?.search);
    return { mine: filter?.scope === 'MINE', creatorId: filter?.creatorId ?? undefined, ...(search.length > 0 ? { search } : {}) };
  }

  /**
   * Resolve `after` to a start cursor; without it, live from the current head. Below the log's
   * horizon (retention archived events after it) CURSOR_EXPIRED, whether or not the events are
   * still in this process's ring: the same cursor gets the same answer from every instance.
   */
  protected async startCursor(after: string | null | undefined, check = { horizon: true }): Promise<number> {
    const { head, horizon } = await this.store.logBounds();
    const cursor = parseCursor(after);
    if (cursor === undefined) return head;
    if (cursor > head) {
      throw badInput(`"after" is ahead of the log (head ${head}): it was not issued by this server`, {
        head,
      });
    }
    if (check.horizon && cursor < horizon) throw cursorExpired({ cursor, horizon, head });
    return cursor;
  }
}
