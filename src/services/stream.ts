import type { FeedCursor } from '../runtime/feed.js';
import type { LogEvent } from '../store/types.js';

/**
 * An async iterator that maps feed events to values (skipping `undefined`), optionally starting
 * with values it already has. `return()` goes straight to the feed cursor, which wakes at once:
 * an async generator would stay suspended until the next event arrived and leak until then.
 */
export class MappedStream<T> implements AsyncIterableIterator<T> {
  constructor(
    protected readonly source: FeedCursor,
    private readonly step: (event: LogEvent) => T | undefined,
    private readonly initial: T[] = [],
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    const first = this.initial.shift();
    if (first !== undefined) return { value: first, done: false };
    for (;;) {
      const result = await this.source.next();
      if (result.done) return { value: undefined, done: true };
      const value = this.step(result.value);
      if (value !== undefined) return { value, done: false };
    }
  }

  async return(): Promise<IteratorResult<T>> {
    await this.source.return();
    return { value: undefined, done: true };
  }
}

/**
 * Log events as they are, for a subscriber (taskUpdated, timeline, agentUpdated). The fan-out
 * engine (src/server/fanout.ts) recognises it and serves its subscriber from a shared reader,
 * using `cursor` only to catch up.
 */
export class EventStream extends MappedStream<LogEvent> {
  constructor(source: FeedCursor) {
    super(source, (e) => e);
  }

  get cursor(): FeedCursor {
    return this.source;
  }
}

/**
 * Like MappedStream, for a value that only its latest state matters for (dashboard counts):
 * at most one message per `tickMs`, carrying the newest value, however many events changed it
 * in between. The first value goes out at once.
 */
export class LatestPerTick<T> implements AsyncIterableIterator<T> {
  private pending: Promise<IteratorResult<LogEvent>> | null = null;
  private lastSent = 0;
  private current: T | undefined;

  constructor(
    private readonly source: FeedCursor,
    /** Folds an event into the value; undefined when the event changes nothing. */
    private readonly step: (event: LogEvent) => T | undefined,
    private readonly initial: T,
    private readonly tickMs: number,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.lastSent === 0) {
      this.lastSent = Date.now();
      return { value: this.initial, done: false };
    }
    // Wait for the first change…
    while (this.current === undefined) {
      const result = await this.pull();
      this.pending = null;
      if (result.done) return this.end();
      this.current = this.step(result.value);
    }
    // …then fold in whatever else arrives before the tick is over.
    for (;;) {
      const remaining = this.lastSent + this.tickMs - Date.now();
      if (remaining <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), remaining)));
      const result = await Promise.race([this.pull(), tick]);
      clearTimeout(timer);
      if (result === 'tick') break;
      this.pending = null;
      if (result.done) return this.end();
      this.current = this.step(result.value) ?? this.current;
    }
    const value = this.current;
    this.current = undefined;
    this.lastSent = Date.now();
    return { value, done: false };
  }

  async return(): Promise<IteratorResult<T>> {
    await this.source.return();
    return this.end();
  }

  /**
   * The source's next event. A pull that lost the race against the tick stays pending and is
   * the one awaited next time, so no event is dropped; callers clear it once they consume it.
   */
  private pull(): Promise<IteratorResult<LogEvent>> {
    this.pending ??= this.source.next();
    return this.pending;
  }

  private end(): IteratorResult<T> {
    return { value: undefined, done: true };
  }
}

/**
 * A value that events cannot be folded into, only recomputed (dashboard counts under a search):
 * the first value at once, then, after a tick in which at least one event arrived, `recount()`;
 * a value `same` as the last one sent is not sent again. At most one recount per `tickMs`, and
 * none sooner than `COST_SHARE` times the last one took after it.
 */
export class RecountPerTick<T> implements AsyncIterableIterator<T> {
  static readonly COST_SHARE = 20;
  /** One "something happened" per tick, the first at once (the initial value's turn). */
  private readonly ticks: LatestPerTick<true>;
  private started = false;
  /** When the next recount may start (see COST_SHARE). */
  private notBefore = 0;

  constructor(
    source: FeedCursor,
    private readonly recount: () => Promise<T>,
    private last: T,
    tickMs: number,
    private readonly same: (a: T, b: T) => boolean,
  ) {
    this.ticks = new LatestPerTick<true>(source, () => true, true, tickMs);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    if (!this.started) {
      this.started = true;
      await this.ticks.next();
      return { value: this.last, done: false };
    }
    for (;;) {
      const tick = await this.ticks.next();
      if (tick.done) return { value: undefined, done: true };
      const wait = this.notBefore - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const started = performance.now();
      const value = await this.recount();
      // A recount costs what its search matches (tens of ms for a common word at a million
      // tasks): the next waits at least COST_SHARE times as long, so one subscription takes at
      // most 1/COST_SHARE of the event loop however busy the log is.
      this.notBefore = Date.now() + RecountPerTick.COST_SHARE * (performance.now() - started);
      if (this.same(value, this.last)) continue;
      this.last = value;
      return { value, done: false };
    }
  }

  async return(): Promise<IteratorResult<T>> {
    await this.ticks.return();
    return { value: undefined, done: true };
  }
}
