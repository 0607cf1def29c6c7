/**
 * A task's sessions, usage and budget (issue 16): pure functions the task machine's actions use.
 *
 * Every assignment of a task to an agent is a session (attempt n). It runs until the task lets go
 * of the agent: a PR opened, the worker releasing it, the orchestrator taking it back from a
 * crashed, stuck or stopped agent, a failure, a cancel, or the task's budget reached. Sessions
 * live in the task's context, so they reach every reader and subscriber with the task, and each
 * is as old as the transition that started it (times are the events' `at`, stamped by the host).
 */

/** Tokens and money an agent reported spending. Money is in micro-units of the org's currency. */
export type Usage = {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
};

/** How a session ended. Mirrors the GraphQL enum `SessionOutcome`. */
export type SessionOutcome =
  | 'running'
  | 'pr_opened'
  | 'released'
  | 'crashed'
  | 'stuck'
  | 'stopped'
  | 'requeued'
  | 'failed'
  | 'cancelled'
  | 'budget';

/** Why the orchestrator or a worker gave a task back (REQUEUE's `cause`). */
export type RequeueCause = 'released' | 'crashed' | 'stuck' | 'stopped';

export interface Iteration {
  n: number;
  summary: string;
  at: string;
}

export interface TaskSession {
  /** 1 for the task's first assignment, +1 for each one after. */
  attempt: number;
  agentId: string;
  agentName: string;
  startedAt: string;
  endedAt: string | null;
  outcome: SessionOutcome;
  /** Why it ended, in words (the release reason, the error), when there is one. */
  reason: string | null;
  /** Iterations its worker reported, and the latest one. */
  iterations: number;
  lastIteration: Iteration | null;
  usage: Usage;
  /** The model of the latest usage report that named one. */
  model: string | null;
  /** The failure's or release's code, when it ended with one. */
  code?: string | null;
  /** When the task joined the queue this session's agent took it from (absent on older sessions). */
  queuedAt?: string | null;
}

/**
 * Why a task failed, structured: a code from the worker (TESTS_FAILED, EXIT_CODE…) or from the
 * pipeline (ANALYSIS_FAILED, ISSUE_FAILED, PR_CLOSED, FAILED), its message, what the worker added,
 * and the session it ended (null: none was running).
 */
export interface TaskFailure {
  code: string;
  message: string;
  details: Record<string, unknown> | null;
  logsUrl: string | null;
  at: string;
  attempt: number | null;
}

/** A session as the API serves it: with its task (an agent's sessions span tasks). */
export type TaskSessionModel = TaskSession & { taskId: string };

/** Every outcome, for the GraphQL enum's values. */
export const SESSION_OUTCOMES: readonly SessionOutcome[] = ['running', 'pr_opened', 'released', 'crashed', 'stuck', 'stopped', 'requeued', 'failed', 'cancelled', 'budget'];

/** A budget crossing the task's usage made: 80 % warns, 100 % holds the task. */
export interface BudgetWarning {
  /** The event that crossed it (its `at`): the timeline entry that says so. */
  at: string;
  percent: number;
}

export const NO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, costMicros: 0 });
/** The share of a budget whose crossing warns. */
export const WARN_AT = 0.8;
export const BUDGET_REASON = 'budget reached';

export function addUsage(a: Usage, b: Usage): Usage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, costMicros: a.costMicros + b.costMicros };
}

export function openSession(sessions: readonly TaskSession[] | undefined, agentId: string, agentName: string, at: string, queuedAt: string | null = null): TaskSession[] {
  const all = sessions ?? [];
  const session: TaskSession = {
    attempt: all.length + 1,
    agentId,
    agentName,
    startedAt: at,
    endedAt: null,
    outcome: 'running',
    reason: null,
    iterations: 0,
    lastIteration: null,
    usage: { ...NO_USAGE },
    model: null,
    queuedAt,
  };
  return [...all, session];
}

/** The running session, if the last one is still running. */
export function runningSession(sessions: readonly TaskSession[] | undefined): TaskSession | null {
  const last = sessions?.at(-1);
  return last && last.outcome === 'running' ? last : null;
}

/** The sessions with the running one changed by `change` (unchanged when none is running). */
export function updateRunning(sessions: readonly TaskSession[] | undefined, change: (s: TaskSession) => Partial<TaskSession>): TaskSession[] {
  const all = sessions ?? [];
  const running = runningSession(all);
  if (!running) return [...all];
  return [...all.slice(0, -1), { ...running, ...change(running) }];
}

export function endSession(sessions: readonly TaskSession[] | undefined, outcome: SessionOutcome, reason: string | null, at: string, code: string | null = null): TaskSession[] {
  return updateRunning(sessions, () => ({ outcome, reason, endedAt: at, ...(code ? { code } : {}) }));
}

/** Whether usage of `cost` has reached a budget (none: never). */
export function reached(costMicros: number, budgetMicros: number | null | undefined): boolean {
  return budgetMicros !== null && budgetMicros !== undefined && costMicros >= budgetMicros;
}

/** Whether going from `before` to `after` crosses the warning share of the budget (and not 100 %). */
export function crossesWarning(before: number, after: number, budgetMicros: number | null | undefined): boolean {
  if (budgetMicros === null || budgetMicros === undefined || budgetMicros <= 0) return false;
  const line = budgetMicros * WARN_AT;
  return before < line && after >= line && after < budgetMicros;
}
