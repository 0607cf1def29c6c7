/**
 * Ask `probe` every `everyMs` until `done` says its answer is the awaited one or `timeoutMs` has
 * passed; either way the last answer is returned, for the test to assert on (and to show).
 */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
