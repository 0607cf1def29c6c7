/**
 * A task's log from a cursor, then live: the `taskLogs` subscription's iterator. It reads the
 * store after its cursor, hands out what it read, and when it is at the end waits for the task's
 * bell (or `pollMs`, should a ring be lost). A ring that comes while it reads is remembered, so
 * it reads again instead of waiting. `return()` (the client unsubscribed) ends a wait at once.
 */
import type { LogFeed } from './log-feed.js';
import type { LogLine, LogStore } from './types.js';

const PAGE = 500;

export class LogTail implements AsyncIterableIterator<LogLine> {
  private buffer: LogLine[] = [];
  private rung = false;
  private wake: (() => void) | null = null;
  private ended = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly store: LogStore,
    feed: LogFeed,
    private readonly taskId: string,
    private readonly attempt: number | null,
    private after: number,
    private readonly pollMs = 2000,
  ) {
    this.unlisten = feed.listen(taskId, () => {
      this.rung = true;
      this.wake?.();
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<LogLine>> {
    while (!this.ended) {
      const line = this.buffer.shift();
      if (line) {
        this.after = Math.max(this.after, line.cursor);
        return { value: line, done: false };
      }
      this.rung = false;
      const page = await this.store.read(this.taskId, { after: this.after, limit: PAGE, attempt: this.attempt });
      if (this.ended) break;
      if (page.length > 0) {
        this.buffer = page;
        continue;
      }
      if (!this.rung) await this.sleep();
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<LogLine>> {
    this.ended = true;
    this.unlisten();
    this.wake?.();
    return { value: undefined, done: true };
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.wake = done;
    });
  }
}
