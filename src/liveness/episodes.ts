/**
 * Episodes of a condition per key (a task, an agent, a user's counts): since when it has held in
 * every sample, and whether it was already reported. A violation is reported once per episode; an
 * episode ends at the first sample where its condition no longer holds.
 */
export class Episodes {
  private readonly since = new Map<string, number>();
  private readonly reported = new Set<string>();
  private held = new Set<string>();

  /** The condition holds for `key` at `at`: how long it has held (0 at the first sample). */
  hold(key: string, at: number): number {
    this.held.add(key);
    const start = this.since.get(key);
    if (start === undefined) {
      this.since.set(key, at);
      return 0;
    }
    return at - start;
  }

  /** When the current episode of `key` started, if one is open. */
  startOf(key: string): number | undefined {
    return this.since.get(key);
  }

  /** True the first time it is asked within an episode: report then, and not again. */
  firstReport(key: string): boolean {
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }

  /** End every episode whose condition was not held since the last `endSample`. */
  endSample(): void {
    for (const key of [...this.since.keys()]) {
      if (this.held.has(key)) continue;
      this.since.delete(key);
      this.reported.delete(key);
    }
    this.held = new Set();
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const iso = (at: number) => new Date(at).toISOString();
