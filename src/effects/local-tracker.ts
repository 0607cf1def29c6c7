import type { OpenIssueInput, OpenIssueOutput } from '../machines/index.js';
import { retry } from '../runtime/retry.js';
import { StoreUnavailableError } from '../store/types.js';
import type { IssueTracker } from './types.js';

export interface IssueNumbering {
  allocateIssueNumber(key: string): Promise<number>;
}

/** Longest wait between attempts while the store cannot take the number. */
const MAX_RETRY_MS = 5000;

/**
 * The default tracker: numbers issues itself (durably, through the store, so numbers survive a
 * restart and a re-run for the same task gets the same number) and builds their URLs.
 */
export class LocalIssueTracker implements IssueTracker {
  constructor(
    private readonly numbering: IssueNumbering,
    private readonly baseUrl: string,
  ) {}

  async openIssue(input: OpenIssueInput, signal?: AbortSignal): Promise<OpenIssueOutput> {
    const number = await this.allocate(`task:${input.taskId}`, signal);
    return { number, url: `${this.baseUrl.replace(/\/$/, '')}/issues/${number}` };
  }

  /**
   * The number, waiting out a store that cannot take writes (a full disk, PostgreSQL away)
   * instead of failing the task for it: nothing is stored until it succeeds, and the same key
   * always gets the same number. Aborting (the task was cancelled, the server stops) ends it.
   */
  private allocate(key: string, signal?: AbortSignal): Promise<number> {
    // 100, 200, 400 ms… up to MAX_RETRY_MS between attempts, for as long as it takes.
    return retry(() => this.numbering.allocateIssueNumber(key), {
      baseMs: 100,
      maxMs: MAX_RETRY_MS,
      signal,
      retryable: (error) => error instanceof StoreUnavailableError,
    });
  }
}
