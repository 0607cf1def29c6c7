/**
 * Fires durable deadlines. Deadlines are rows committed with the transition that armed them;
 * this keeps one timer for the earliest one and, as a safety net (deadlines armed by another
 * instance, clock jumps), polls every `pollMs`.
 */
import type { Logger } from 'pino';
import type { Deadline, EventStore } from '../store/types.js';

export interface SchedulerOptions {
  store: EventStore;
  fire: (deadline: Deadline) => Promise<void>;
  logger: Logger;
  /** @default Date.now */
  clock?: () => number;
  /** @default 1000 */
  pollMs?: number;
  /** @default 200 */
  batch?: number;
}

// setTimeout overflows above 2^31-1 ms and then fires immediately.
const MAX_TIMEOUT = 2 ** 31 - 1;

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly clock: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.wake(this.clock());
  }

  /** A deadline due at `dueAt` was just committed. */
  wake(dueAt: number): void {
    if (this.stopped || dueAt >= this.timerAt) return;
    this.arm(dueAt);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    const pollAt = this.clock() + (this.options.pollMs ?? 1000);
    this.timerAt = Math.min(at, pollAt);
    const delay = Math.min(Math.max(0, this.timerAt - this.clock()), MAX_TIMEOUT);
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.running) {
      this.again = true;
      return;
    }
    let failed = false;
    this.running = this.drain()
      .then((ok) => {
        failed = !ok;
      })
      .catch((error: unknown) => {
        failed = true;
        this.options.logger.error({ err: error }, 'scheduler tick failed');
      })
      .finally(async () => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.arm(this.clock());
          return;
        }
        // After a failure wait a full poll interval instead of retrying in a tight loop.
        const next = failed
          ? Infinity
          : await this.options.store.nextDeadlineAt().catch((error: unknown) => {
              // Not fatal: the poll interval finds the next deadline instead.
              this.options.logger.warn({ err: error }, 'could not read the next deadline; polling');
              return null;
            });
        // A deadline committed while that read was out has armed the timer already (wake): keep
        // the sooner of the two, or it would wait for the next poll (up to pollMs late).
        this.arm(Math.min(next ?? Infinity, this.timerAt));
      });
  }

  /** Fire everything due; false when some deadline failed (it stays stored and is retried). */
  private async drain(): Promise<boolean> {
    const batch = this.options.batch ?? 200;
    for (;;) {
      const due = await this.options.store.dueDeadlines(this.clock(), batch);
      if (due.length === 0 || this.stopped) return true;
      const results = await Promise.allSettled(due.map((d) => this.options.fire(d)));
      for (const r of results) {
        if (r.status === 'rejected') this.options.logger.error({ err: r.reason }, 'deadline failed');
      }
      // A deadline that keeps failing must not spin this loop: retry it on the next poll.
      if (results.some((r) => r.status === 'rejected')) return false;
      if (due.length < batch) return true;
    }
  }
}
