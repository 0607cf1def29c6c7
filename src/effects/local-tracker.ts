import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenIssueInput, OpenIssueOutput } from '../machines/index.js';
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
  private async allocate(key: string, signal?: AbortSignal): Promise<number> {
    for (let wait = 100; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
      try {
        return await this.numbering.allocateIssueNumber(key);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || signal?.aborted) throw error;
        await sleep(wait, undefined, { signal });
      }
    }
  }
}
