/**
 * Pure projections from machine snapshots and events to what the log and the read model store:
 * a domain name for each timeline event, and the "view" of an entity after it.
 *
 * XState names effect results and timers by mechanism (`xstate.done.actor.analyze`,
 * `xstate.after.0.task.received`); timelines should say what happened (`DISPATCHED`,
 * `ANALYSIS_STARTED`), so the mapping lives here, beside the machines it describes.
 */
import type { EventObject, SnapshotFrom, StateValue } from 'xstate';
import type { AgentBusy, AgentContext, AgentHealth, AgentMachine, AgentWork } from './agent.js';
import type { TaskContext, TaskMachine, TaskStatus } from './task.js';
import { errorMessage } from './task.js';
import { crossesWarning, WARN_AT } from './task-sessions.js';

export interface TimelineEntry {
  type: string;
  payload: Record<string, unknown> | null;
}

export interface TaskView extends Omit<TaskContext, 'attempts'> {
  status: TaskStatus;
  /** Full state value (dispatched has sub-states), for diagrams and `availableActions`. */
  stateValue: StateValue;
  version: number;
  updatedAt: string;
}

export interface AgentView extends Omit<AgentContext, 'staleAfterMs' | 'crashAfterMs' | 'stuckAfterMs'> {
  status: AgentWork;
  stateValue: StateValue;
  /** `stuck` while it is healthy but its work is stuck or abandoned (see agent.ts). */
  health: AgentHealth | 'stuck';
  version: number;
  updatedAt: string;
}

/**
 * The status is the state directly under the root, or under `active` for working states
 * (`{ active: { dispatched: 'ready' } }` → `dispatched`: sub-states share their parent's status).
 */
export function taskStatus(value: StateValue): TaskStatus {
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  if (top !== 'active' || typeof value === 'string') return top as TaskStatus;
  const inner = value.active as StateValue;
  return (typeof inner === 'string' ? inner : Object.keys(inner)[0]) as TaskStatus;
}

/**
 * A copy of `source` without the `omit` keys, plus `extra`. Rest destructuring and object spread of an XState context
 * cost 8–10 µs here (the context object is in V8's slow dictionary mode after `assign`); a plain
 * property loop costs 0.5 µs, and views are built on every transition (bench/lib/write.ts).
 */
function withFields<T>(source: object, omit: string[], extra: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const key in source) if (!omit.includes(key)) out[key] = (source as Record<string, unknown>)[key];
  for (const key in extra) out[key] = extra[key];
  return out as T;
}

export function taskView(
  snapshot: SnapshotFrom<TaskMachine>,
  version: number,
  updatedAt: string,
): TaskView {
  return withFields<TaskView>(snapshot.context, ['attempts'], {
    status: taskStatus(snapshot.value),
    stateValue: snapshot.value,
    version,
    updatedAt,
  });
}

/** The stuck watch's phase of a busy agent (`work.busy`, see agent.ts), or null while idle. */
export function busyPhase(value: StateValue): AgentBusy | null {
  const work = (value as { work?: AgentWork | { busy: AgentBusy } }).work;
  return work && typeof work === 'object' ? work.busy : null;
}

export function agentView(
  snapshot: SnapshotFrom<AgentMachine>,
  version: number,
  updatedAt: string,
): AgentView {
  const value = snapshot.value as { work: AgentWork | { busy: AgentBusy }; health: AgentHealth };
  const busy = busyPhase(snapshot.value);
  return withFields<AgentView>(snapshot.context, ['staleAfterMs', 'crashAfterMs', 'stuckAfterMs'], {
    status: typeof value.work === 'string' ? value.work : 'busy',
    health: value.health === 'healthy' && busy !== null && busy !== 'working' ? 'stuck' : value.health,
    stateValue: snapshot.value,
    version,
    updatedAt,
  });
}

function fields(event: EventObject, keys: string[]): Record<string, unknown> {
  const source = event as unknown as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

/** Timeline entry for a task event, given the state it led to. `null` event = creation. */
export function describeTaskEvent(
  event: EventObject | null,
  next: SnapshotFrom<TaskMachine>,
  before: SnapshotFrom<TaskMachine> | null = null,
): TimelineEntry {
  if (event === null) return { type: 'CREATED', payload: null };
  const status = taskStatus(next.value);
  switch (event.type) {
    case 'xstate.done.actor.analyze': {
      if (status === 'needs_clarification') {
        const round = next.context.clarifications.at(-1);
        return { type: 'CLARIFICATION_REQUESTED', payload: { questions: round?.questions ?? [] } };
      }
      return { type: 'DISPATCHED', payload: null };
    }
    case 'xstate.done.actor.openIssue':
      return { type: 'ISSUE_OPENED', payload: next.context.issue ? { ...next.context.issue } : null };
    case 'xstate.error.actor.analyze':
    case 'xstate.error.actor.openIssue':
    case 'FAIL':
    case 'PR_CLOSED':
      return {
        type: event.type === 'PR_CLOSED' ? 'PR_CLOSED' : 'FAILED',
        payload: {
          error: next.context.error,
          ...(next.context.failure ? { code: next.context.failure.code } : {}),
          ...(next.context.failure?.details ? { details: next.context.failure.details } : {}),
          ...(next.context.failure?.logsUrl ? { logsUrl: next.context.failure.logsUrl } : {}),
        },
      };
    case 'ANSWER':
      return { type: 'CLARIFICATION_ANSWERED', payload: fields(event, ['answers']) };
    case 'ASSIGN':
      return {
        type: 'ASSIGNED',
        payload: { ...fields(event, ['agentId', 'agentName']), ...(next.context.grant ? { grantedTo: next.context.grant.userId } : {}) },
      };
    case 'WAIT':
      return { type: 'WAITING', payload: fields(event, ['code', 'reason']) };
    case 'START_CODING':
      return { type: 'CODING_STARTED', payload: fields(event, ['agentId', 'branch']) };
    case 'PROGRESS':
      return { type: 'PROGRESS', payload: fields(event, ['message', 'percent']) };
    case 'REQUEUE':
      return { type: 'REQUEUED', payload: fields(event, ['reason', 'cause', 'code']) };
    case 'ITERATION':
      return { type: 'ITERATION', payload: fields(event, ['agentId', 'n', 'summary']) };
    case 'USAGE':
    case 'SET_BUDGET': {
      // What the event did to the budget: compared with the task before it.
      const budgetMicros = next.context.budgetMicros ?? null;
      const total = next.context.usage?.costMicros ?? 0;
      const budget = { budgetMicros, totalCostMicros: total };
      const spent = event.type === 'USAGE' ? fields(event, ['agentId', 'inputTokens', 'outputTokens', 'costMicros', 'model']) : {};
      const wasHeld = before !== null && taskStatus(before.value) === 'held';
      if (status === 'held' && !wasHeld) return { type: 'BUDGET_REACHED', payload: { ...spent, ...budget } };
      if (wasHeld && status !== 'held') return { type: 'RESUMED', payload: { ...budget, reason: 'budget raised' } };
      if (event.type === 'SET_BUDGET') return { type: 'BUDGET_SET', payload: budget };
      if (before && crossesWarning(before.context.usage?.costMicros ?? 0, total, budgetMicros)) {
        return { type: 'BUDGET_WARNING', payload: { ...spent, ...budget, percent: Math.round(WARN_AT * 100) } };
      }
      return { type: 'USAGE_REPORTED', payload: spent };
    }
    case 'HOLD':
      return { type: 'HELD', payload: fields(event, ['reason']) };
    case 'RESUME':
      return { type: 'RESUMED', payload: null };
    case 'PR_OPENED':
      return { type: 'PR_OPENED', payload: fields(event, ['number', 'url', 'title']) };
    case 'PR_MERGED':
      return { type: 'PR_MERGED', payload: fields(event, ['sha', 'mergedAt']) };
    case 'CANCEL':
      return { type: 'CANCELLED', payload: fields(event, ['reason']) };
    case 'RETRY':
      return { type: 'RETRIED', payload: null };
    default:
      if (event.type.startsWith('xstate.after.') && status === 'analyzing') {
        return { type: 'ANALYSIS_STARTED', payload: null };
      }
      return { type: event.type, payload: null };
  }
}

/** Timeline entry for an agent event, given the state it led to. `null` event = registration. */
export function describeAgentEvent(
  event: EventObject | null,
  next: SnapshotFrom<AgentMachine>,
): TimelineEntry {
  if (event === null) return { type: 'REGISTERED', payload: null };
  switch (event.type) {
    case 'HEARTBEAT':
      return { type: 'HEARTBEAT', payload: null };
    case 'REGISTER':
      return { type: 'REREGISTERED', payload: null };
    case 'DEREGISTER':
      return { type: 'WENT_OFFLINE', payload: null };
    case 'REPORT': {
      const report = event as unknown as { report: string };
      return {
        type: report.report === 'coding_started' ? 'CODING_STARTED' : 'PROGRESS',
        payload: fields(event, ['taskId', 'branch', 'message', 'percent']),
      };
    }
    case 'ASSIGN':
      return { type: 'TASK_ASSIGNED', payload: fields(event, ['taskId']) };
    case 'RELEASE':
      return { type: 'TASK_RELEASED', payload: fields(event, ['taskId']) };
    default: {
      if (event.type.startsWith('xstate.after.')) {
        // Which deadline fired: the stuck watch (work region) or a missed heartbeat (health).
        if (event.type.includes('.work.busy.')) {
          return { type: busyPhase(next.value) === 'abandoned' ? 'ABANDONED' : 'STUCK', payload: null };
        }
        return { type: (next.value as { health: AgentHealth }).health === 'crashed' ? 'CRASHED' : 'WENT_STALE', payload: null };
      }
      return { type: event.type, payload: null };
    }
  }
}

/** Serialisable form of an effect failure, for `xstate.error.actor.*` events stored in the log. */
export function effectError(error: unknown): { message: string } {
  return { message: errorMessage(error) };
}
