/**
 * Retention's timer (issue 14; the rules are src/store/retention.ts's): with RETENTION_DAYS set,
 * an archive pass every RETENTION_INTERVAL_MS moves finished tasks' and agents' events older than
 * that out of the log (`EventStore.archive`). One pass at a time in this process; with several
 * instances on PostgreSQL the store lets one pass run at a time across them (an advisory lock:
 * the others skip their turn). A pass that stopped at its size limit is followed by the next
 * one soon after, so a first pass over months of history catches up in bounded steps.
 */
import type { Logger } from 'pino';
import type { ArchivePass, EventStore } from '../store/types.js';

export interface RetentionOptions {
  store: EventStore;
  logger: Logger;
  /** Events older than this (ms) may be archived. */
  maxAgeMs: number;
  /** Between passes. */
  intervalMs: number;
  clock?: () => number;
}

/** After a pass that stopped with more to archive: a pause for commits, then the next. */
const CATCH_UP_PAUSE_MS = 1000;

export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ArchivePass | null> | null = null;
  private readonly stopping = new AbortController();

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    this.schedule(this.options.intervalMs);
  }

  /** Run a pass now (or wait for the one running, then run). Null if another instance ran it. */
  async runNow(): Promise<ArchivePass | null> {
    while (this.running) await this.running.catch(() => undefined);
    const { store, logger, maxAgeMs, clock } = this.options;
    const before = new Date((clock ?? Date.now)() - maxAgeMs).toISOString();
    this.running = store.archive({ before, signal: this.stopping.signal });
    try {
      const pass = await this.running;
      if (pass && (pass.archived > 0 || pass.more)) {
        logger.info({ ...pass, before }, `retention: archived ${pass.archived} events of ${pass.tasks} tasks and ${pass.agents} agents`);
      }
      return pass;
    } finally {
      this.running = null;
    }
  }

  /** Stop the timer and end a running pass at its next batch. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runNow().then(
        (pass) => this.schedule(pass?.more ? CATCH_UP_PAUSE_MS : this.options.intervalMs),
        (error: unknown) => {
          // A store that failed (unreachable, full disk) is tried again at the next interval.
          this.options.logger.warn({ err: error }, 'retention: archive pass failed; trying again at the next interval');
          this.schedule(this.options.intervalMs);
        },
      );
    }, ms);
    this.timer.unref();
  }
}
