/**
 * GitHub webhook events → task transitions. The HTTP layer (src/server/webhooks.ts) has already
 * verified the signature; this decides what an event means for which task.
 *
 * A pull request is linked to its task by branch name (the branch the agent reported in
 * `startCoding`), or by "Closes #N" / "Fixes #N" / "Resolves #N" naming the task's tracking issue.
 */
import { z } from 'zod';
import { DomainError, ErrorCode } from '../errors.js';
import type { TaskCommand, TaskView } from '../machines/index.js';
import type { EventStore } from '../store/types.js';
import type { TaskService } from './tasks.js';

export interface WebhookOutcome {
  /** HTTP status to answer GitHub with. */
  status: number;
  /** One line for the delivery log in GitHub's UI (and ours). */
  message: string;
  /** Whether a redelivery with the same id should be answered from the record. */
  final: boolean;
}

const PullRequestEvent = z.object({
  action: z.string(),
  pull_request: z.object({
    number: z.number().int().positive(),
    html_url: z.url(),
    title: z.string(),
    body: z.string().nullable().optional(),
    merged: z.boolean().nullable().optional(),
    merge_commit_sha: z.string().nullable().optional(),
    merged_at: z.string().nullable().optional(),
    head: z.object({ ref: z.string() }),
  }),
});
type PullRequest = z.infer<typeof PullRequestEvent>['pull_request'];

const CLOSES = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b/i;

export class GitHubWebhooks {
  constructor(
    private readonly store: EventStore,
    private readonly tasks: TaskService,
  ) {}

  async handle(event: string, payload: unknown): Promise<WebhookOutcome> {
    if (event === 'ping') return { status: 200, message: 'pong', final: true };
    if (event !== 'pull_request') return { status: 202, message: `ignored event "${event}"`, final: true };
    const parsed = PullRequestEvent.safeParse(payload);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      return { status: 400, message: `malformed pull_request payload (${where})`, final: false };
    }
    const { action, pull_request: pr } = parsed.data;
    if (action !== 'opened' && action !== 'reopened' && action !== 'closed') {
      return { status: 202, message: `ignored pull_request action "${action}"`, final: true };
    }
    const task = await this.linkedTask(pr);
    if (!task) {
      return { status: 202, message: `no task linked to PR #${pr.number} (branch ${pr.head.ref})`, final: true };
    }
    return this.apply(task, action, pr);
  }

  private async linkedTask(pr: PullRequest): Promise<TaskView | null> {
    const byBranch = await this.store.findTaskByBranch(pr.head.ref);
    if (byBranch) return byBranch;
    const closes = CLOSES.exec(pr.body ?? '');
    return closes ? this.store.findTaskByIssueNumber(Number(closes[1])) : null;
  }

  private async apply(task: TaskView, action: string, pr: PullRequest): Promise<WebhookOutcome> {
    const opened: TaskCommand = { type: 'PR_OPENED', number: pr.number, url: pr.html_url, title: pr.title.slice(0, 300) };
    const steps: TaskCommand[] = [];
    if (action !== 'closed') {
      // The worker may have reported the same PR already: that is success, not a conflict.
      if (task.status === 'pr_open' && task.pr?.number === pr.number) {
        return { status: 200, message: `task ${task.id} already has PR #${pr.number}`, final: true };
      }
      steps.push(opened);
    } else {
      // A missed "opened" delivery must not strand the task in coding.
      if (task.status === 'coding') steps.push(opened);
      if (pr.merged) {
        const sha = pr.merge_commit_sha ?? '';
        if (!/^[0-9a-f]{7,64}$/i.test(sha)) {
          return { status: 400, message: 'merged pull_request without a valid merge_commit_sha', final: false };
        }
        const mergedAt = pr.merged_at && !Number.isNaN(Date.parse(pr.merged_at)) ? new Date(pr.merged_at).toISOString() : new Date().toISOString();
        steps.push({ type: 'PR_MERGED', sha, mergedAt });
      } else {
        steps.push({ type: 'PR_CLOSED' });
      }
    }
    try {
      let current = task;
      for (const step of steps) current = await this.tasks.applyExternal(task.id, step, 'github');
      return { status: 200, message: `task ${task.id} is now ${current.status}`, final: true };
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.INVALID_TRANSITION) {
        // Not final: once the task catches up (or an operator fixes it) a redelivery can apply.
        return { status: 409, message: `task ${task.id} is ${task.status}: ${error.message}`, final: false };
      }
      throw error;
    }
  }
}
