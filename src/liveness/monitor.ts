/**
 * The liveness monitor: every invariant over the sequence of snapshots, the violations they
 * establish, and the run's figures for the summary. Pure (no I/O, no clock of its own: time is the
 * snapshot's `at`), so tests drive it with hand-made snapshots; src/liveness/checker.ts feeds it
 * from the API.
 */
import { SessionsAgree } from './invariants/sessions.js';
import { iso } from './episodes.js';
import { BusyAgentHoldsTask } from './invariants/agents.js';
import { CountsAgree } from './invariants/counts.js';
import { WorkKeepsMoving } from './invariants/progress.js';
import { QueuedTaskTaken } from './invariants/queue.js';
import { TakenTaskMoves } from './invariants/taken.js';
import { DEFAULT_OPTIONS, type InvariantName, type LivenessOptions, type Snapshot, type TaskSample, type Violation } from './types.js';

export interface OrgFigures {
  tasks: number;
  worked: number;
  merged: number;
  failed: number;
  cancelled: number;
  privateTasks: number;
  /** Private tasks whose timeline reached PR_OPENED (so a worker could read and finish them). */
  privateReachedPr: number;
}

export interface LivenessSummary {
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number;
  samples: number;
  /** Every task the checker saw; `createdDuringRun` those absent from its first sample. */
  tasks: number;
  createdDuringRun: number;
  /** Tasks a worker took (ASSIGNED on the timeline). */
  worked: number;
  merged: number;
  failed: number;
  cancelled: number;
  /** REQUEUED entries, and the tasks they were on. */
  requeued: number;
  requeuedTasks: number;
  requeueReasons: Record<string, number>;
  clarificationsAnswered: number;
  /** Longest wait of a workable task while an eligible agent was idle. */
  longestIdleWait: { seconds: number; taskId: string | null };
  /** Longest time a task was seen queued. */
  longestQueued: { seconds: number; taskId: string | null };
  /** Longest time tasks were workable without a step of work. */
  longestStallSeconds: number;
  counts: { compared: number; inconclusive: number };
  byOrg: Record<string, OrgFigures>;
  violations: number;
  violationsByInvariant: Partial<Record<InvariantName, number>>;
}

interface Facts {
  task: TaskSample;
  worked: boolean;
  reachedPr: boolean;
  requeues: number;
}

export class LivenessMonitor {
  readonly options: LivenessOptions;
  readonly violations: Violation[] = [];
  private readonly queue: QueuedTaskTaken;
  private readonly counts = new CountsAgree();
  private readonly progress: WorkKeepsMoving;
  private readonly invariants;
  private previous: Snapshot | null = null;
  private first: Snapshot | null = null;
  private samples = 0;
  private readonly facts = new Map<string, Facts>();
  private readonly initial = new Set<string>();
  private requeued = 0;
  private answered = 0;
  private readonly reasons = new Map<string, number>();

  constructor(options: Partial<LivenessOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.queue = new QueuedTaskTaken(this.options);
    this.progress = new WorkKeepsMoving(this.options);
    this.invariants = [this.queue, new BusyAgentHoldsTask(this.options), new TakenTaskMoves(this.options), this.counts, this.progress, new SessionsAgree()];
  }

  /** Check a new snapshot (taken after the previous one): the violations established now. */
  observe(snapshot: Snapshot): Violation[] {
    if (this.previous && snapshot.at < this.previous.at) throw new Error('snapshots must be observed in time order');
    const found = this.invariants.flatMap((invariant) => invariant.observe(snapshot, this.previous));
    this.tally(snapshot);
    this.previous = snapshot;
    this.violations.push(...found);
    return found;
  }

  /** A violation found outside the snapshots (a failure line in the output, an API that does not answer). */
  report(violation: Violation): void {
    this.violations.push(violation);
  }

  private tally(snapshot: Snapshot): void {
    this.samples++;
    if (!this.first) {
      this.first = snapshot;
      for (const t of snapshot.tasks) this.initial.add(t.id);
    }
    for (const task of snapshot.tasks) {
      const facts = this.facts.get(task.id) ?? { task, worked: false, reachedPr: false, requeues: 0 };
      facts.task = task;
      this.facts.set(task.id, facts);
    }
    for (const [taskId, entries] of Object.entries(snapshot.timelines)) {
      const facts = this.facts.get(taskId);
      for (const entry of entries) {
        if (entry.type === 'CLARIFICATION_ANSWERED') this.answered++;
        if (!facts) continue;
        if (entry.type === 'ASSIGNED') facts.worked = true;
        if (entry.type === 'PR_OPENED') facts.reachedPr = true;
        if (entry.type === 'REQUEUED') {
          facts.requeues++;
          this.requeued++;
          // The reason names the agent and a time: group by its words.
          const reason = String(entry.payload?.reason ?? '').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');
          this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
        }
      }
    }
  }

  summary(): LivenessSummary {
    const all = [...this.facts.values()];
    const byOrg: Record<string, OrgFigures> = {};
    for (const f of all) {
      const org = (byOrg[f.task.org] ??= { tasks: 0, worked: 0, merged: 0, failed: 0, cancelled: 0, privateTasks: 0, privateReachedPr: 0 });
      org.tasks++;
      if (f.worked) org.worked++;
      if (f.task.status === 'MERGED') org.merged++;
      if (f.task.status === 'FAILED') org.failed++;
      if (f.task.status === 'CANCELLED') org.cancelled++;
      if (f.task.private) {
        org.privateTasks++;
        if (f.reachedPr || f.task.status === 'PR_OPEN' || f.task.status === 'MERGED') org.privateReachedPr++;
      }
    }
    const byInvariant: Partial<Record<InvariantName, number>> = {};
    for (const v of this.violations) byInvariant[v.invariant] = (byInvariant[v.invariant] ?? 0) + 1;
    const s = (ms: number) => Math.round(ms / 100) / 10;
    const count = (status: string) => all.filter((f) => f.task.status === status).length;
    return {
      startedAt: this.first ? iso(this.first.at) : null,
      endedAt: this.previous ? iso(this.previous.at) : null,
      durationSeconds: this.first && this.previous ? s(this.previous.at - this.first.at) : 0,
      samples: this.samples,
      tasks: all.length,
      createdDuringRun: all.filter((f) => !this.initial.has(f.task.id)).length,
      worked: all.filter((f) => f.worked).length,
      merged: count('MERGED'),
      failed: count('FAILED'),
      cancelled: count('CANCELLED'),
      requeued: this.requeued,
      requeuedTasks: all.filter((f) => f.requeues > 0).length,
      requeueReasons: Object.fromEntries([...this.reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)),
      clarificationsAnswered: this.answered,
      longestIdleWait: { seconds: s(this.queue.longestIdleWait.ms), taskId: this.queue.longestIdleWait.taskId },
      longestQueued: { seconds: s(this.queue.longestQueued.ms), taskId: this.queue.longestQueued.taskId },
      longestStallSeconds: s(this.progress.longestStallMs),
      counts: { compared: this.counts.compared, inconclusive: this.counts.inconclusive },
      byOrg,
      violations: this.violations.length,
      violationsByInvariant: byInvariant,
    };
  }
}
