/**
 * Per-key FIFO mutual exclusion for async work, so one entity's commands apply one at a time.
 *
 * Hand-written because it is 20 lines and needs one property the common mutex packages lack:
 * a call locking several keys takes its place in every key's queue in the same synchronous step,
 * so two multi-key calls can never wait on each other (no deadlock, no ordering by key name).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const previous = unique.map((key) => this.tails.get(key));
    for (const key of unique) this.tails.set(key, done);
    await Promise.all(previous);
    try {
      return await fn();
    } finally {
      release();
      for (const key of unique) if (this.tails.get(key) === done) this.tails.delete(key);
    }
  }
}
