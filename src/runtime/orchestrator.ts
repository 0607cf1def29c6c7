/**
 * The orchestrator: matches queued tasks with idle, healthy agents, and recovers work from
 * agents that went stale (hold), came back (resume), crashed or stopped (requeue).
 *
 * It decides from the read model (pure `plan*` functions below) and acts only through the actor
 * host, so every step is an ordinary committed transition on both timelines, and the machines'
 * guards make a wrong decision harmless: a task is assigned only while queued, an agent takes a
 * task only while idle and healthy, both in one transaction. Several orchestrators (one per
 * instance) may race; the loser's transaction is rejected and it re-plans.
 */
import type { Logger } from 'pino';
import { DomainError } from '../errors.js';
import type { AgentView, TaskView } from '../machines/index.js';
import type { EventStore } from '../store/types.js';
import type { Feed, FeedCursor } from './feed.js';
import type { ActorHost, Op } from './host.js';

export interface Assignment {
  taskId: string;
  agentId: string;
  agentName: string;
}

/** Sub-state of a dispatched task: queued, assigned (or openingIssue). */
function dispatchedPhase(task: TaskView): string | null {
  const value = task.stateValue as { active?: { dispatched?: string } } | string;
  return typeof value === 'object' ? (value.active?.dispatched ?? null) : null;
}

/**
 * Fair matching: tasks oldest first; within an org, the agent that has waited longest since its
 * last task (never-assigned first, then by registration) gets the next one. One task per agent.
 */
export function planAssignments(tasks: TaskView[], agents: AgentView[]): Assignment[] {
  const available = agents
    .filter((a) => a.status === 'idle' && a.health === 'healthy')
    .sort(
      (a, b) =>
        (a.lastAssignedAt ?? '').localeCompare(b.lastAssignedAt ?? '') ||
        a.registeredAt.localeCompare(b.registeredAt),
    );
  const plan: Assignment[] = [];
  for (const task of tasks) {
    if (dispatchedPhase(task) !== 'queued') continue;
    const index = available.findIndex((a) => a.org === task.org);
    if (index < 0) continue;
    const [agent] = available.splice(index, 1);
    plan.push({ taskId: task.id, agentId: agent.id, agentName: agent.name });
  }
  return plan;
}

export type Recovery =
  | { kind: 'requeue'; taskId: string; agentId: string; reason: string }
  | { kind: 'hold'; taskId: string; reason: string }
  | { kind: 'resume'; taskId: string };

/** What to do about agents that hold a task but are no longer healthy (or are again). */
export function planRecovery(agents: AgentView[], tasks: Map<string, TaskView>): Recovery[] {
  const plan: Recovery[] = [];
  for (const agent of agents) {
    if (!agent.currentTaskId) continue;
    const task = tasks.get(agent.currentTaskId);
    if (agent.health === 'crashed' || agent.health === 'offline') {
      const why = agent.health === 'crashed' ? 'crashed (no heartbeat)' : 'stopped';
      plan.push({ kind: 'requeue', taskId: agent.currentTaskId, agentId: agent.id, reason: `agent ${agent.name} ${why}` });
    } else if (agent.health === 'stale' && task && task.heldReason === null && task.agentId === agent.id) {
      plan.push({ kind: 'hold', taskId: task.id, reason: `agent ${agent.name} went stale (last heartbeat ${agent.lastHeartbeatAt})` });
    } else if (agent.health === 'healthy' && task && task.heldReason !== null && task.agentId === agent.id) {
      plan.push({ kind: 'resume', taskId: task.id });
    }
  }
  return plan;
}

export interface OrchestratorOptions {
  store: EventStore;
  host: ActorHost;
  feed: Feed;
  logger: Logger;
  /** Safety-net sweep when no event arrives (deadlines fired elsewhere, lost rings). @default 1000 */
  sweepMs?: number;
  /** @default Date.now */
  clock?: () => number;
}

export class Orchestrator {
  private cursor: FeedCursor | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Each agent's last seen status/health/task: a heartbeat that changes none of them plans nothing. */
  private readonly agentSeen = new Map<string, string>();

  constructor(private readonly options: OrchestratorOptions) {}

  start(): void {
    // Re-plan (coalesced) when an agent changes or a task enters or leaves `dispatched`.
    this.cursor = this.options.feed.subscribe({
      after: this.options.feed.head,
      filter: (e) =>
        e.entityType === 'agent'
          ? this.agentChanged(e.entityId, e.state as AgentView)
          : (e.state as TaskView).status === 'dispatched' || e.prevStatus === 'dispatched',
    });
    void (async () => {
      for await (const _event of this.cursor!) this.kick();
    })();
    this.timer = setInterval(() => this.kick(), this.options.sweepMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  /**
   * Planning reads every agent, so running it for each of many agents' steady heartbeats would
   * cost O(agents) per heartbeat (measured: 500 heartbeating agents held the write path to under
   * 1,000 transitions/s). Only what planning looks at counts as a change.
   */
  private agentChanged(id: string, agent: AgentView): boolean {
    const signature = `${agent.status}|${agent.health}|${agent.currentTaskId ?? ''}`;
    if (this.agentSeen.get(id) === signature) return false;
    this.agentSeen.set(id, signature);
    return true;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.cursor?.return();
    await this.running;
  }

  /** Run a planning round now, or right after the current one. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'orchestration round failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async round(): Promise<void> {
    const { store } = this.options;
    const agents = await store.listAllAgents();
    const holding = agents.filter((a) => a.currentTaskId !== null);
    const tasks = new Map<string, TaskView>();
    for (const agent of holding) {
      const task = await store.getTask(agent.currentTaskId!);
      if (task) tasks.set(task.id, task);
    }
    for (const step of planRecovery(agents, tasks)) await this.apply(this.recoveryOps(step), step.kind);

    // Without an available agent there is nothing to match: skip reading the queue.
    const fresh = holding.length > 0 ? await store.listAllAgents() : agents;
    if (!fresh.some((a) => a.status === 'idle' && a.health === 'healthy')) return;
    const queued = await store.listDispatchedTasks(500);
    for (const a of planAssignments(queued, fresh)) {
      const at = new Date((this.options.clock ?? Date.now)()).toISOString();
      await this.apply(
        [
          { kind: 'send', entityType: 'task', id: a.taskId, event: { type: 'ASSIGN', agentId: a.agentId, agentName: a.agentName } },
          { kind: 'send', entityType: 'agent', id: a.agentId, event: { type: 'ASSIGN', taskId: a.taskId, at } },
        ],
        'assign',
      );
    }
  }

  private recoveryOps(step: Recovery): Op[] {
    if (step.kind === 'requeue') {
      return [
        // A task already past coding (PR open) keeps going without its agent: only release it.
        { kind: 'send', entityType: 'task', id: step.taskId, event: { type: 'REQUEUE', reason: step.reason }, optional: true },
        { kind: 'send', entityType: 'agent', id: step.agentId, event: { type: 'RELEASE', taskId: step.taskId } },
      ];
    }
    if (step.kind === 'hold') {
      return [{ kind: 'send', entityType: 'task', id: step.taskId, event: { type: 'HOLD', reason: step.reason } }];
    }
    return [{ kind: 'send', entityType: 'task', id: step.taskId, event: { type: 'RESUME' } }];
  }

  private async apply(ops: Op[], what: string): Promise<void> {
    try {
      await this.options.host.execute(ops, 'orchestrator');
    } catch (error) {
      // Someone moved first (the agent got busy, the task was cancelled): the next round re-plans.
      if (error instanceof DomainError) {
        this.options.logger.debug({ what, code: error.code, message: error.message }, 'orchestration step skipped');
        return;
      }
      throw error;
    }
  }
}
