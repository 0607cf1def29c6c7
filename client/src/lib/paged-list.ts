/**
 * A list read from the server page by page (`tasks(filter:, first:, after:)`, newest first) and
 * kept live by the app-wide `taskUpdated` stream (components/LiveTasks.tsx) through the task
 * store: the pages say which tasks exist and where the read stopped, the store says what each
 * task is now.
 *
 * What a list shows is every task that matches its filter now (its latest version in the store)
 * and lies within what the pages cover:
 * - every task a page returned (it may have left the filter since: then it is not shown);
 * - every task created after the last one read (a task created live lands on top, and a task that
 *   moved into this list from another is shown if it is newer than where the pages stopped);
 * - once the last page is read (no next page), every matching task the store holds.
 * A task older than where the pages stopped is shown only once a page reaches it, so "Load more"
 * continues exactly where the previous page ended: no task twice, none skipped.
 *
 * Three orders, the server's (`order`):
 *
 * `created` (newest created first). The server's order for the tasks pages returned (by commit
 * of their creation, `seq` on the server), and creation time for the ones that came live. A task
 * that changed live has no creation cursor here (only pages give edge cursors), so "newer than
 * where the pages stopped" compares `createdAt`, which is stamped just before the commit: two tasks created at once can
 * commit in the other order (milliseconds apart, more under load). So a task that changed live
 * after the last page was asked for counts as covered if it was created up to SLACK_MS before the
 * last task read: showing one a little early is harmless (the next page takes it in place, the
 * store holds each task once, so nothing is listed twice), while leaving one out would be a gap
 * no later page fills (it was not in this list when the page was read). Tasks the store holds
 * from other lists' pages that did not change get no slack: the list shows exactly its pages.
 *
 * `updated` (latest change first). Exact: a task's key is the log cursor of its latest change,
 * which both a page's edge cursor and a live update's cursor are (lib/update-keys.ts), so the
 * pages cover every task whose key is above the last one read, and the list is sorted by key: a
 * task that changes moves to the top.
 *
 * `rank` (a search, best match first). The members are the server's matches (pages, and the live
 * search stream); the ones no page returned matched live, and go on top, latest change first,
 * above the pages' in their ranked order (a live change does not tell its new rank).
 */
export const SLACK_MS = 5000;

export interface PageTask {
  id: string;
  createdAt: string;
}

export interface Page<T extends PageTask> {
  nodes: readonly T[];
  hasNextPage: boolean;
  endCursor: string | null | undefined;
}

export type ListOrder = 'created' | 'updated' | 'rank';

export class PagedList {
  /** Ids returned by the pages read so far, with their position in the server's order. */
  private readonly rank = new Map<string, number>();
  /** Creation time (ms) of the last task read: what is newer lies within the pages. */
  private boundary: number | null = null;
  /** When the last page was asked for (client clock): what changed after may be missing from it. */
  private askedAt = 0;
  /** `after` for the next page (null: the first). */
  endCursor: string | null = null;
  /** False once a page said there is no next one. */
  hasNextPage = true;
  /** Pages read. */
  pages = 0;
  loading = false;
  error: string | null = null;

  /** `updated`: the key of the last task read (what is above it lies within the pages). */
  private lastKey: number | null = null;

  constructor(
    private readonly slackMs = SLACK_MS,
    readonly order: ListOrder = 'created',
  ) {}

  /**
   * Take one page, in order, asked for at `askedAt` (Date.now() before the request); returns how
   * many of its tasks were already listed (0 when the server's pages are consistent). `keys`: in
   * `updated` order, each task's key (its edge cursor, as a number).
   */
  add(page: Page<PageTask>, askedAt = Date.now(), keys: readonly number[] = []): number {
    this.askedAt = askedAt;
    let repeated = 0;
    for (const node of page.nodes) {
      if (this.rank.has(node.id)) repeated++;
      else this.rank.set(node.id, this.rank.size);
    }
    const last = page.nodes.at(-1);
    if (last) this.boundary = Date.parse(last.createdAt);
    if (keys.length > 0) this.lastKey = keys[keys.length - 1];
    this.endCursor = page.endCursor ?? this.endCursor;
    this.hasNextPage = page.hasNextPage && page.nodes.length > 0;
    this.pages++;
    this.error = null;
    return repeated;
  }

  /**
   * Whether the pages read cover this task's place in the list. `changedAt`: when the store last
   * took a live update of it (client clock), if ever.
   */
  covers(task: PageTask, changedAt?: number, key?: number): boolean {
    if (this.pages === 0) return false;
    if (!this.hasNextPage || this.rank.has(task.id)) return true;
    // A search's members are its matches: one no page returned matched live.
    if (this.order === 'rank') return true;
    if (this.order === 'updated') return key !== undefined && this.lastKey !== null && key > this.lastKey;
    if (this.boundary === null) return false;
    const created = Date.parse(task.createdAt);
    return created > this.boundary || (changedAt !== undefined && changedAt >= this.askedAt && created > this.boundary - this.slackMs);
  }

  /** How many ids the pages returned (whatever they are now). */
  get read(): number {
    return this.rank.size;
  }

  /**
   * What the list shows, in order: `members` (the store's tasks that match the filter now) that
   * the pages cover; read tasks in the server's order, the others placed by creation time.
   * `changedAt`: when the store last took a live update of a task (see `covers`).
   */
  arrange<T extends PageTask>(
    members: readonly T[],
    changedAt: (id: string) => number | undefined = () => undefined,
    keyOf: (id: string) => number | undefined = () => undefined,
  ): T[] {
    const read: T[] = [];
    const live: T[] = [];
    for (const task of members) {
      if (!this.covers(task, changedAt(task.id), keyOf(task.id))) continue;
      (this.rank.has(task.id) ? read : live).push(task);
    }
    read.sort((a, b) => this.rank.get(a.id)! - this.rank.get(b.id)!);
    // Latest change first: a task without a key (never paged or changed live) last.
    const byKey = (a: T, b: T) => (keyOf(b.id) ?? 0) - (keyOf(a.id) ?? 0);
    if (this.order === 'updated') return [...read, ...live].sort(byKey);
    if (this.order === 'rank') return [...live.sort(byKey), ...read];
    live.sort((a, b) => (a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? 1 : -1));
    // Merge by creation time; between equals, the live one (newer in the log) first.
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < read.length || j < live.length) {
      if (j < live.length && (i >= read.length || live[j].createdAt >= read[i].createdAt)) out.push(live[j++]);
      else out.push(read[i++]);
    }
    return out;
  }
}
