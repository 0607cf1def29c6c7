/**
 * What the liveness checker sees of a running pipeline, read through the public GraphQL API only
 * (src/liveness/api.ts), and what it concludes. The invariants (src/liveness/invariants/) are pure
 * functions of a sequence of these snapshots, so tests can feed them hand-made ones.
 */

/** GraphQL `TaskStatus`. */
export type TaskStatus =
  | 'RECEIVED'
  | 'ANALYZING'
  | 'NEEDS_CLARIFICATION'
  | 'DISPATCHED'
  | 'CODING'
  | 'PR_OPEN'
  | 'HELD'
  | 'MERGED'
  | 'FAILED'
  | 'CANCELLED';

export const TASK_STATUSES: readonly TaskStatus[] = [
  'RECEIVED',
  'ANALYZING',
  'NEEDS_CLARIFICATION',
  'DISPATCHED',
  'CODING',
  'PR_OPEN',
  'HELD',
  'MERGED',
  'FAILED',
  'CANCELLED',
];

export interface TaskSample {
  id: string;
  title: string;
  org: string;
  private: boolean;
  creatorId: string;
  status: TaskStatus;
  /** Sub-state of DISPATCHED from `Task.state` ({"active":{"dispatched":"queued"}} → queued), else null. */
  phase: 'openingIssue' | 'queued' | 'assigned' | null;
  version: number;
  assignedAgentId: string | null;
  /** `Task.sessions` and `Task.usage` (absent from hand-made samples that are not about them). */
  sessions?: SessionSample[];
  usage?: UsageSample;
}

export interface UsageSample {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

export interface SessionSample {
  attempt: number;
  agentId: string;
  outcome: string;
  usage: UsageSample;
}

export interface AgentSample {
  id: string;
  name: string;
  org: string;
  status: 'IDLE' | 'BUSY';
  health: 'HEALTHY' | 'STUCK' | 'STALE' | 'CRASHED' | 'OFFLINE';
  currentTaskId: string | null;
}

/** One entry of a task's `timeline`. */
export interface TimelineEntry {
  version: number;
  type: string;
  at: string;
  payload: Record<string, unknown> | null;
}

/** `dashboardCounts` as one user read it. */
export interface CountsValue {
  cursor: string;
  byStatus: Partial<Record<TaskStatus, number>>;
  active: number;
  completed: number;
  failed: number;
  cancelled: number;
  total: number;
}

/**
 * One user's `dashboardCounts(scope)` and the `tasks(scope)` pages read beside it. Comparable only
 * when every page was read at the counts' log cursor (`countsComparable`).
 */
export interface CountsRead {
  user: string;
  scope: 'ALL' | 'MINE';
  counts: CountsValue;
  pages: { cursor: string; statuses: TaskStatus[] }[];
}

export interface Snapshot {
  /** When the sample was taken (the checker's clock, ms since the epoch). */
  at: number;
  /** Every task any of the checker's users can list (private ones through their creator). */
  tasks: TaskSample[];
  /** Agents of `agentOrgs`. */
  agents: AgentSample[];
  /** Orgs whose agents were read (agents of other orgs are unknown, not absent). */
  agentOrgs: string[];
  /**
   * Timeline entries new since the previous snapshot, per task: the sampler reads a task's
   * timeline whenever its version moved, so a task's entries reach at least its sampled version.
   */
  timelines: Record<string, TimelineEntry[]>;
  counts: CountsRead[];
}

export type InvariantName =
  | 'queued-task-taken'
  | 'busy-agent-holds-task'
  | 'taken-task-moves'
  | 'counts-agree'
  | 'work-keeps-moving'
  | 'sessions-agree'
  | 'workers-log-no-failure'
  | 'api-answers';

export interface Violation {
  invariant: InvariantName;
  /** ISO time the violation was established. */
  at: string;
  taskId?: string;
  agentId?: string;
  user?: string;
  message: string;
}

export interface LivenessOptions {
  /** A workable task must be taken within this while an eligible agent is idle (T). */
  takeWithinMs: number;
  /** Slack for reads that are not atomic with each other (an agent and its task). */
  graceMs: number;
  /** A taken task must start coding within this (the `assigned` sub-state). */
  assignedWithinMs: number;
  /** A coding task must report within this (the server's AGENT_STUCK_AFTER_MS; the demo's 20 s). */
  stuckAfterMs: number;
  /** While tasks are workable, some task changes status in every window of this (W). */
  progressWindowMs: number;
  /** A task goes back to the queue at most this often (more is a livelock: taken, given back, again). */
  maxRequeues: number;
}

export const DEFAULT_OPTIONS: LivenessOptions = {
  takeWithinMs: 10_000,
  graceMs: 5_000,
  assignedWithinMs: 10_000,
  stuckAfterMs: 20_000,
  progressWindowMs: 30_000,
  maxRequeues: 3,
};

/** An invariant over the sequence of snapshots; `observe` returns the violations it establishes now. */
export interface Invariant {
  readonly name: InvariantName;
  observe(snapshot: Snapshot, previous: Snapshot | null): Violation[];
}
