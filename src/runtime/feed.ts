/**
 * The feed: subscribers read committed events in cursor order, from a shared in-memory tail.
 *
 * One reader per process follows the log (woken by the bus doorbell) and appends to a ring of the
 * newest events. Each subscription is a cursor that *pulls*: it takes the next event after its
 * cursor from the ring, or from the store when it is further behind than the ring reaches, or
 * waits for the doorbell when it is at the head. Nothing is pushed into per-subscriber queues, so
 * a slow consumer costs one cursor, not a growing buffer, and catch-up and live are the same loop:
 * there is no seam where an event could be skipped or repeated.
 */
import type { Logger } from 'pino';
import type { Bus } from '../bus/types.js';
import type { EntityType } from '../machines/index.js';
import { CursorExpiredError, type EventStore, type LogEvent } from '../store/types.js';

export interface FeedOptions {
  store: EventStore;
  bus: Bus;
  logger: Logger;
  /** Events kept in memory for live subscribers. @default 8192 */
  ringSize?: number;
  /** Events per store read when catching up. @default 500 */
  pageSize?: number;
  /** Read the log tail this often even without a ring (a lost doorbell costs latency only). @default 2000 */
  pollMs?: number;
}

export interface FeedQuery {
  /** Start after this cursor. */
  after: number;
  /** Narrows store reads when catching up (the filter below still applies). */
  entityId?: string;
  entityType?: EntityType;
  filter?: (event: LogEvent) => boolean;
  /**
   * A reader that re-reads what it needs anyway (the orchestrator) may, when retention archived
   * events it was behind on, go on from the horizon instead of failing with CURSOR_EXPIRED.
   */
  skipExpired?: boolean;
  /**
   * The engine's own reader (the orchestrator's, the fan-out dispatcher's), not a subscriber's:
   * not counted in `active`, which /healthz reports as subscriptions.
   */
  internal?: boolean;
}

/** `ReadOptions.known` over events held by entity: the one of that entity, if it is at that version. */
function knownIn(byEntity: Map<string, LogEvent>) {
  return (entityId: string, version: number): LogEvent | undefined => {
    const event = byEntity.get(entityId);
    return event?.version === version ? event : undefined;
  };
}

export class Feed {
  /**
   * The newest events in cursor order, an array and not an LRU cache: cursors read it as a
   * contiguous range (binary search by cursor), and it drops the oldest, never the least read.
   */
  private ring: LogEvent[] = [];
  /**
   * Each entity's newest event in the ring: a store read of the next ones resolves their patches
   * from it (store/view-patch.ts) instead of reading the view back from the log.
   */
  private readonly newest = new Map<string, LogEvent>();
  /** Cursor just before ring[0]: a subscriber at or past it can be served from the ring. */
  private base = 0;
  /** Newest cursor the feed has read. */
  private headCursor = 0;
  private target = 0;
  private reading = false;
  private readonly waiters = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;
  private poll: NodeJS.Timeout | null = null;
  private readonly ringSize: number;
  readonly pageSize: number;
  /** Live subscribers' cursors (not the engine's own: `FeedQuery.internal`), for /healthz. */
  active = 0;

  constructor(private readonly options: FeedOptions) {
    this.ringSize = options.ringSize ?? 8192;
    this.pageSize = options.pageSize ?? 500;
  }

  async start(): Promise<void> {
    this.headCursor = await this.options.store.head();
    this.base = this.headCursor;
    this.target = this.headCursor;
    this.unsubscribe = this.options.bus.onNotify((cursor) => this.ring_(cursor));
    this.poll = setInterval(() => this.poke(), this.options.pollMs ?? 2000);
    this.poll.unref();
  }

  stop(): void {
    if (this.poll) clearInterval(this.poll);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wakeAll();
  }

  /** The newest cursor this process has read. */
  get head(): number {
    return this.headCursor;
  }

  /** Check the log for events newer than the feed has seen (also a safety net after bus loss). */
  poke(): void {
    this.ring_(Number.MAX_SAFE_INTEGER);
  }

  subscribe(query: FeedQuery): FeedCursor {
    return new FeedCursor(this, query);
  }

  /**
   * Events this process has just committed, in commit order. When they follow the feed's head
   * directly they go into the ring as they are, instead of being read back from the store after
   * the doorbell: one store read and JSON parse less per event, and no wait for it between a
   * commit and its subscribers. Otherwise (another instance's events came between, or a read is
   * under way) the doorbell's read from the log brings them, as it always did.
   */
  committed(events: LogEvent[]): void {
    if (this.reading || this.stopped || events.length === 0 || events[0].cursor !== this.headCursor + 1) return;
    for (let i = 1; i < events.length; i++) if (events[i].cursor !== events[i - 1].cursor + 1) return;
    this.append(events);
    if (this.target < this.headCursor) this.target = this.headCursor;
  }

  private ring_(cursor: number): void {
    if (cursor <= this.target) return;
    this.target = cursor;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (this.target > this.headCursor) {
        let events: LogEvent[];
        try {
          ({ events } = await this.options.store.readAfter(this.headCursor, { limit: this.pageSize, known: this.known }));
        } catch (error) {
          if (!(error instanceof CursorExpiredError)) throw error;
          this.restartAt(error);
          continue;
        }
        if (events.length === 0) {
          this.target = this.headCursor; // a poke beyond the head, or a ring ahead of visibility
          break;
        }
        this.append(events);
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'feed could not read the log; will retry on next ring');
      this.target = this.headCursor;
    } finally {
      this.reading = false;
    }
  }

  /**
   * The feed fell further behind than retention keeps (only another instance's events come
   * through the doorbell's read): start again at the horizon. Subscribers behind it leave the
   * ring for the store, which answers them CURSOR_EXPIRED; none is handed a gap.
   */
  private restartAt(error: CursorExpiredError): void {
    this.options.logger.warn({ cursor: error.cursor, horizon: error.horizon }, 'feed was behind the log horizon: restarting at it');
    this.ring = [];
    this.newest.clear();
    this.base = this.headCursor = error.horizon;
    if (this.target < this.headCursor) this.target = this.headCursor;
  }

  /** @internal The ring's event of this entity at this version, if it is the entity's newest there. */
  readonly known = knownIn(this.newest);

  private append(events: LogEvent[]): void {
    this.ring.push(...events);
    for (const event of events) this.newest.set(event.entityId, event);
    this.headCursor = events[events.length - 1].cursor;
    // Trim in chunks so trimming stays amortised O(1) per event.
    if (this.ring.length > this.ringSize + (this.ringSize >> 2)) {
      const drop = this.ring.length - this.ringSize;
      for (let i = 0; i < drop; i++) if (this.newest.get(this.ring[i].entityId) === this.ring[i]) this.newest.delete(this.ring[i].entityId);
      this.base = this.ring[drop - 1].cursor;
      this.ring = this.ring.slice(drop);
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** @internal Next ring event after `cursor`, `null` at the head, `undefined` if behind the ring. */
  nextFromRing(cursor: number): LogEvent | null | undefined {
    if (cursor < this.base) return undefined;
    const ring = this.ring;
    let lo = 0;
    let hi = ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ring[mid].cursor <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return lo < ring.length ? ring[lo] : null;
  }

  /** @internal Resolves on the next append (or stop). */
  waitForMore(): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(wake);
    return { promise, cancel: () => (this.waiters.delete(wake), wake()) };
  }

  /** @internal */
  get stopped(): boolean {
    return this.unsubscribe === null;
  }

  /** @internal */
  get store(): EventStore {
    return this.options.store;
  }
}

/**
 * One subscriber's position in the log, as an async iterator. `return()` ends it at once, even
 * while it is waiting for new events (an async generator could not be interrupted there).
 */
export class FeedCursor implements AsyncIterableIterator<LogEvent> {
  private cursor: number;
  private done = false;
  /** A page read from the store, consumed from `pendingAt` on. */
  private pending: LogEvent[] = [];
  private pendingAt = 0;
  private cancelWait: (() => void) | null = null;

  constructor(
    private readonly feed: Feed,
    private readonly query: FeedQuery,
  ) {
    this.cursor = query.after;
    if (!query.internal) feed.active++;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The cursor of the last event this subscriber consumed (or skipped). */
  get position(): number {
    return this.cursor;
  }

  /** Ended: returned, or the feed stopped. */
  get ended(): boolean {
    return this.done;
  }

  /** The filter this subscriber applies to every event. */
  get filter(): (event: LogEvent) => boolean {
    return this.query.filter ?? (() => true);
  }

  async next(): Promise<IteratorResult<LogEvent>> {
    return (await this.read(null))!;
  }

  /**
   * The next matching event, or `null` once this cursor has reached `limit()` (or the feed's
   * head) without finding one: a catching-up reader that must not wait for new events, because
   * a shared reader already delivers those (see src/server/fanout.ts).
   */
  async nextUntil(limit: () => number): Promise<LogEvent | null> {
    const result = await this.read(limit);
    return result === null || result.done ? null : result.value;
  }

  /** Without a limit, waits at the head for more; with one, returns `null` there or past it. */
  private async read(limit: (() => number) | null): Promise<IteratorResult<LogEvent> | null> {
    while (!this.done) {
      const event = this.poll(limit ? limit() : Infinity);
      if (event) return { value: event, done: false };
      if (event === undefined) {
        await this.catchUp();
        continue;
      }
      if (this.done) break;
      if (limit) return null;
      const wait = this.feed.waitForMore();
      this.cancelWait = wait.cancel;
      await wait.promise;
      this.cancelWait = null;
    }
    return this.finish();
  }

  /**
   * The next matching event if it can be had without waiting (buffered, or in the ring):
   * `null` once this cursor has reached `limit` or the feed's head (or has ended), `undefined`
   * when it is behind the ring and needs a store read first (`nextUntil` does that). A replay
   * takes whole pages through this without an await per event.
   */
  poll(limit: number): LogEvent | null | undefined {
    const filter = this.query.filter;
    while (!this.done) {
      if (this.cursor >= limit) return null;
      if (this.pendingAt < this.pending.length) {
        const buffered = this.pending[this.pendingAt++];
        this.cursor = buffered.cursor;
        if (!filter || filter(buffered)) return buffered;
        continue;
      }
      if (this.skipTo > this.cursor) this.cursor = this.skipTo;
      this.skipTo = 0;
      if (this.feed.stopped) {
        this.finish();
        return null;
      }
      const next = this.feed.nextFromRing(this.cursor);
      if (next === undefined) return undefined;
      if (next === null) return null;
      this.cursor = next.cursor;
      if (!filter || filter(next)) return next;
    }
    return null;
  }

  async return(): Promise<IteratorResult<LogEvent>> {
    return this.finish();
  }

  private finish(): IteratorResult<LogEvent> {
    if (!this.done) {
      this.done = true;
      if (!this.query.internal) this.feed.active--;
      this.pending = [];
      this.pendingAt = 0;
      this.cancelWait?.();
    }
    return { value: undefined, done: true };
  }

  /**
   * Read one page from the store: this subscriber is further behind than the ring reaches. The
   * store checks the log horizon in the same read as the page (CursorExpiredError when retention
   * archived events after this cursor), so a pass between two pages can never leave a hole.
   */
  private async catchUp(): Promise<void> {
    // The page before: the next page's patches resolve from its events (store/view-patch.ts).
    const previous = new Map<string, LogEvent>();
    for (const event of this.pending) previous.set(event.entityId, event);
    const read = () =>
      this.feed.store.readAfter(this.cursor, {
        limit: this.feed.pageSize,
        entityId: this.query.entityId,
        entityType: this.query.entityType,
        known: knownIn(previous),
      });
    let page;
    try {
      page = await read();
    } catch (error) {
      if (!(error instanceof CursorExpiredError) || !this.query.skipExpired) throw error;
      this.cursor = error.horizon;
      page = await read();
    }
    const { events, head } = page;
    this.pending = events;
    this.pendingAt = 0;
    // A short page means nothing more matched up to `head`, so once the page is consumed the
    // cursor may jump there (with an entity filter this skips the unrelated events in between).
    if (events.length < this.feed.pageSize) this.skipTo = head;
  }

  private skipTo = 0;
}
