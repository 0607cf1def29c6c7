/**
 * Issue tracker backed by GitHub Issues (REST API, `POST /repos/{owner}/{repo}/issues`).
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { OpenIssueInput, OpenIssueOutput } from '../machines/index.js';
import { retry } from '../runtime/retry.js';
import { formatDuration, networkCause, parseJson, redact, truncate } from './http-text.js';
import type { IssueTracker } from './types.js';

/** Options for {@link GitHubIssueTracker}. */
export interface GitHubIssueTrackerOptions {
  /** A token allowed to create issues in `repo` (fine-grained: "Issues: write"). Never logged. */
  token: string;
  /** Target repository as `owner/name`, e.g. `acme/app`. */
  repo: string;
  /**
   * REST API root; set it for GitHub Enterprise Server (`https://ghe.example.com/api/v3`).
   * @default "https://api.github.com"
   */
  apiUrl?: string;
  /**
   * Retries after the first attempt, for network errors, timeouts, 5xx, 429 and rate-limit 403s
   * (so at most `retries + 1` requests).
   * @default 3
   */
  retries?: number;
  /**
   * Budget for each attempt, not for the whole call.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * `fetch` implementation, for proxies or instrumentation.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
}

/** First backoff step; doubled per retry (200, 400, 800 ms…) and jittered. */
const BASE_DELAY_MS = 200;
/**
 * Longest wait GitHub may ask for (Retry-After / rate-limit reset) that we still sit out. A longer
 * one fails at once: retrying earlier is pointless, and holding the task for minutes hides the
 * problem; the user can retry the task once the limit resets.
 */
const MAX_WAIT_MS = 10_000;
const REPO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

const createdIssueSchema = z.object({
  number: z.number().int().positive(),
  html_url: z.url({ protocol: /^https?$/ }),
});

const errorBodySchema = z.object({
  message: z.string(),
  errors: z
    .array(z.object({ field: z.string().optional(), code: z.string().optional(), message: z.string().optional() }))
    .optional(),
});

/**
 * How one attempt failed. `http` also covers unusable 2xx answers; `retryAfterMs` is the wait
 * GitHub asked for, when it said.
 */
type Failure =
  | { kind: 'network'; cause: string; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'http'; message: string; retryable: boolean; retryAfterMs?: number; hint?: string };

/** A failed attempt, thrown to the retry loop. */
class AttemptFailure extends Error {
  readonly retryable: boolean;
  /** The wait GitHub asked for, when it said. */
  readonly askedMs: number | undefined;
  /** The wait GitHub asked for when it is longer than we sit out (see MAX_WAIT_MS). */
  readonly tooLongMs: number | undefined;

  constructor(readonly failure: Failure) {
    super(failure.kind);
    this.retryable = failure.kind !== 'http' || failure.retryable;
    this.askedMs = failure.kind === 'http' ? failure.retryAfterMs : undefined;
    this.tooLongMs = this.askedMs !== undefined && this.askedMs > MAX_WAIT_MS ? this.askedMs : undefined;
  }
}

/**
 * {@link IssueTracker} that opens one GitHub issue per task.
 *
 * The issue body ends with a hidden `<!-- conveyor-task:<id> -->` marker so issues can be traced
 * back to (and deduplicated by) their task. Transient failures are retried with jittered
 * exponential backoff; errors are user-facing, name the repo and attempt count, and never
 * contain the token.
 */
export class GitHubIssueTracker implements IssueTracker {
  private readonly endpoint: string;
  private readonly retries: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GitHubIssueTrackerOptions) {
    if (!REPO_PATTERN.test(options.repo)) {
      throw new Error(`GitHubIssueTracker: repo must look like "owner/name", got "${options.repo}"`);
    }
    if (!options.token.trim()) throw new Error('GitHubIssueTracker: token must not be empty');
    const apiUrl = options.apiUrl ?? 'https://api.github.com';
    if (!/^https?:\/\//i.test(apiUrl) || !URL.canParse(apiUrl)) {
      throw new Error(`GitHubIssueTracker: apiUrl must be an http(s) URL, got "${apiUrl}"`);
    }
    this.retries = options.retries ?? 3;
    if (!Number.isInteger(this.retries) || this.retries < 0) {
      throw new Error('GitHubIssueTracker: retries must be a whole number ≥ 0');
    }
    this.timeoutMs = options.timeoutMs ?? 10_000;
    if (!(this.timeoutMs > 0)) throw new Error('GitHubIssueTracker: timeoutMs must be a positive number');
    this.endpoint = `${apiUrl.replace(/\/+$/, '')}/repos/${options.repo}/issues`;
    // Wrapped so a bare global `fetch` is never called with this instance as its receiver.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async openIssue(input: OpenIssueInput, signal: AbortSignal): Promise<OpenIssueOutput> {
    const body = JSON.stringify({ title: input.title, body: issueBody(input) });
    let attempts = 0;
    try {
      return await retry(
        async (attempt) => {
          attempts = attempt;
          const result = await this.attempt(body, signal);
          if ('kind' in result) throw new AttemptFailure(result);
          return result;
        },
        {
          attempts: this.retries + 1,
          // 50–100 % of 200, 400, 800 ms… so retries do not stampede.
          baseMs: BASE_DELAY_MS,
          maxMs: MAX_WAIT_MS,
          jitter: 0.5,
          signal,
          retryable: (error) => error instanceof AttemptFailure && error.retryable && error.tooLongMs === undefined,
          // The wait GitHub asked for, when it said, instead of ours.
          delayMs: (error) => (error instanceof AttemptFailure ? error.askedMs : undefined),
        },
      );
    } catch (error) {
      if (signal.aborted) throw cancelled(signal, error);
      if (error instanceof AttemptFailure) throw this.finalError(error.failure, attempts, error.tooLongMs);
      throw error;
    }
  }

  private async attempt(body: string, signal: AbortSignal): Promise<OpenIssueOutput | Failure> {
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'conveyor',
          'content-type': 'application/json',
        },
        body,
        signal: attemptSignal,
      });
      text = await response.text();
    } catch (error) {
      // The caller's abort is handled by openIssue; only our own timer means "timed out".
      if (attemptSignal.aborted && !signal.aborted) return { kind: 'timeout' };
      return { kind: 'network', cause: networkCause(error), error };
    }

    if (response.ok) {
      const issue = createdIssueSchema.safeParse(parseJson(text));
      if (!issue.success) {
        const fields = [...new Set(issue.error.issues.map((i) => i.path.join('.') || 'body'))].join(', ');
        return { kind: 'http', message: `GitHub returned an unexpected response (bad ${fields})`, retryable: false };
      }
      return { number: issue.data.number, url: issue.data.html_url };
    }
    return this.httpFailure(response, text);
  }

  private httpFailure(response: Response, text: string): Failure {
    const { status, headers } = response;
    const parsed = errorBodySchema.safeParse(parseJson(text));
    const detail = redact(truncate(parsed.success ? describeError(parsed.data) : text), this.options.token);
    const label = `${status} ${STATUS_CODES[status] ?? 'Error'}${detail ? `: ${detail}` : ''}`;
    if (status === 401) {
      const hint = 'check the configured token';
      return { kind: 'http', message: `GitHub answered ${label}`, retryable: false, hint };
    }

    // GitHub signals primary and secondary rate limits with 403 or 429 plus these headers.
    const retryAfterMs = rateLimitWait(headers);
    const limited =
      (status === 403 || status === 429) &&
      (retryAfterMs !== undefined || headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(detail));
    if (limited) {
      // Without a Retry-After GitHub's docs say to wait at least a minute, which exceeds our cap.
      const message = `GitHub answered ${label}`;
      return { kind: 'http', message, retryable: true, retryAfterMs: retryAfterMs ?? 60_000 };
    }
    const transient = status >= 500 || status === 429;
    return {
      kind: 'http',
      message: `GitHub answered ${label}`,
      retryable: transient,
      // A 503 may say when to come back; other statuses' Retry-After is not a retry invitation.
      retryAfterMs: transient ? retryAfterMs : undefined,
      hint: status === 404 ? 'check the repo name and that the token can access it' : undefined,
    };
  }

  /** The user-facing error: what happened, for which repo, after how many attempts. */
  private finalError(failure: Failure, attempts: number, tooLongMs: number | undefined): Error {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const where = `repo ${this.options.repo}`;
    switch (failure.kind) {
      case 'network':
        return new Error(`GitHub unreachable${tries}: ${failure.cause} (${where})`, { cause: failure.error });
      case 'timeout':
        return new Error(`GitHub did not answer within ${formatDuration(this.timeoutMs)}${tries} (${where})`);
      case 'http': {
        const wait =
          tooLongMs === undefined ? '' : `; it asks to wait ${formatDuration(tooLongMs)}, retry the task then`;
        const hint = failure.hint && !wait ? `; ${failure.hint}` : '';
        return new Error(`${failure.message} (${where}${tries ? `,${tries}` : ''})${wait}${hint}`);
      }
    }
  }
}

/** The task description, then the hidden marker that ties the issue to its task. */
function issueBody(input: OpenIssueInput): string {
  const marker = `<!-- conveyor-task:${input.taskId} -->`;
  const description = input.description?.trim();
  return description ? `${description}\n\n${marker}` : marker;
}

/** "Validation Failed — title: missing_field": GitHub puts the useful part in `errors`. */
function describeError(body: z.infer<typeof errorBodySchema>): string {
  const details = (body.errors ?? [])
    .map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(': '))
    .filter(Boolean);
  return details.length ? `${body.message} — ${details.join('; ')}` : body.message;
}

/** How long GitHub asks us to wait, from `Retry-After` (seconds or a date) or the rate-limit reset. */
function rateLimitWait(headers: Headers): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const reset = Number(headers.get('x-ratelimit-reset') ?? NaN);
  if (headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset)) {
    return Math.max(0, reset * 1000 - Date.now());
  }
  return undefined;
}

function cancelled(signal: AbortSignal, error?: unknown): Error {
  return new Error('opening the issue was cancelled', { cause: signal.reason ?? error });
}

