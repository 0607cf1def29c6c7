/**
 * counts-agree: `dashboardCounts` agrees with the task list, for every user and scope (ALL, MINE):
 * its byStatus equals a count of the `tasks` pages by status, and its derived figures (active,
 * completed, failed, cancelled, total) follow from byStatus. Both carry the log cursor they were
 * read at; a read is compared only when every page has the counts' cursor (under load the log
 * moves between requests: the sampler retries a few times, and a read that never lines up is
 * counted as inconclusive, not as a disagreement).
 */
import { Episodes, iso } from '../episodes.js';
import { TASK_STATUSES, type CountsRead, type Invariant, type Snapshot, type TaskStatus, type Violation } from '../types.js';

const ACTIVE: TaskStatus[] = ['RECEIVED', 'ANALYZING', 'NEEDS_CLARIFICATION', 'DISPATCHED', 'CODING', 'PR_OPEN', 'HELD'];

/** Every page was read at the counts' cursor. */
export function countsComparable(read: CountsRead): boolean {
  return read.pages.length > 0 && read.pages.every((p) => p.cursor === read.counts.cursor);
}

/** What differs between the counts and the list (empty when they agree). */
export function countsDisagreement(read: CountsRead): string[] {
  const listed = new Map<TaskStatus, number>();
  for (const page of read.pages) for (const s of page.statuses) listed.set(s, (listed.get(s) ?? 0) + 1);
  const counted = (s: TaskStatus) => read.counts.byStatus[s] ?? 0;
  const diffs: string[] = [];
  for (const s of TASK_STATUSES) {
    if (counted(s) !== (listed.get(s) ?? 0)) diffs.push(`${s}: counts ${counted(s)}, list ${listed.get(s) ?? 0}`);
  }
  const sum = (ss: readonly TaskStatus[]) => ss.reduce((n, s) => n + counted(s), 0);
  const derived: [string, number, number][] = [
    ['total', read.counts.total, sum(TASK_STATUSES)],
    ['active', read.counts.active, sum(ACTIVE)],
    ['completed', read.counts.completed, counted('MERGED')],
    ['failed', read.counts.failed, counted('FAILED')],
    ['cancelled', read.counts.cancelled, counted('CANCELLED')],
  ];
  for (const [name, value, expected] of derived) if (value !== expected) diffs.push(`${name} is ${value}, byStatus says ${expected}`);
  return diffs;
}

export class CountsAgree implements Invariant {
  readonly name = 'counts-agree' as const;
  private readonly episodes = new Episodes();
  compared = 0;
  inconclusive = 0;

  observe(snapshot: Snapshot): Violation[] {
    const violations: Violation[] = [];
    for (const read of snapshot.counts) {
      const key = `${read.user}|${read.scope}`;
      if (!countsComparable(read)) {
        this.inconclusive++;
        // No verdict: a disagreement already reported stays reported.
        if (this.episodes.startOf(key) !== undefined) this.episodes.hold(key, snapshot.at);
        continue;
      }
      this.compared++;
      const diffs = countsDisagreement(read);
      if (diffs.length === 0) continue;
      this.episodes.hold(key, snapshot.at);
      if (this.episodes.firstReport(key)) {
        violations.push({
          invariant: this.name,
          at: iso(snapshot.at),
          user: read.user,
          message: `dashboardCounts(${read.scope}) of ${read.user} disagrees with its task list at cursor ${read.counts.cursor}: ${diffs.join('; ')}`,
        });
      }
    }
    this.episodes.endSample();
    return violations;
  }
}
