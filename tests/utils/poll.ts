/**
 * The one polling loop of the tests. `eventually` (also exported by tests/utils/server.ts) waits
 * for a truthy answer and throws on timeout; `pollUntil` returns the last answer either way, for
 * the test to assert on (and to show); `untilSteady` waits for reads that stopped changing.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ask `probe` every `everyMs` until `done` accepts its answer or `timeoutMs` has passed. With
 * `tolerateErrors`, a probe that throws counts as "not yet" (its last error is returned too).
 */
async function poll<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  { timeoutMs, everyMs, tolerateErrors }: { timeoutMs: number; everyMs: number; tolerateErrors: boolean },
): Promise<{ met: boolean; value?: T; error?: unknown }> {
  const until = Date.now() + timeoutMs;
  let error: unknown;
  for (;;) {
    let value: T | undefined;
    let answered = false;
    try {
      value = await probe();
      answered = true;
    } catch (e) {
      if (!tolerateErrors) throw e;
      error = e;
    }
    if (answered && done(value as T)) return { met: true, value };
    if (Date.now() > until) return answered ? { met: false, value, error } : { met: false, error };
    await sleep(everyMs);
  }
}

/** Poll `fn` until it returns a truthy value (a throwing `fn` is retried); throws after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 5000, everyMs = 20): Promise<NonNullable<T>> {
  const result = await poll(fn, (value) => Boolean(value), { timeoutMs, everyMs, tolerateErrors: true });
  if (result.met) return result.value as NonNullable<T>;
  const last = result.error;
  throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/**
 * Ask `probe` every `everyMs` until `done` says its answer is the awaited one or `timeoutMs` has
 * passed; either way the last answer is returned, for the test to assert on (and to show).
 */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 100): Promise<T> {
  return (await poll(probe, done, { timeoutMs, everyMs, tolerateErrors: false })).value as T;
}

/**
 * Read `probe` every `everyMs` until `steady(previous, latest)` has held for `times` reads in a
 * row (what it watches has settled: a log that stopped growing, streams that stopped receiving)
 * or `timeoutMs` has passed; either way the latest read is returned.
 */
export async function untilSteady<T>(
  probe: () => Promise<T>,
  steady: (previous: T, latest: T) => boolean,
  { everyMs, times = 1, timeoutMs = Infinity }: { everyMs: number; times?: number; timeoutMs?: number },
): Promise<T> {
  let previous: { value: T } | null = null;
  let run = 0;
  const settled = (latest: T) => {
    if (previous) run = steady(previous.value, latest) ? run + 1 : 0;
    previous = { value: latest };
    return run >= times;
  };
  return (await poll(probe, settled, { timeoutMs, everyMs, tolerateErrors: false })).value as T;
}
