/**
 * One retry loop with exponential backoff for the effects, the host's effect re-delivery and the
 * CLI's reconnects, instead of a hand-written copy in each.
 *
 * Own code rather than a library: p-retry (the usual pick, no native deps) jitters by 1–2× the
 * nominal wait where we want 50–100 % of it, and what the callers need besides — GitHub's
 * Retry-After as the wait for one particular failure, an unref'd timer for the host — would mean
 * wrapping it anyway; the loop itself is twenty lines.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Backoff {
  /** The first wait, in ms. */
  baseMs: number;
  /** Each wait is the previous one times this. @default 2 */
  factor?: number;
  /** Longest wait, before jitter. @default Infinity */
  maxMs?: number;
  /**
   * Fraction of each wait that is random: 0.5 waits 50–100 % of it, so clients that failed
   * together do not come back together. @default 0
   */
  jitter?: number;
}

export interface RetryOptions extends Backoff {
  /** Attempts in all, the first included. @default Infinity */
  attempts?: number;
  /**
   * Ends the loop: a pause in progress rejects with the pause's AbortError, and an attempt that
   * failed after the abort is not retried (its own error is thrown).
   */
  signal?: AbortSignal;
  /** Whether trying again could help. @default every error */
  retryable?: (error: unknown, attempt: number) => boolean;
  /** The wait after this failure when it says (e.g. Retry-After); `undefined` for the backoff. */
  delayMs?: (error: unknown, attempt: number) => number | undefined;
  /** Called before each pause, with the failure and the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Whether a pause keeps the process alive. @default true */
  ref?: boolean;
}

/** The wait after failed attempt number `attempt` (from 1): base × factor^(attempt−1), capped, jittered. */
export function backoffDelay(attempt: number, { baseMs, factor = 2, maxMs = Infinity, jitter = 0 }: Backoff): number {
  const nominal = Math.min(baseMs * factor ** (attempt - 1), maxMs);
  return jitter > 0 ? Math.round(nominal * (1 - jitter + jitter * Math.random())) : nominal;
}

/**
 * `fn(attempt)` until it resolves, a failure is not `retryable`, `attempts` are used up or
 * `signal` aborts; the last failure is thrown as it was.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts = Infinity, signal, retryable = () => true, ref = true } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || signal?.aborted || !retryable(error, attempt)) throw error;
      const wait = options.delayMs?.(error, attempt) ?? backoffDelay(attempt, options);
      options.onRetry?.(error, attempt, wait);
      await sleep(wait, undefined, { signal, ref });
    }
  }
}
