/**
 * The task counters' changes of a commit (issue 14), summed per counter row and written once at
 * the end of the commit's transaction by both writers (sqlite-writes.ts, postgres.ts), so the
 * counters are exactly what a recount of `tasks` would give at every commit.
 *
 * A task's counter key is its row's (creator, org, private, status). Only the status ever
 * changes: `upsertTask` (sql.ts) never rewrites a stored row's creator, org or private flag,
 * whatever a later view says, so a task moves between two counters of the same creator, org and
 * flag, and a public one between two of its org's.
 */

/** A task row's counter key: `taskCounted` (sql.ts) as a raw row. Flags as 0/1 or booleans. */
export type TaskCountKey = [creatorId: string, org: string, isPrivate: number | boolean, status: string];

export class CountDeltas {
  /** Per creator counter row: its key and the change, by the key joined. */
  private readonly rows = new Map<string, [creatorId: string, org: string, isPrivate: number, status: string, n: number]>();

  /**
   * A task row written: `before` is the stored row's key (null for a new task), `after` the one
   * written. A stored row keeps its creator, org and flag, so only `after`'s status counts then.
   */
  task(before: TaskCountKey | null, after: TaskCountKey): void {
    if (before === null) return this.add(after, 1);
    if (before[3] === after[3]) return;
    this.add(before, -1);
    this.add([before[0], before[1], before[2], after[3]], 1);
  }

  /** Everything of `other` (a request that committed within a group). */
  addAll(other: CountDeltas): void {
    for (const [creatorId, org, isPrivate, status, n] of other.rows.values()) this.add([creatorId, org, isPrivate, status], n);
  }

  private add([creatorId, org, isPrivate, status]: TaskCountKey, n: number): void {
    const flag = isPrivate === true || isPrivate === 1 ? 1 : 0;
    const key = `${creatorId}\u0000${org}\u0000${flag}\u0000${status}`;
    const row = this.rows.get(key);
    if (row) row[4] += n;
    else this.rows.set(key, [creatorId, org, flag, status, n]);
  }

  /** The creators' counter changes, `addCount` order (sql.ts); none that sum to 0. */
  creatorRows(): [creatorId: string, org: string, isPrivate: number, status: string, n: number][] {
    return [...this.rows.values()].filter((row) => row[4] !== 0);
  }

  /** The orgs' counter changes of public tasks, `addOrgCount` order; none that sum to 0. */
  orgRows(): [org: string, status: string, n: number][] {
    const byOrg = new Map<string, [org: string, status: string, n: number]>();
    for (const [, org, isPrivate, status, n] of this.rows.values()) {
      if (isPrivate === 1) continue;
      const key = `${org}\u0000${status}`;
      const row = byOrg.get(key);
      if (row) row[2] += n;
      else byOrg.set(key, [org, status, n]);
    }
    return [...byOrg.values()].filter((row) => row[2] !== 0);
  }
}
