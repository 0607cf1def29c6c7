import type { FeedCursor } from '../runtime/feed.js';
import type { LogEvent } from '../store/types.js';

/**
 * An async iterator that maps feed events to values (skipping `undefined`), optionally starting
 * with values it already has. `return()` goes straight to the feed cursor, which wakes at once:
 * an async generator would stay suspended until the next event arrived and leak until then.
 */
export class MappedStream<T> implements AsyncIterableIterator<T> {
  constructor(
    private readonly source: FeedCursor,
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
