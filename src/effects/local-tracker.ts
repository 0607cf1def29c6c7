import type { OpenIssueInput, OpenIssueOutput } from '../machines/index.js';
import type { IssueTracker } from './types.js';

export interface IssueNumbering {
  allocateIssueNumber(key: string): Promise<number>;
}

/**
 * The default tracker: numbers issues itself (durably, through the store, so numbers survive a
 * restart and a re-run for the same task gets the same number) and builds their URLs.
 */
export class LocalIssueTracker implements IssueTracker {
  constructor(
    private readonly numbering: IssueNumbering,
    private readonly baseUrl: string,
  ) {}

  async openIssue(input: OpenIssueInput): Promise<OpenIssueOutput> {
    const number = await this.numbering.allocateIssueNumber(`task:${input.taskId}`);
    return { number, url: `${this.baseUrl.replace(/\/$/, '')}/issues/${number}` };
  }
}
