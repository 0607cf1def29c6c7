/**
 * The orchestrator: matches queued tasks with idle, healthy agents, says why the others wait,
 * and recovers work from agents that went stale or stuck (hold), came back (resume), crashed,
 * stopped or abandoned their task (requeue), or hold a task that no longer has them (release).
 *
 * It decides from the read model (pure `plan*` functions below) and acts only through the actor
 * host, so every step is an ordinary committed transition on both timelines, and the machines'
 * guards make a wrong decision harmless: a task is assigned only while queued, an agent takes a
 * task only while idle and healthy, both in one transaction. Several orchestrators (one per
 * instance) may race; the loser's transaction is rejected and it re-plans.
 */
import type { Logger } from 'pino';
import { DomainError } from '../errors.js';
import { busyPhase, type AgentView, type RequeueCause, type TaskView, type WaitCode } from '../machines/index.js';
import type { EventStore } from '../store/types.js';
import type { Feed, FeedCursor } from './feed.js';
import type { ActorHost, Op } from './host.js';

export interface Assignment {
  taskId: string;
  agentId: string;
  agentName: string;
  /** The user who runs the agent: a private task grants them read access while it is held. */
  agentOwnerId: string;
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
    // A task taken back from an agent (stuck, crashed, released) goes to another one if there is
    // one: the same agent may well fail it the same way again.
    let index = available.findIndex((a) => a.org === task.org && a.id !== task.previousAgentId);
    if (index < 0) index = available.findIndex((a) => a.org === task.org);
    if (index < 0) continue;
    const [agent] = available.splice(index, 1);
    plan.push({ taskId: task.id, agentId: agent.id, agentName: agent.name, agentOwnerId: agent.ownerId });
  }
  return plan;
}

export interface Wait {
  taskId: string;
  code: WaitCode;
  reason: string;
  since: string;
}

/**
 * Why each queued task that `assigned` does not cover waits, from its org's agents: none online,
 * all busy (including those just assigned), or the idle ones unhealthy. Only a changed reason is
 * planned (the task machine also refuses an unchanged one), so a steady wait costs nothing.
 */
export function planWaits(tasks: TaskView[], agents: AgentView[], assigned: Assignment[]): Wait[] {
  const taken = new Set(assigned.map((a) => a.agentId));
  const byOrg = new Map<string, { online: number; idle: number; free: number }>();
  for (const agent of agents) {
    const org = byOrg.get(agent.org) ?? { online: 0, idle: 0, free: 0 };
    byOrg.set(agent.org, org);
    if (agent.health === 'crashed' || agent.health === 'offline') continue;
    org.online++;
    if (agent.status !== 'idle' || taken.has(agent.id)) continue;
    org.idle++;
    if (agent.health === 'healthy') org.free++;
  }
  const plan: Wait[] = [];
  const assignedTasks = new Set(assigned.map((a) => a.taskId));
  for (const task of tasks) {
    if (dispatchedPhase(task) !== 'queued' || assignedTasks.has(task.id)) continue;
    const org = byOrg.get(task.org) ?? { online: 0, idle: 0, free: 0 };
    // A free agent left over means the next round assigns it: no reason to record.
    if (org.free > 0) continue;
    const [code, reason]: [WaitCode, string] =
      org.online === 0
        ? ['no_agent_online', `no agent of ${task.org} is online`]
        : org.idle === 0
          ? ['all_agents_busy', `every online agent of ${task.org} is busy`]
          : ['agents_unhealthy', `the idle agents of ${task.org} are not healthy (stale or stuck)`];
    if (task.waiting?.code === code) continue;
    plan.push({ taskId: task.id, code, reason, since: task.waiting?.since ?? task.updatedAt });
  }
  return plan;
}

export type Recovery =
  | { kind: 'requeue'; taskId: string; agentId: string; reason: string; cause: RequeueCause }
  | { kind: 'hold'; taskId: string; reason: string }
  | { kind: 'resume'; taskId: string }
  | { kind: 'release'; taskId: string; agentId: string };

/**
 * What to do about agents that hold a task but are no longer healthy (or are again), and about
 * an agent whose task no longer has it (whatever the cause, an agent is never BUSY for a task
 * that is not its own: it is released). Policy for a stuck agent: its task is held while it is
 * stuck, and requeued for another agent once it is abandoned (twice `AGENT_STUCK_AFTER_MS`).
 */
export function planRecovery(agents: AgentView[], tasks: Map<string, TaskView>): Recovery[] {
  const plan: Recovery[] = [];
  for (const agent of agents) {
    if (!agent.currentTaskId) continue;
    const task = tasks.get(agent.currentTaskId);
    if (agent.health === 'crashed' || agent.health === 'offline') {
      const why = agent.health === 'crashed' ? 'crashed (no heartbeat)' : 'stopped';
      plan.push({ kind: 'requeue', taskId: agent.currentTaskId, agentId: agent.id, reason: `agent ${agent.name} ${why}`, cause: agent.health === 'crashed' ? 'crashed' : 'stopped' });
    } else if (!task || task.agentId !== agent.id) {
      plan.push({ kind: 'release', taskId: agent.currentTaskId, agentId: agent.id });
    } else if (busyPhase(agent.stateValue) === 'abandoned') {
      plan.push({ kind: 'requeue', taskId: task.id, agentId: agent.id, reason: `agent ${agent.name} reported no progress since ${agent.lastProgressAt ?? agent.lastAssignedAt}`, cause: 'stuck' });
    } else if ((agent.health === 'stale' || agent.health === 'stuck') && task.heldReason === null) {
      const reason =
        agent.health === 'stale'
          ? `agent ${agent.name} went stale (last heartbeat ${agent.lastHeartbeatAt})`
          : `agent ${agent.name} is stuck (no progress since ${agent.lastProgressAt ?? agent.lastAssignedAt})`;
      plan.push({ kind: 'hold', taskId: task.id, reason });
    } else if (agent.health === 'healthy' && task.heldReason !== null) {
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

/** Wait reasons committed per planning round (see `round`). */
const WAITS_PER_ROUND = 128;

export class Orchestrator {
  private cursor: FeedCursor | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Each agent's last seen status/health/task: a heartbeat that changes none of them plans nothing. */
  // A plain Map, not an LRU: one short string per agent seen, and a lost entry would only
  // cost one extra plan.
  private readonly agentSeen = new Map<string, string>();
  /** An agent changed since the last round: every queued task's wait reason may have changed. */
  private agentsMoved = true;
  /**
   * Tasks that entered the queue (or changed in it) since the last round, as the feed brought
   * them: with no free agent, a round records their wait reasons from these views instead of
   * reading the whole queue, which under a burst with every agent busy cost a 500-row read per
   * event (measured: a 2,000-task burst with no agent took 12 s instead of 2.5 s).
   */
  // A plain Map: emptied by every round.
  private readonly newlyQueued = new Map<string, TaskView>();

  constructor(private readonly options: OrchestratorOptions) {}

  start(): void {
    // Re-plan (coalesced) when an agent changes or a task enters or leaves `dispatched`.
    this.cursor = this.options.feed.subscribe({
      after: this.options.feed.head,
      // Each round reads the agents and the queue itself: a gap only delays a kick.
      skipExpired: true,
      internal: true,
      filter: (e) => (e.entityType === 'agent' ? this.agentChanged(e.entityId, e.state as AgentView) : this.taskChanged(e.state as TaskView, e.prevStatus)),
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
    const signature = `${busyPhase(agent.stateValue) ?? agent.status}|${agent.health}|${agent.currentTaskId ?? ''}`;
    if (this.agentSeen.get(id) === signature) return false;
    this.agentSeen.set(id, signature);
    this.agentsMoved = true;
    return true;
  }

  /** A task entering, moving within or leaving `dispatched` re-plans; a queued one is noted. */
  private taskChanged(task: TaskView, prevStatus: string | null): boolean {
    if (dispatchedPhase(task) === 'queued') this.newlyQueued.set(task.id, task);
    else this.newlyQueued.delete(task.id);
    return task.status === 'dispatched' || prevStatus === 'dispatched';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.cursor?.return();
    await this.running;
  }

  /** Run a planning round now, or right after the current one. */
  kick(): void {
    if (this.stopped) return;
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
    const recovery = planRecovery(agents, tasks);
    for (const step of recovery) await this.apply(this.recoveryOps(step), step.kind);

    const fresh = recovery.length > 0 ? await store.listAllAgents() : agents;
    // The whole queue (oldest first) when there is someone to assign or the agents changed;
    // otherwise only what entered the queue since the last round can need a reason.
    const free = fresh.some((a) => a.status === 'idle' && a.health === 'healthy');
    const full = free || this.agentsMoved;
    this.agentsMoved = false;
    // What the feed brought is planned too (also beyond the oldest 500), and kept until planned.
    const brought = new Map(this.newlyQueued);
    const queued = full ? await store.listDispatchedTasks(500) : [];
    const read = new Set(queued.map((t) => t.id));
    for (const task of brought.values()) if (!read.has(task.id)) queued.push(task);
    const assignments = free ? planAssignments(queued, fresh) : [];
    for (const a of assignments) {
      const at = new Date((this.options.clock ?? Date.now)()).toISOString();
      await this.apply(
        [
          { kind: 'send', entityType: 'task', id: a.taskId, event: { type: 'ASSIGN', agentId: a.agentId, agentName: a.agentName, agentOwnerId: a.agentOwnerId } },
          { kind: 'send', entityType: 'agent', id: a.agentId, event: { type: 'ASSIGN', taskId: a.taskId, at } },
        ],
        'assign',
      );
    }
    // Reasons are independent of each other: sent together, so group commit makes them one
    // transaction, and a bounded number per round (a burst of tasks with no agent, or the last
    // agent of a big queue signing off, is worked through over a few rounds, oldest first).
    const waits = planWaits(queued, fresh, assignments);
    await Promise.all(
      waits.slice(0, WAITS_PER_ROUND).map((w) =>
        this.apply([{ kind: 'send', entityType: 'task', id: w.taskId, event: { type: 'WAIT', code: w.code, reason: w.reason, since: w.since } }], 'wait'),
      ),
    );
    // Forget what was planned; the rest (over the bound) waits for the next round, which runs at once.
    const later = new Set(waits.slice(WAITS_PER_ROUND).map((w) => w.taskId));
    for (const [id, view] of brought) if (!later.has(id) && this.newlyQueued.get(id) === view) this.newlyQueued.delete(id);
    if (later.size > 0) {
      this.again = true;
      if ([...later].some((id) => !brought.has(id))) this.agentsMoved = true; // those came from a full read
    }
  }

  private recoveryOps(step: Recovery): Op[] {
    if (step.kind === 'requeue') {
      return [
        // The requeued task frees its agent in the same transaction (the task machine says so).
        { kind: 'send', entityType: 'task', id: step.taskId, event: { type: 'REQUEUE', reason: step.reason, cause: step.cause }, optional: true },
        // A task that refuses REQUEUE (past coding, or no longer the agent's) keeps going
        // without it: the agent is released all the same.
        { kind: 'send', entityType: 'agent', id: step.agentId, event: { type: 'RELEASE', taskId: step.taskId }, optional: true },
      ];
    }
    if (step.kind === 'release') {
      return [{ kind: 'send', entityType: 'agent', id: step.agentId, event: { type: 'RELEASE', taskId: step.taskId } }];
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
