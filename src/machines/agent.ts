/**
 * A worker agent as a pure XState v5 machine: two parallel regions, `work` (idle/busy) and
 * `health` (healthy → stale → crashed, driven by missed heartbeats).
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
  staleAfterMs: number;
  crashAfterMs: number;
}

export type AgentInput = Omit<AgentContext, 'currentTaskId' | 'lastHeartbeatAt' | 'lastAssignedAt' | 'lastActivity'>;

export type AgentCommand =
  | { type: 'HEARTBEAT'; at: string }
  | { type: 'REGISTER'; at: string }
  | { type: 'ASSIGN'; taskId: string; at: string }
  | { type: 'RELEASE'; taskId: string }
  | { type: 'DEREGISTER' }
  | { type: 'REPORT'; taskId: string; report: 'coding_started' | 'progress'; message: string; percent: number | null };

export type AgentHealth = 'healthy' | 'stale' | 'crashed' | 'offline';
export type AgentWork = 'idle' | 'busy';

export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    input: {} as AgentInput,
    events: {} as AgentCommand,
  },
  delays: {
    staleAfter: ({ context }) => context.staleAfterMs,
    crashAfter: ({ context }) => context.crashAfterMs - context.staleAfterMs,
  },
  guards: {
    holdsTask: ({ context, event }) =>
      event.type === 'RELEASE' && context.currentTaskId === event.taskId,
    holdsTaskReported: ({ context, event }) =>
      event.type === 'REPORT' && context.currentTaskId === event.taskId,
  },
  actions: {
    recordHeartbeat: assign({
      lastHeartbeatAt: ({ context, event }) =>
        event.type === 'HEARTBEAT' || event.type === 'REGISTER' ? event.at : context.lastHeartbeatAt,
    }),
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
              }),
            },
          },
        },
        busy: {
          on: {
            // Work on its task, recorded on the agent's own timeline too (no state change).
            // (A targetless transition needs an action, or XState treats it as forbidden.)
            REPORT: {
              guard: 'holdsTaskReported',
              actions: assign({ lastActivity: ({ event }) => (event.type === 'REPORT' ? event.message : null) }),
            },
            RELEASE: {
              guard: 'holdsTask',
              target: 'idle',
              actions: assign({ currentTaskId: null }),
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
            REGISTER: { target: 'healthy', reenter: true, actions: 'recordHeartbeat' },
            DEREGISTER: 'offline',
          },
        },
        stale: {
          after: { crashAfter: 'crashed' },
          on: {
            HEARTBEAT: { target: 'healthy', actions: 'recordHeartbeat' },
            REGISTER: { target: 'healthy', actions: 'recordHeartbeat' },
            DEREGISTER: 'offline',
          },
        },
        crashed: {
          description: 'Missed heartbeats for too long; it must register again.',
          on: {
            REGISTER: { target: 'healthy', actions: 'recordHeartbeat' },
          },
        },
        offline: {
          description: 'Signed off cleanly (worker stopped); registering again brings it back.',
          on: {
            REGISTER: { target: 'healthy', actions: 'recordHeartbeat' },
          },
        },
      },
    },
  },
});

export type AgentMachine = typeof agentMachine;
