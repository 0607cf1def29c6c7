/**
 * A worker agent as a pure XState v5 machine: two parallel regions, `work` (idle/busy) and
 * `health` (healthy → stale → crashed, driven by missed heartbeats).
 *
 * While busy, `work` also watches progress: an agent that heartbeats but reports nothing about its
 * task for `stuckAfterMs` is `stuck` (the orchestrator holds its task), and after as long again
 * `abandoned` (the orchestrator takes the task back and gives it to another agent). Any report
 * re-arms the watch. Heartbeats prove the process is alive; reports prove the work moves.
 *
 * The heartbeat timeouts are ordinary `after` transitions with named delays read from context.
 * The host persists each scheduled `after` as a deadline row, so they survive restarts; a heartbeat
 * re-enters `healthy`, which XState expresses as cancel + re-schedule, and the host mirrors that
 * as delete + insert of the row in the same transaction as the event.
 */
import { assign, setup, stateIn } from 'xstate';

export interface AgentContext {
  id: string;
  name: string;
  org: string;
  ownerId: string;
  registeredAt: string;
  lastHeartbeatAt: string;
  currentTaskId: string | null;
  /** When it last got a task: the orchestrator serves the longest-waiting agent first. */
  lastAssignedAt: string | null;
  /** The last thing it reported doing ("branch conveyor/issue-7", "running the tests"). */
  lastActivity: string | null;
  /** When it last reported on its task (or got it): the stuck watch counts from here. */
  lastProgressAt?: string | null;
  staleAfterMs: number;
  crashAfterMs: number;
  /** Busy without a report this long: stuck; as long again: abandoned. Absent on agents registered before it existed. */
  stuckAfterMs?: number;
}

/** For agents registered before the stuck watch existed (their context has no `stuckAfterMs`). */
export const DEFAULT_STUCK_AFTER_MS = 600_000;

export type AgentInput = Omit<AgentContext, 'currentTaskId' | 'lastHeartbeatAt' | 'lastAssignedAt' | 'lastActivity' | 'lastProgressAt'>;

export type AgentCommand =
  | { type: 'HEARTBEAT'; at: string }
  /** Registering again also brings the server's current timeouts (they may have changed since). */
  | { type: 'REGISTER'; at: string; staleAfterMs?: number; crashAfterMs?: number; stuckAfterMs?: number }
  | { type: 'ASSIGN'; taskId: string; at: string }
  | { type: 'RELEASE'; taskId: string }
  | { type: 'DEREGISTER' }
  | {
      type: 'REPORT';
      taskId: string;
      report: 'coding_started' | 'progress';
      message: string;
      percent: number | null;
      /** The branch it codes on (coding_started). */
      branch?: string;
      at?: string;
    };

export type AgentHealth = 'healthy' | 'stale' | 'crashed' | 'offline';
export type AgentWork = 'idle' | 'busy';
/** Sub-state of `busy`: the stuck watch. */
export type AgentBusy = 'working' | 'stuck' | 'abandoned';

export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    input: {} as AgentInput,
    events: {} as AgentCommand,
  },
  delays: {
    staleAfter: ({ context }) => context.staleAfterMs,
    crashAfter: ({ context }) => context.crashAfterMs - context.staleAfterMs,
    stuckAfter: ({ context }) => context.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS,
  },
  guards: {
    holdsTask: ({ context, event }) =>
      event.type === 'RELEASE' && context.currentTaskId === event.taskId,
    holdsTaskReported: ({ context, event }) =>
      event.type === 'REPORT' && context.currentTaskId === event.taskId,
  },
  actions: {
    recordHeartbeat: assign({
      lastHeartbeatAt: ({ context, event }) => (event.type === 'HEARTBEAT' ? event.at : context.lastHeartbeatAt),
    }),
    recordRegistration: assign(({ context, event }) =>
      event.type === 'REGISTER'
        ? {
            lastHeartbeatAt: event.at,
            staleAfterMs: event.staleAfterMs ?? context.staleAfterMs,
            crashAfterMs: event.crashAfterMs ?? context.crashAfterMs,
            stuckAfterMs: event.stuckAfterMs ?? context.stuckAfterMs,
          }
        : {},
    ),
  },
}).createMachine({
  id: 'agent',
  description: 'A registered worker: takes one task at a time and proves it is alive.',
  type: 'parallel',
  context: ({ input }) => ({
    ...input,
    lastHeartbeatAt: input.registeredAt,
    currentTaskId: null,
    lastAssignedAt: null,
    lastActivity: null,
    lastProgressAt: null,
  }),
  states: {
    work: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            ASSIGN: {
              // Only a healthy agent takes work; a stale or crashed one is skipped.
              guard: stateIn({ health: 'healthy' }),
              target: 'busy',
              actions: assign({
                currentTaskId: ({ event }) => event.taskId,
                lastAssignedAt: ({ event }) => event.at,
                lastProgressAt: ({ event }) => event.at,
              }),
            },
          },
        },
        busy: {
          initial: 'working',
          on: {
            // Work on its task, recorded on the agent's own timeline too; it re-arms the stuck
            // watch (re-entering `working` cancels and re-schedules its deadline).
            REPORT: {
              guard: 'holdsTaskReported',
              target: '.working',
              reenter: true,
              actions: assign({
                lastActivity: ({ event }) => (event.type === 'REPORT' ? event.message : null),
                lastProgressAt: ({ context, event }) => (event.type === 'REPORT' ? (event.at ?? context.lastProgressAt ?? null) : null),
              }),
            },
            RELEASE: {
              guard: 'holdsTask',
              target: 'idle',
              actions: assign({ currentTaskId: null, lastProgressAt: null }),
            },
          },
          states: {
            working: {
              after: { stuckAfter: 'stuck' },
            },
            stuck: {
              description: 'Alive but silent about its task for too long; its task is held.',
              after: { stuckAfter: 'abandoned' },
            },
            abandoned: {
              description: 'Silent for twice the stuck time; its task goes back to the queue.',
            },
          },
        },
      },
    },
    health: {
      initial: 'healthy',
      states: {
        healthy: {
          after: { staleAfter: 'stale' },
          on: {
            HEARTBEAT: { target: 'healthy', reenter: true, actions: 'recordHeartbeat' },
            REGISTER: { target: 'healthy', reenter: true, actions: 'recordRegistration' },
            DEREGISTER: 'offline',
          },
        },
        stale: {
          after: { crashAfter: 'crashed' },
          on: {
            HEARTBEAT: { target: 'healthy', actions: 'recordHeartbeat' },
            REGISTER: { target: 'healthy', actions: 'recordRegistration' },
            DEREGISTER: 'offline',
          },
        },
        crashed: {
          description: 'Missed heartbeats for too long; it must register again.',
          on: {
            REGISTER: { target: 'healthy', actions: 'recordRegistration' },
          },
        },
        offline: {
          description: 'Signed off cleanly (worker stopped); registering again brings it back.',
          on: {
            REGISTER: { target: 'healthy', actions: 'recordRegistration' },
          },
        },
      },
    },
  },
});

export type AgentMachine = typeof agentMachine;
