/**
 * work-keeps-moving: while tasks are workable (DISPATCHED and queued), some task takes a step of
 * work in every window of W: it starts coding, opens its PR, is merged, fails or is cancelled.
 * Creating and analysing tasks does not count (they go on while every agent is wedged), nor does
 * a task going back to the queue. Steps are seen in timelines (none is missed between samples)
 * and, as a fallback, in status changes between samples.
 */
import { iso, seconds } from '../episodes.js';
import type { Invariant, LivenessOptions, Snapshot, TaskStatus, Violation } from '../types.js';
import { workable } from './queue.js';

const STEPS = new Set(['CODING_STARTED', 'PR_OPENED', 'PR_MERGED', 'PR_CLOSED', 'FAILED', 'CANCELLED']);
const WORK: TaskStatus[] = ['DISPATCHED', 'CODING', 'PR_OPEN'];

/** Whether any task took a step of work between `previous` and `snapshot`. */
export function workMoved(snapshot: Snapshot, previous: Snapshot | null): boolean {
  if (Object.values(snapshot.timelines).some((entries) => entries.some((e) => STEPS.has(e.type)))) return true;
  if (!previous) return false;
  const before = new Map(previous.tasks.map((t) => [t.id, t.status]));
  return snapshot.tasks.some((t) => {
    const was = before.get(t.id);
    return was !== undefined && WORK.includes(was) && was !== t.status && !(was === 'CODING' && t.status === 'DISPATCHED');
  });
}

export class WorkKeepsMoving implements Invariant {
  readonly name = 'work-keeps-moving' as const;
  /** The last sample with a step of work, or the first of the current run of workable samples. */
  private since: number | null = null;
  private reported = false;
  /** Longest time tasks were workable with no step of work. */
  longestStallMs = 0;

  constructor(private readonly options: Pick<LivenessOptions, 'progressWindowMs'>) {}

  observe(snapshot: Snapshot, previous: Snapshot | null): Violation[] {
    const waiting = snapshot.tasks.filter(workable);
    const moved = workMoved(snapshot, previous);
    if (waiting.length === 0 || moved || this.since === null) {
      this.since = waiting.length === 0 ? null : snapshot.at;
      this.reported = false;
      return [];
    }
    const stalled = snapshot.at - this.since;
    this.longestStallMs = Math.max(this.longestStallMs, stalled);
    if (stalled <= this.options.progressWindowMs || this.reported) return [];
    this.reported = true;
    const busy = snapshot.agents.filter((a) => a.status === 'BUSY');
    return [
      {
        invariant: this.name,
        at: iso(snapshot.at),
        taskId: waiting[0].id,
        ...(busy[0] ? { agentId: busy[0].id } : {}),
        message:
          `no task took a step of work for ${seconds(stalled)} (window ${seconds(this.options.progressWindowMs)}) while ${waiting.length} task(s) were workable: ` +
          `${waiting.slice(0, 5).map((t) => `${t.id} (${t.org})`).join(', ')}; agents: ` +
          (snapshot.agents.map((a) => `${a.name} ${a.status}/${a.health}${a.currentTaskId ? ` on ${a.currentTaskId}` : ''}`).join(', ') || 'none'),
      },
    ];
  }
}
