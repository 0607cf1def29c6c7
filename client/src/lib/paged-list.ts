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
 * Order: the server's order for the tasks pages returned (newest first by commit of their
 * creation, `seq` on the server), and creation time for the ones that came live. The API gives no
 * per-task position (no `seq` or edge cursor on Task), so "newer than where the pages stopped"
 * compares `createdAt`, which is stamped just before the commit: two tasks created at once can
 * commit in the other order (milliseconds apart, more under load). So a task that changed live
 * after the last page was asked for counts as covered if it was created up to SLACK_MS before the
 * last task read: showing one a little early is harmless (the next page takes it in place, the
 * store holds each task once, so nothing is listed twice), while leaving one out would be a gap
 * no later page fills (it was not in this list when the page was read). Tasks the store holds
 * from other lists' pages that did not change get no slack: the list shows exactly its pages.
 * A per-task sort key from the API (an edge cursor) would make this exact; sorting by
 * `updatedAt` needs one anyway (issue 14).
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

  constructor(private readonly slackMs = SLACK_MS) {}

  /**
   * Take one page, in order, asked for at `askedAt` (Date.now() before the request); returns how
   * many of its tasks were already listed (0 when the server's pages are consistent).
   */
  add(page: Page<PageTask>, askedAt = Date.now()): number {
    this.askedAt = askedAt;
    let repeated = 0;
    for (const node of page.nodes) {
      if (this.rank.has(node.id)) repeated++;
      else this.rank.set(node.id, this.rank.size);
    }
    const last = page.nodes.at(-1);
    if (last) this.boundary = Date.parse(last.createdAt);
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
  covers(task: PageTask, changedAt?: number): boolean {
    if (this.pages === 0) return false;
    if (!this.hasNextPage || this.rank.has(task.id)) return true;
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
  arrange<T extends PageTask>(members: readonly T[], changedAt: (id: string) => number | undefined = () => undefined): T[] {
    const read: T[] = [];
    const live: T[] = [];
    for (const task of members) {
      if (!this.covers(task, changedAt(task.id))) continue;
      (this.rank.has(task.id) ? read : live).push(task);
    }
    read.sort((a, b) => this.rank.get(a.id)! - this.rank.get(b.id)!);
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
