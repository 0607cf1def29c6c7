/**
 * src/runtime/retry.ts: the backoff waits (exponential, capped, jittered within its fraction)
 * and the loop (attempt count, retryable predicate, per-failure wait, abort).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, retry } from '../../src/runtime/retry.js';

afterEach(() => vi.restoreAllMocks());

describe('backoffDelay', () => {
  it('multiplies by the factor from the base and stops at the cap', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 5000 }));
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 5000]);
    expect(backoffDelay(3, { baseMs: 250, factor: 1 })).toBe(250);
  });

  it('jitters within the given fraction of the nominal wait', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(backoffDelay(2, { baseMs: 200, jitter: 0.5 })).toBe(200);
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    expect(backoffDelay(2, { baseMs: 200, jitter: 0.5 })).toBe(400);
  });
});

describe('retry', () => {
  const failing = (times: number, error: unknown = new Error('no')) => {
    let calls = 0;
    const fn = vi.fn(async (attempt: number) => {
      calls++;
      if (calls <= times) throw error;
      return attempt;
    });
    return fn;
  };

  it('tries until it succeeds, reporting each wait', async () => {
    const fn = failing(3);
    const waits: number[] = [];
    await expect(retry(fn, { baseMs: 1, onRetry: (_e, _a, ms) => waits.push(ms) })).resolves.toBe(4);
    expect(fn).toHaveBeenCalledTimes(4);
    expect(waits).toEqual([1, 2, 4]);
  });

  it('gives up after `attempts` in all, throwing the last failure', async () => {
    const fn = failing(10, new Error('down'));
    await expect(retry(fn, { baseMs: 1, attempts: 3 })).rejects.toThrow('down');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('does not retry what is not retryable', async () => {
    const fn = failing(10, new Error('refused'));
    await expect(retry(fn, { baseMs: 1, retryable: (e) => (e as Error).message !== 'refused' })).rejects.toThrow('refused');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('waits what the failure asks for instead of the backoff', async () => {
    const waits: number[] = [];
    await retry(failing(2), { baseMs: 1000, delayMs: () => 3, onRetry: (_e, _a, ms) => waits.push(ms) });
    expect(waits).toEqual([3, 3]);
  });

  it('an abort ends a pause with AbortError, and stops retrying a failure seen after it', async () => {
    const controller = new AbortController();
    const pausing = retry(failing(10), { baseMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pausing).rejects.toMatchObject({ name: 'AbortError' });

    const fn = failing(10, new Error('late'));
    await expect(retry(fn, { baseMs: 1, signal: AbortSignal.abort() })).rejects.toThrow('late');
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
