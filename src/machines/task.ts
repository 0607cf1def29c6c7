/**
 * The task lifecycle as a pure XState v5 machine.
 *
 * Nothing here does I/O. The two automatic steps are invoked by name (`analyze`, `openIssue`);
 * the actor host (src/runtime/host.ts) sees them as `xstate.spawnChild` actions returned by the
 * pure `transition()`, runs the real implementation, and sends the result back as XState's own
 * `xstate.done.actor.*` / `xstate.error.actor.*` events. The placeholder implementations below
 * exist only so the machine is complete on its own (and visualizers can render it); they are never
 * started by the host.
 *
 * `after` delays are likewise returned as `xstate.raise` actions with a delay, which the host turns
 * into durable deadline rows instead of in-memory timers.
 */
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { AgentCommand } from './agent.js';
import { ACTOR_MESSAGE, type ActorMessage } from './message.js';
import {
  addUsage,
  BUDGET_REASON,
  crossesWarning,
  endSession,
  NO_USAGE,
  openSession,
  reached,
  runningSession,
  updateRunning,
  type BudgetWarning,
  type RequeueCause,
  type SessionOutcome,
  type TaskFailure,
  type TaskSession,
  type Usage,
} from './task-sessions.js';

/** Statuses of a task still being worked on, in the order a task normally moves through them. */
const ACTIVE = ['received', 'analyzing', 'needs_clarification', 'dispatched', 'coding', 'pr_open', 'held'] as const;

/** Every status, in the order a task normally moves through them. Mirrors the GraphQL enum. */
export const TASK_STATUSES = [...ACTIVE, 'merged', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses of a task that is neither merged, failed (which can still be retried) nor cancelled. */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ACTIVE;

export interface ClarificationRound {
  questions: string[];
  answers: string[] | null;
}

export interface TaskContext {
  id: string;
  title: string;
  description: string | null;
  creator: { id: string; name: string };
  org: string;
  private: boolean;
  createdAt: string;
  clarifications: ClarificationRound[];
  issue: { number: number; url: string } | null;
  branch: string | null;
  pr: { number: number; url: string; title: string } | null;
  mergeCommitSha: string | null;
  mergedAt: string | null;
  error: string | null;
  agentId: string | null;
  /** Latest progress an agent reported while coding. */
  progress: { message: string; percent: number | null } | null;
  /** Why work is paused (its agent went stale or stuck), or null. */
  heldReason: string | null;
  /**
   * A private task's read grant: while an agent holds it, the user who runs that agent may read
   * this one task (assignment grants it, release takes it back). Null for public tasks.
   */
  grant?: TaskGrant | null;
  /** The agent it was last taken back from (requeued): the orchestrator prefers another one. */
  previousAgentId?: string | null;
  /** Why a queued task is not taken, as the orchestrator last saw it; null when not waiting. */
  waiting?: TaskWaiting | null;
  /** Every assignment to an agent, oldest first (task-sessions.ts). Absent on older tasks. */
  sessions?: TaskSession[];
  /** What its agents reported spending on it, all sessions together. */
  usage?: Usage;
  /** Spending at which the task is held (`held`), in micro-units; null: no limit. */
  budgetMicros?: number | null;
  /** The latest 80 % crossing of the budget. */
  budgetWarning?: BudgetWarning | null;
  /** Why it failed, structured (`error` says it in words); null unless failed. */
  failure?: TaskFailure | null;
  /** When it last joined the queue (dispatched.queued). */
  queuedAt?: string | null;
  attempts: number;
}

export interface TaskGrant {
  agentId: string;
  agentName: string;
  userId: string;
}

/** Why a queued task waits. Mirrors the GraphQL enum `WaitCode`. */
export type WaitCode = 'no_agent_online' | 'all_agents_busy' | 'agents_unhealthy';

export interface TaskWaiting {
  code: WaitCode;
  reason: string;
  /** When it started waiting in the queue. */
  since: string;
}

export type TaskInput = Pick<
  TaskContext,
  'id' | 'title' | 'description' | 'creator' | 'org' | 'private' | 'createdAt' | 'budgetMicros'
>;

export interface AnalyzeInput {
  title: string;
  description: string | null;
  clarifications: ClarificationRound[];
}
export type AnalyzeOutput = { verdict: 'dispatch' } | { verdict: 'clarify'; questions: string[] };

export interface OpenIssueInput {
  taskId: string;
  title: string;
  description: string | null;
}
export interface OpenIssueOutput {
  number: number;
  url: string;
}

/**
 * Events the outside world may send. Effect results arrive as XState's done/error events. The
 * host stamps each event it applies with its transition's time (`at`, unless the sender set it),
 * so what a session records is as pure a function of the events as the rest.
 */
export type TaskCommand = (
  | { type: 'ANSWER'; answers: string[] }
  | { type: 'CANCEL'; reason?: string }
  | { type: 'RETRY' }
  | { type: 'ASSIGN'; agentId: string; agentName?: string; agentOwnerId?: string }
  | { type: 'WAIT'; code: WaitCode; reason: string; since: string }
  | { type: 'START_CODING'; agentId: string; branch: string }
  | { type: 'PROGRESS'; message: string; percent: number | null }
  | { type: 'ITERATION'; agentId: string; n: number; summary: string }
  | ({ type: 'USAGE'; agentId: string; model: string | null } & Usage)
  /** A new budget (null: none). Raised past what was spent, a task held at its budget goes back to the queue. */
  | { type: 'SET_BUDGET'; budgetMicros: number | null }
  | { type: 'REQUEUE'; reason: string; cause?: RequeueCause; code?: string }
  | { type: 'HOLD'; reason: string }
  | { type: 'RESUME' }
  | { type: 'PR_OPENED'; number: number; url: string; title: string }
  | { type: 'PR_MERGED'; sha: string; mergedAt: string }
  | { type: 'PR_CLOSED' }
  | { type: 'FAIL'; error: string; code?: string; details?: Record<string, unknown> | null; logsUrl?: string | null }
) & { at?: string };

type TaskEvent =
  | TaskCommand
  | ((
      | { type: 'xstate.done.actor.analyze'; output: AnalyzeOutput }
      | { type: 'xstate.error.actor.analyze'; error: unknown }
      | { type: 'xstate.done.actor.openIssue'; output: OpenIssueOutput }
      | { type: 'xstate.error.actor.openIssue'; error: unknown }
    ) & { at?: string });

/** The event's time; a task restored from before events were stamped falls back to its creation. */
const timeOf = (event: { at?: string }, context: TaskContext) => event.at ?? context.createdAt;

/** How the running session ends on this event. */
function outcomeOf(event: TaskEvent, context: TaskContext): { outcome: SessionOutcome; reason: string | null; code?: string | null } {
  switch (event.type) {
    case 'PR_OPENED':
      return { outcome: 'pr_opened', reason: null };
    case 'REQUEUE':
      return { outcome: event.cause ?? 'requeued', reason: event.reason, code: event.code ?? null };
    case 'CANCEL':
      return { outcome: 'cancelled', reason: event.reason ?? null };
    case 'USAGE':
    case 'SET_BUDGET':
      return { outcome: 'budget', reason: BUDGET_REASON };
    default:
      return { outcome: 'failed', reason: context.error, code: context.failure?.code ?? null };
  }
}

/** A failure in words. */
function errorText(event: TaskEvent): string {
  if (event.type === 'FAIL') return event.error;
  if (event.type === 'PR_CLOSED') return 'PR closed';
  if (event.type === 'xstate.error.actor.analyze') return `Analysis failed: ${errorMessage(event.error)}`;
  if (event.type === 'xstate.error.actor.openIssue') return `Could not open the tracking issue: ${errorMessage(event.error)}`;
  return 'failed';
}

/** The pipeline's code for a failure that did not come with one. */
function failureCode(event: TaskEvent): string {
  if (event.type === 'FAIL') return event.code ?? 'FAILED';
  if (event.type === 'PR_CLOSED') return 'PR_CLOSED';
  if (event.type === 'xstate.error.actor.analyze') return 'ANALYSIS_FAILED';
  if (event.type === 'xstate.error.actor.openIssue') return 'ISSUE_FAILED';
  return 'FAILED';
}

/** The usage after a USAGE event (or as it is, for any other). */
const usageAfter = (context: TaskContext, event: TaskEvent): Usage =>
  event.type === 'USAGE' ? addUsage(context.usage ?? NO_USAGE, event) : (context.usage ?? NO_USAGE);
/** The budget after a SET_BUDGET event (or as it is). */
const budgetAfter = (context: TaskContext, event: TaskEvent): number | null =>
  event.type === 'SET_BUDGET' ? event.budgetMicros : (context.budgetMicros ?? null);
const isSessionAgent = (context: TaskContext, event: TaskEvent) =>
  'agentId' in event && runningSession(context.sessions)?.agentId === event.agentId && context.agentId === event.agentId;

/** Readable message from whatever an effect rejected with. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return 'unknown error';
}

/**
 * The message a task sends its agent when it no longer needs it (ended, failed, requeued, or its
 * PR opened): `RELEASE`, which the agent accepts only while that task is still its own.
 */
function agentRelease(agentId: string, taskId: string): ActorMessage<AgentCommand> {
  return { type: ACTOR_MESSAGE, to: { entityType: 'agent', id: agentId }, event: { type: 'RELEASE', taskId } };
}

export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    input: {} as TaskInput,
    events: {} as TaskEvent,
    emitted: {} as ActorMessage<AgentCommand>,
  },
  actors: {
    // Placeholders, replaced by the host; see the file comment.
    analyze: fromPromise<AnalyzeOutput, AnalyzeInput>(async () => ({ verdict: 'dispatch' })),
    openIssue: fromPromise<OpenIssueOutput, OpenIssueInput>(async () => {
      throw new Error('openIssue is provided by the actor host');
    }),
  },
  guards: {
    isAssignedAgent: ({ context, event }) =>
      event.type === 'START_CODING' && event.agentId === context.agentId,
    hasAgent: ({ context }) => context.agentId !== null,
    // Paused while its agent still has it (stale or stuck); a task held at its budget has none.
    isHeld: ({ context }) => context.heldReason !== null && context.agentId !== null,
    isSessionAgent: ({ context, event }) => isSessionAgent(context, event),
    // The event leaves the running session's spending at or past the budget.
    stopsAtBudget: ({ context, event }) =>
      runningSession(context.sessions) !== null &&
      (event.type !== 'USAGE' || isSessionAgent(context, event)) &&
      reached(usageAfter(context, event).costMicros, budgetAfter(context, event)),
    budgetAllows: ({ context, event }) => !reached(usageAfter(context, event).costMicros, budgetAfter(context, event)),
    waitChanged: ({ context, event }) => event.type === 'WAIT' && context.waiting?.code !== event.code,
    needsClarification: ({ event }) =>
      event.type === 'xstate.done.actor.analyze' && event.output.verdict === 'clarify',
    answersAllQuestions: ({ context, event }) => {
      if (event.type !== 'ANSWER') return false;
      const round = context.clarifications.at(-1);
      return (
        round !== undefined &&
        round.answers === null &&
        event.answers.length === round.questions.length &&
        event.answers.every((a) => a.trim().length > 0)
      );
    },
  },
  actions: {
    recordError: assign({
      failure: ({ context, event }): TaskFailure => ({
        code: failureCode(event),
        message: errorText(event),
        details: event.type === 'FAIL' ? (event.details ?? null) : null,
        logsUrl: event.type === 'FAIL' ? (event.logsUrl ?? null) : null,
        at: timeOf(event, context),
        attempt: runningSession(context.sessions)?.attempt ?? null,
      }),
      error: ({ event }) => errorText(event),
    }),
    // The task lets go of its agent, which the host frees in the same transaction.
    releaseAgent: enqueueActions(({ context, enqueue }) => {
      if (context.agentId) enqueue.emit(agentRelease(context.agentId, context.id));
      enqueue.assign({ agentId: null, progress: null, heldReason: null, grant: null });
    }),
    rememberAgent: assign({ previousAgentId: ({ context }) => context.agentId }),
    endSession: assign({
      sessions: ({ context, event }) => {
        const { outcome, reason, code } = outcomeOf(event, context);
        return endSession(context.sessions, outcome, reason, timeOf(event, context), code ?? null);
      },
    }),
    addUsage: assign(({ context, event }) => {
      if (event.type !== 'USAGE') return {};
      const before = context.usage ?? NO_USAGE;
      const after = addUsage(before, event);
      const delta: Usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens, costMicros: event.costMicros };
      return {
        usage: after,
        sessions: updateRunning(context.sessions, (s) => ({ usage: addUsage(s.usage, delta), model: event.model ?? s.model })),
        budgetWarning: crossesWarning(before.costMicros, after.costMicros, context.budgetMicros)
          ? { at: timeOf(event, context), percent: 80 }
          : (context.budgetWarning ?? null),
      };
    }),
    setBudget: assign({ budgetMicros: ({ context, event }) => budgetAfter(context, event) }),
    holdForBudget: assign({ heldReason: BUDGET_REASON }),
  },
}).createMachine({
  id: 'task',
  description: 'A unit of work from request to merged pull request.',
  initial: 'active',
  context: ({ input }) => ({
    ...input,
    clarifications: [],
    issue: null,
    branch: null,
    pr: null,
    mergeCommitSha: null,
    mergedAt: null,
    error: null,
    agentId: null,
    progress: null,
    heldReason: null,
    grant: null,
    waiting: null,
    sessions: [],
    usage: { ...NO_USAGE },
    budgetMicros: input.budgetMicros ?? null,
    budgetWarning: null,
    failure: null,
    attempts: 0,
  }),
  states: {
    active: {
      description: 'Being worked on. Can be cancelled or fail from any of these states.',
      initial: 'received',
      // Shared transitions live on the parent state (not copied onto every child): one edge in
      // the diagram, one place to change.
      on: {
        CANCEL: { target: 'cancelled', actions: ['endSession', 'releaseAgent'] },
        FAIL: { target: 'failed', actions: ['recordError', 'endSession', 'releaseAgent'] },
        // The orchestrator pauses work whose agent went stale, and resumes it when it is back.
        HOLD: { guard: 'hasAgent', actions: assign({ heldReason: ({ event }) => event.reason }) },
        RESUME: { guard: 'isHeld', actions: assign({ heldReason: null }) },
        // The worker's reports on its session. Spending that reaches the budget stops the work:
        // the session ends, the agent is let go (its worker sees the assignment withdrawn), and the
        // task waits in `held` until the budget is raised.
        ITERATION: {
          guard: 'isSessionAgent',
          actions: assign({
            sessions: ({ context, event }) =>
              updateRunning(context.sessions, (s) => ({
                iterations: s.iterations + 1,
                lastIteration: event.type === 'ITERATION' ? { n: event.n, summary: event.summary, at: timeOf(event, context) } : s.lastIteration,
              })),
          }),
        },
        USAGE: [
          { guard: 'stopsAtBudget', target: '.held', actions: ['addUsage', 'endSession', 'releaseAgent', 'holdForBudget'] },
          { guard: 'isSessionAgent', actions: 'addUsage' },
        ],
        SET_BUDGET: [
          { guard: 'stopsAtBudget', target: '.held', actions: ['setBudget', 'endSession', 'releaseAgent', 'holdForBudget'] },
          { actions: 'setBudget' },
        ],
      },
      states: {
        received: {
          description: 'Stored; analysis starts on the next scheduler tick.',
          // A zero delay still goes through the durable deadline table, so a crash between
          // "received" and "analyzing" cannot strand the task.
          after: { 0: 'analyzing' },
        },
        analyzing: {
          entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
          invoke: {
            id: 'analyze',
            src: 'analyze',
            input: ({ context }) => ({
              title: context.title,
              description: context.description,
              clarifications: context.clarifications,
            }),
            onDone: [
              {
                guard: 'needsClarification',
                target: 'needs_clarification',
                actions: assign({
                  clarifications: ({ context, event }) => [
                    ...context.clarifications,
                    {
                      questions: event.output.verdict === 'clarify' ? event.output.questions : [],
                      answers: null,
                    },
                  ],
                }),
              },
              { target: 'dispatched' },
            ],
            onError: { target: '#task.failed', actions: 'recordError' },
          },
        },
        needs_clarification: {
          on: {
            ANSWER: {
              guard: 'answersAllQuestions',
              target: 'analyzing',
              actions: assign({
                clarifications: ({ context, event }) =>
                  context.clarifications.map((round, i, all) =>
                    i === all.length - 1 && event.type === 'ANSWER'
                      ? { ...round, answers: event.answers }
                      : round,
                  ),
              }),
            },
          },
        },
        dispatched: {
          initial: 'openingIssue',
          states: {
            openingIssue: {
              invoke: {
                id: 'openIssue',
                src: 'openIssue',
                input: ({ context }) => ({
                  taskId: context.id,
                  title: context.title,
                  description: context.description,
                }),
                onDone: {
                  target: 'queued',
                  actions: assign({ issue: ({ event }) => event.output }),
                },
                onError: { target: '#task.failed', actions: 'recordError' },
              },
            },
            queued: {
              description: 'Waiting for an idle, healthy agent of the same org.',
              // When it joined the queue: its next session says how long it waited for an agent.
              entry: assign({ waiting: null, queuedAt: ({ context, event }) => timeOf(event, context) }),
              on: {
                ASSIGN: {
                  target: 'assigned',
                  actions: assign({
                    agentId: ({ event }) => event.agentId,
                    sessions: ({ context, event }) =>
                      openSession(context.sessions, event.agentId, event.agentName ?? event.agentId, timeOf(event, context), context.queuedAt ?? null),
                    // Private hides a task from teammates; it does not make it unworkable.
                    grant: ({ context, event }) =>
                      context.private && event.agentOwnerId
                        ? { agentId: event.agentId, agentName: event.agentName ?? event.agentId, userId: event.agentOwnerId }
                        : null,
                    waiting: null,
                  }),
                },
                // The orchestrator says why nobody takes it (only when the reason changes).
                WAIT: {
                  guard: 'waitChanged',
                  actions: assign({
                    waiting: ({ context, event }) => ({
                      code: event.code,
                      reason: event.reason,
                      since: context.waiting?.since ?? event.since,
                    }),
                  }),
                },
              },
            },
            assigned: {
              description: 'An agent has it; coding starts when that agent says so.',
              on: {
                START_CODING: {
                  guard: 'isAssignedAgent',
                  target: '#task.active.coding',
                  actions: assign({ branch: ({ event }) => event.branch }),
                },
                REQUEUE: { target: 'queued', actions: ['rememberAgent', 'endSession', 'releaseAgent'] },
              },
            },
          },
        },
        coding: {
          on: {
            PROGRESS: {
              actions: assign({
                progress: ({ event }) => ({ message: event.message, percent: event.percent }),
              }),
            },
            // Its agent crashed or stopped: back to the queue for another agent, branch and all
            // progress discarded (the next agent starts clean).
            REQUEUE: {
              target: '#task.active.dispatched.queued',
              actions: ['rememberAgent', 'endSession', 'releaseAgent', assign({ branch: null })],
            },
            PR_OPENED: {
              target: 'pr_open',
              // The agent's part ends here (it is released in the same transaction): so does a
              // private task's read grant. `agentId` stays, saying who did the work.
              actions: [
                'endSession',
                enqueueActions(({ context, event, enqueue }) => {
                  if (context.agentId) enqueue.emit(agentRelease(context.agentId, context.id));
                  enqueue.assign({ pr: { number: event.number, url: event.url, title: event.title }, grant: null });
                }),
              ],
            },
          },
        },
        pr_open: {
          on: {
            PR_MERGED: {
              target: '#task.merged',
              actions: [
                assign({
                  mergeCommitSha: ({ event }) => event.sha,
                  mergedAt: ({ event }) => event.mergedAt,
                }),
                'releaseAgent',
              ],
            },
            PR_CLOSED: { target: '#task.failed', actions: ['recordError', 'releaseAgent'] },
          },
        },
        held: {
          description: 'Stopped at its budget, no agent: back to the queue when the budget is raised past what was spent.',
          on: {
            SET_BUDGET: [
              {
                guard: 'budgetAllows',
                target: '#task.active.dispatched.queued',
                actions: ['setBudget', assign({ heldReason: null })],
              },
              { actions: 'setBudget' },
            ],
          },
        },
      },
    },
    merged: { type: 'final' },
    failed: {
      on: {
        RETRY: {
          target: '#task.active.analyzing',
          // A retry starts the work over; the tracking issue (if any) is kept and reused.
          actions: assign({ error: null, failure: null, pr: null, branch: null, agentId: null, progress: null, grant: null }),
        },
        CANCEL: 'cancelled',
      },
    },
    cancelled: { type: 'final' },
  },
});

export type TaskMachine = typeof taskMachine;
