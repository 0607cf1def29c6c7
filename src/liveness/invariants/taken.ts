/**
 * taken-task-moves: a task a worker took (its timeline has ASSIGNED) ends up somewhere: PR_OPEN,
 * MERGED, FAILED or CANCELLED; or back in the queue with a REQUEUED entry that says why; or it is
 * still CODING and reported within the stuck window. It never sits in the `assigned` sub-state
 * (taken, not started) longer than the bound, and it is not given back again and again (more
 * than `maxRequeues` REQUEUED entries: a livelock that "requeued with a reason" would excuse).
 *
 * "Reported" is judged by the checker's own clock: the task's version moving (every report is a
 * committed transition) re-arms the watch, so a remote server's clock does not matter.
 */
import { Episodes, iso, seconds } from '../episodes.js';
import type { Invariant, LivenessOptions, Snapshot, Violation } from '../types.js';

interface Taken {
  /** Newest timeline version seen. */
  version: number;
  /** ASSIGNED, REQUEUED and RETRIED entries, oldest first (what says whether the task is taken). */
  marks: { version: number; type: string; agentId: string | null }[];
}

/**
 * The ASSIGNED entry the task is still under at `version` (none after it up to that version
 * gave it back), or null. Judged at the sampled version, not the newest the timeline read: a
 * task's sample can be older than its timeline (other users' reads come later).
 */
function takenAt(taken: Taken, version: number) {
  const last = taken.marks.filter((m) => m.version <= version).at(-1);
  return last?.type === 'ASSIGNED' ? last : null;
}

export class TakenTaskMoves implements Invariant {
  readonly name = 'taken-task-moves' as const;
  private readonly history = new Map<string, Taken>();
  private readonly assigned = new Episodes();
  private readonly silent = new Episodes();
  /** Per coding task: the version last seen and when it was first seen. */
  private readonly moved = new Map<string, { version: number; at: number }>();
  /** Tasks (at a version) already reported as back in the queue without REQUEUED. */
  private readonly unexplained = new Set<string>();

  constructor(private readonly options: Pick<LivenessOptions, 'assignedWithinMs' | 'stuckAfterMs' | 'graceMs' | 'maxRequeues'>) {}

  observe(snapshot: Snapshot): Violation[] {
    const violations: Violation[] = [];
    const at = iso(snapshot.at);
    for (const [taskId, entries] of Object.entries(snapshot.timelines)) {
      const taken = this.history.get(taskId) ?? { version: 0, marks: [] };
      this.history.set(taskId, taken);
      for (const entry of entries) {
        taken.version = Math.max(taken.version, entry.version);
        if (entry.type === 'ASSIGNED' || entry.type === 'REQUEUED' || entry.type === 'RETRIED') {
          const agentId = typeof entry.payload?.agentId === 'string' ? entry.payload.agentId : null;
          taken.marks.push({ version: entry.version, type: entry.type, agentId });
          const reason = entry.payload?.reason;
          if (entry.type === 'REQUEUED' && (typeof reason !== 'string' || reason.trim() === '')) {
            violations.push({ invariant: this.name, at, taskId, message: `task ${taskId} went back to the queue (REQUEUED, version ${entry.version} at ${entry.at}) without a reason` });
          }
          const requeues = taken.marks.filter((m) => m.type === 'REQUEUED');
          if (entry.type === 'REQUEUED' && requeues.length === this.options.maxRequeues + 1) {
            const agents = [...new Set(taken.marks.filter((m) => m.type === 'ASSIGNED').map((m) => m.agentId))];
            violations.push({
              invariant: this.name,
              at,
              taskId,
              ...(agents.at(-1) ? { agentId: agents.at(-1)! } : {}),
              message: `task ${taskId} went back to the queue ${requeues.length} times (bound ${this.options.maxRequeues}), last at ${entry.at}: "${String(reason)}"; taken by ${agents.join(', ')}`,
            });
          }
        }
      }
    }

    const coding = new Set<string>();
    for (const task of snapshot.tasks) {
      const agent = task.assignedAgentId ? ` (agent ${task.assignedAgentId})` : '';
      if (task.phase === 'assigned') {
        const lasted = this.assigned.hold(task.id, snapshot.at);
        if (lasted > this.options.assignedWithinMs && this.assigned.firstReport(task.id)) {
          violations.push({
            invariant: this.name,
            at,
            taskId: task.id,
            ...(task.assignedAgentId ? { agentId: task.assignedAgentId } : {}),
            message: `task ${task.id} ("${task.title}") was taken${agent} but has not started coding for ${seconds(lasted)}`,
          });
        }
      } else if (task.status === 'CODING') {
        coding.add(task.id);
        const last = this.moved.get(task.id);
        if (!last || last.version !== task.version) this.moved.set(task.id, { version: task.version, at: snapshot.at });
        const since = this.moved.get(task.id)!.at;
        const key = `${task.id}|${task.version}`;
        if (snapshot.at - since > this.options.stuckAfterMs + this.options.graceMs) {
          this.silent.hold(key, snapshot.at);
          if (this.silent.firstReport(key)) {
            violations.push({
              invariant: this.name,
              at,
              taskId: task.id,
              ...(task.assignedAgentId ? { agentId: task.assignedAgentId } : {}),
              message: `task ${task.id} ("${task.title}") is CODING${agent} without a report for ${seconds(snapshot.at - since)} (stuck window ${seconds(this.options.stuckAfterMs)})`,
            });
          }
        }
      } else if (task.phase === 'queued') {
        const taken = this.history.get(task.id);
        // Judged only once the timeline read reaches the sampled version.
        const under = taken && taken.version >= task.version ? takenAt(taken, task.version) : null;
        if (under && !this.unexplained.has(`${task.id}|${task.version}`)) {
          this.unexplained.add(`${task.id}|${task.version}`);
          violations.push({
            invariant: this.name,
            at,
            taskId: task.id,
            ...(under.agentId ? { agentId: under.agentId } : {}),
            message: `task ${task.id} ("${task.title}") is queued at version ${task.version}, after it was taken by agent ${under.agentId} (version ${under.version}), with no REQUEUED entry on its timeline`,
          });
        }
      }
    }
    for (const id of [...this.moved.keys()]) if (!coding.has(id)) this.moved.delete(id);
    this.assigned.endSample();
    this.silent.endSample();
    return violations;
  }
}
