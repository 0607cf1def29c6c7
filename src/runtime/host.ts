/**
 * The actor host: the one place that runs machines against the world.
 *
 * For every command it loads the entity's persisted state, asks the pure machine for the next
 * state and the actions (`transition()`), and commits event + snapshot + read model + deadlines
 * in one transaction. Only after the commit does it ring the bus and start effects. A rejected
 * event stores nothing.
 *
 * Actions are interpreted, never executed by XState:
 * - `xstate.spawnChild` (an `invoke`) → a pending effect, stored with the state and run after
 *   commit; its result comes back as `xstate.done.actor.<id>` / `xstate.error.actor.<id>`.
 * - `xstate.raise` with a delay (an `after`) → a durable deadline row; `xstate.cancel` → its removal.
 * - `xstate.emit` of an `ActorMessage` → the event for the other actor, planned into the same
 *   batch right after the event that emitted it (a task that ends frees its agent).
 */
import { randomUUID } from 'node:crypto';
import { getStateNodes, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import type { Logger } from 'pino';
import { LRUCache } from 'lru-cache';
import type { Bus } from '../bus/types.js';
import type { EffectRegistry } from '../effects/types.js';
import { conflict, DomainError, ErrorCode, invalidTransition, notFound } from '../errors.js';
import {
  ACTOR_MESSAGE,
  agentMachine,
  agentView,
  describeAgentEvent,
  describeTaskEvent,
  effectError,
  taskMachine,
  taskStatus,
  taskView,
  type ActorMessage,
  type AgentView,
  type EntityType,
  type TaskView,
  type TimelineEntry,
} from '../machines/index.js';
import {
  StaleDeadlineError,
  StoreUnavailableError,
  VersionConflictError,
  type Change,
  type Deadline,
  type DeadlineOp,
  type EntityRecord,
  type EventStore,
  type LogEvent,
  type PendingEffect,
  type Scope,
} from '../store/types.js';
import type { Feed } from './feed.js';
import { KeyedLock } from './keyed-lock.js';
import { PureMachine } from './pure.js';
import { retry } from './retry.js';

interface EntityKind {
  machine: AnyStateMachine;
  pure: PureMachine;
  label: string;
  describe(event: EventObject | null, next: AnyMachineSnapshot, before: AnyMachineSnapshot | null): TimelineEntry;
  view(next: AnyMachineSnapshot, version: number, at: string): TaskView | AgentView;
  scope(next: AnyMachineSnapshot): Scope;
  status(snapshot: AnyMachineSnapshot): string;
}

/** An entity kind: its machine (and the pure transitions on it), as the host reads it. */
function entityKind<S extends AnyMachineSnapshot, V extends TaskView | AgentView>(
  machine: AnyStateMachine,
  label: string,
  views: {
    describe(event: EventObject | null, next: S, before: S | null): TimelineEntry;
    view(next: S, version: number, at: string): V;
    scope(next: S): Scope;
    status(snapshot: S): string;
  },
): EntityKind {
  return { machine, pure: new PureMachine(machine), label, ...(views as unknown as Omit<EntityKind, 'machine' | 'pure' | 'label'>) };
}

const KINDS: Record<EntityType, EntityKind> = {
  task: entityKind(taskMachine, 'Task', {
    describe: describeTaskEvent,
    view: taskView,
    scope: (s) => ({ org: s.context.org, ownerId: s.context.creator.id, private: s.context.private }),
    status: (s) => taskStatus(s.value),
  }),
  agent: entityKind(agentMachine, 'Agent', {
    describe: describeAgentEvent,
    view: agentView,
    scope: (s) => ({ org: s.context.org, ownerId: s.context.ownerId, private: false }),
    status: (s) => JSON.stringify(s.value),
  }),
};

export type Op =
  | { kind: 'create'; entityType: EntityType; id: string; input: unknown }
  | {
      kind: 'send';
      entityType: EntityType;
      id: string;
      event: EventObject & Record<string, unknown>;
      /** Only apply while this effect (same id and epoch) is still pending. */
      ifEffect?: { id: string; epoch: number };
      /** This event is the firing of a stored deadline. */
      consumes?: { key: string; dueAt: number };
      /** Skip this op (instead of rejecting the batch) if the actor does not accept the event. */
      optional?: boolean;
    };

export interface HostOptions {
  store: EventStore;
  bus: Bus;
  effects: EffectRegistry;
  logger: Logger;
  /** @default Date.now */
  clock?: () => number;
  /** This process's feed: every committed batch goes into it (see `apply`). */
  feed?: Pick<Feed, 'committed'>;
  /** Called with every committed batch (metrics). */
  onCommit?: (events: LogEvent[]) => void;
  /** Called when the earliest deadline may have moved (the scheduler). */
  onDeadlines?: (earliestDueAt: number) => void;
  /** How many entities to keep hot in memory (at least one). @default 10000 */
  cacheSize?: number;
  /** How often this instance says it is alive and adopts dead instances' effects. @default 5000 */
  instanceHeartbeatMs?: number;
}

const MAX_CONFLICT_RETRIES = 5;
/** Longest wait between attempts to store an effect's result while the store is unavailable. */
const MAX_EFFECT_RETRY_MS = 5000;

/** What a batch of ops commits, and the effects to start and stop once it has. */
interface Plan {
  changes: Change[];
  started: { type: EntityType; id: string; effect: PendingEffect }[];
  stopped: string[];
}

/**
 * A batch whose actors sent a message to an actor it had not locked: nothing was committed; it
 * runs again with these locked (and loaded) too.
 */
interface Widen {
  lock: string[];
}

const NONE: string[] = [];

/** How effect results are attributed on timelines ("by analyzer"). */
const EFFECT_ACTORS: Record<string, string> = { analyze: 'analyzer', openIssue: 'issue tracker' };

export class ActorHost {
  private readonly store: EventStore;
  private readonly clock: () => number;
  private readonly locks = new KeyedLock();
  /** Hot entities, the least recently used dropped first (`cacheSize`). */
  private readonly cache: LRUCache<string, EntityRecord>;
  /**
   * The live snapshot for a cached record's state, so the next command on a hot entity skips
   * `resolveState` (~10 µs of a ~25 µs transition, measured with bench/lib/write.ts). Snapshots
   * are immutable, and keyed by the very state object the cache holds.
   */
  private readonly snapshots = new WeakMap<object, AnyMachineSnapshot>();
  /** A plain Map: one entry per effect running here, removed when it ends or is aborted. */
  private readonly running = new Map<string, AbortController>();
  private stopped = false;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly options: HostOptions) {
    this.store = options.store;
    this.clock = options.clock ?? Date.now;
    this.cache = new LRUCache({ max: Math.max(1, options.cacheSize ?? 10_000) });
  }

  /** This process's identity as the owner of the effects it runs. */
  readonly instanceId = randomUUID();
  private sweep: NodeJS.Timeout | null = null;

  /**
   * Resume effects of actors caught mid-effect by a crash or restart, and keep adopting the
   * effects of instances that die (production mode runs several).
   */
  async start(): Promise<void> {
    await this.store.heartbeatInstance(this.instanceId);
    await this.adoptOrphans();
    const every = this.options.instanceHeartbeatMs ?? 5000;
    this.sweep = setInterval(() => {
      this.store
        .heartbeatInstance(this.instanceId)
        .then(() => this.adoptOrphans())
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'instance heartbeat failed'));
    }, every);
    this.sweep.unref();
  }

  private async adoptOrphans(): Promise<void> {
    const deadAfter = (this.options.instanceHeartbeatMs ?? 5000) * 3;
    const records = await this.store.claimOrphanedEffects(this.instanceId, deadAfter);
    for (const record of records) {
      this.cache.delete(record.id); // its cached copy (if any) predates the claim
      for (const effect of record.effects) this.runEffect(record.type, record.id, effect);
    }
    if (records.length > 0) {
      this.options.logger.info({ count: records.length }, 'resumed effects interrupted by a restart or a dead instance');
    }
  }

  /** Abort running effects (they resume on next start) and wait for in-flight commits. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    await Promise.allSettled([...this.inflight]);
  }

  /**
   * Apply ops atomically: every op's transition is computed first, then all are committed in one
   * transaction. Throws a DomainError (nothing stored) when any op is rejected.
   *
   * Returns the committed events in commit order (none when the batch was dropped or every op
   * was optional and refused). Each carries its entity's view right after it, so a caller answers
   * with `committedView(events, …)` instead of reading the entity back.
   */
  async execute(ops: Op[], actor: string | null): Promise<LogEvent[]> {
    let extra = NONE;
    for (;;) {
      const run = this.executeLocked(ops, actor, extra);
      this.inflight.add(run);
      let outcome: LogEvent[] | Widen;
      try {
        outcome = await run;
      } finally {
        this.inflight.delete(run);
      }
      if (Array.isArray(outcome)) return outcome;
      // Its locks were let go before the wider ones are taken: waiting for one while holding the
      // others could deadlock with a call that holds it and waits for ours (KeyedLock takes a
      // call's keys in one step so that this never happens).
      extra = [...extra, ...outcome.lock];
    }
  }

  private executeLocked(ops: Op[], actor: string | null, extra: string[]): Promise<LogEvent[] | Widen> {
    const ids = ops.map((op) => op.id);
    if (extra.length > 0) ids.push(...extra);
    return this.locks.run(ids, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.attempt(ops, actor, ids);
        } catch (error) {
          // Another instance committed first: reload and re-decide against its state.
          if (error instanceof VersionConflictError && attempt < MAX_CONFLICT_RETRIES) {
            for (const id of ids) this.cache.delete(id);
            continue;
          }
          // Lost every attempt: the operation fails as CONFLICT (retryable), not as unexpected.
          if (error instanceof VersionConflictError) {
            const op = ops.find((o) => o.id === error.entityId);
            throw conflict(op ? KINDS[op.entityType].label : 'Entity', error.entityId, attempt + 1);
          }
          throw error;
        }
      }
    });
  }

  /** One try at a batch, with `locked` (its ops' entities and any others it needs) held. */
  private async attempt(ops: Op[], actor: string | null, locked: string[]): Promise<LogEvent[] | Widen> {
    // Entities not in the hot cache are loaded first, so that everything after is synchronous
    // until the commit: an async function keeps all its locals (snapshots, XState's action
    // objects) alive while it waits, and a thousand commits in flight made the GC copy them all.
    // Every locked entity is loaded: besides the ops' own, those a message goes to (see Widen).
    // A hot one is taken from the cache here too: a later load in this loop may evict it.
    const loaded = new Map<string, EntityRecord | null>();
    for (let i = 0; i < locked.length; i++) {
      const id = locked[i];
      if ((i < ops.length && ops[i].kind !== 'send') || loaded.has(id)) continue;
      const hot = this.cache.get(id);
      if (hot) {
        loaded.set(id, hot);
        continue;
      }
      const record = await this.store.load(id);
      if (record) this.remember(record);
      loaded.set(id, record);
    }
    const plan = this.plan(ops, actor, loaded, locked);
    if (plan === null) return [];
    if ('lock' in plan) return plan;
    return this.apply(plan);
  }

  /**
   * The transitions of a batch and what to commit; null when the batch is to be dropped; Widen
   * when an actor sends a message to one that is not `locked`.
   */
  private plan(ops: Op[], actor: string | null, loaded: Map<string, EntityRecord | null>, locked: string[]): Plan | Widen | null {
    const now = this.clock();
    const at = new Date(now).toISOString();
    // One change per entity; a second op on the same entity in this batch continues from the
    // first op's result (e.g. release an agent's task, then sign the agent off).
    const byId = new Map<string, Change>();
    const changes: Change[] = [];
    const started: { type: EntityType; id: string; effect: PendingEffect }[] = [];
    const stopped: string[] = [];

    // The ops, and after each one the messages its transition sent (copied only then).
    let queue = ops;
    for (let i = 0; i < queue.length; i++) {
      const op = queue[i];
      const kind = KINDS[op.entityType];
      let prev: EntityRecord | null = null;
      let next: AnyMachineSnapshot;
      let actions: { type: string; params?: unknown }[];
      let event: EventObject | null = null;
      let prevStatus: string | null = null;
      // The snapshot before this op (none for a creation): a timeline entry may say what changed.
      let before: AnyMachineSnapshot | null = null;
      // The view before this op, for the log to store the first event as a patch (view-patch.ts).
      let base: TaskView | AgentView | undefined;

      if (op.kind === 'create') {
        [next, actions] = kind.pure.initial(op.input);
      } else {
        const earlier = byId.get(op.id);
        prev = earlier
          ? {
              type: earlier.entityType,
              id: earlier.entityId,
              version: earlier.expectedVersion + earlier.events.length,
              state: earlier.state,
              effects: earlier.effects,
            }
          : (loaded.get(op.id) ?? null);
        if (!prev || prev.type !== op.entityType) throw notFound(kind.label, op.id);
        if (op.ifEffect && !prev.effects.some((e) => e.id === op.ifEffect?.id && e.epoch === op.ifEffect.epoch)) {
          return null; // a result for an effect that was cancelled or superseded: drop it
        }
        const current =
          this.snapshots.get(prev.state) ?? (kind.machine.resolveState(prev.state as never) as AnyMachineSnapshot);
        // Only task events carry the previous status (dashboard counts apply them as deltas).
        if (op.entityType === 'task') prevStatus = kind.status(current);
        // Every event a machine sees carries its transition's time, unless its sender gave one:
        // time is an input of the pure machines like any other (a session's start and end).
        const stamped = op.event.at === undefined ? { ...op.event, at } : op.event;
        if (!current.can(stamped)) {
          if (op.optional) continue;
          throw invalidTransition(kind.label, op.id, kind.status(current), op.event.type);
        }
        event = stamped;
        before = current;
        [next, actions] = kind.pure.transition(current, stamped);
        if (!earlier) base = kind.view(current, prev.version, at);
      }

      const version = (prev?.version ?? 0) + 1;
      const deadlines: DeadlineOp[] = [];
      let spawned: PendingEffect[] | null = null;
      let messages: Op[] | null = null;
      for (const action of actions) {
        const params = action.params as Record<string, unknown> | undefined;
        if (action.type === 'xstate.spawnChild' && params) {
          (spawned ??= []).push({ id: String(params.id), src: String(params.src), input: params.input ?? null, epoch: version });
        } else if (action.type === 'xstate.raise' && params && typeof params.delay === 'number') {
          const deadline: Deadline = {
            entityType: op.entityType,
            entityId: op.id,
            key: String(params.id ?? (params.event as EventObject).type),
            dueAt: now + params.delay,
            event: params.event as Deadline['event'],
          };
          // A re-armed timer (cancel + raise of the same id, e.g. a heartbeat) is one upsert.
          const cleared = deadlines.findIndex((d) => d.op === 'clear' && d.key === deadline.key);
          if (cleared >= 0) deadlines.splice(cleared, 1);
          deadlines.push({ op: 'set', deadline });
        } else if (action.type === 'xstate.cancel' && params) {
          deadlines.push({ op: 'clear', entityId: op.id, key: String(params.sendId) });
        } else if (action.type === 'xstate.emit' && params) {
          const message = params.event as ActorMessage;
          if (message.type === ACTOR_MESSAGE) {
            if (!locked.includes(message.to.id)) return { lock: [message.to.id] };
            // Optional: a receiver that no longer accepts it (an agent already released) skips it.
            (messages ??= []).push({
              kind: 'send',
              entityType: message.to.entityType,
              id: message.to.id,
              event: message.event as Extract<Op, { kind: 'send' }>['event'],
              optional: true,
            });
          }
        }
      }
      if (messages) {
        if (queue === ops) queue = ops.slice();
        queue.splice(i + 1, 0, ...messages);
      }
      // Effects still pending: those whose invoking state is still active and was not re-entered.
      let effects: PendingEffect[] = spawned ?? [];
      const earlierEffects = prev?.effects ?? [];
      if (earlierEffects.length > 0) {
        const active = activeInvokeIds(next);
        const kept = earlierEffects.filter((e) => active.has(e.id) && !spawned?.some((s) => s.id === e.id));
        for (const e of earlierEffects) if (!kept.includes(e)) stopped.push(effectKey(op.id, e));
        effects = spawned ? [...kept, ...spawned] : kept;
      }
      if (spawned) for (const effect of spawned) started.push({ type: op.entityType, id: op.id, effect });

      const entry = kind.describe(event, next, before);
      const view = kind.view(next, version, at);
      const logged = {
        entityType: op.entityType,
        entityId: op.id,
        version,
        type: entry.type,
        at,
        actor,
        payload: entry.payload,
        scope: kind.scope(next),
        prevStatus,
        state: view,
      };
      const state = { value: next.value, context: next.context as Record<string, unknown> };
      this.snapshots.set(state, next);
      const earlier = byId.get(op.id);
      if (earlier) {
        earlier.events.push(logged);
        Object.assign(earlier, { state, effects, view });
        earlier.deadlines.push(...deadlines);
        continue;
      }
      const change: Change = {
        entityType: op.entityType,
        entityId: op.id,
        expectedVersion: prev?.version ?? 0,
        events: [logged],
        state,
        effects,
        view,
        base,
        deadlines,
        consumes: op.kind === 'send' ? op.consumes : undefined,
        owner: this.instanceId,
      };
      byId.set(op.id, change);
      changes.push(change);
    }

    return { changes, started, stopped };
  }

  /** Commit a plan, then hand it to the feed, ring the doorbell and start or stop effects. */
  private async apply({ changes, started, stopped }: Plan): Promise<LogEvent[]> {
    const committed = await this.store.commit(changes);
    for (const change of changes) {
      this.remember({
        type: change.entityType,
        id: change.entityId,
        version: change.expectedVersion + change.events.length,
        state: change.state,
        effects: change.effects,
      });
    }
    // The one place this process's commits reach its feed, as they are: services, the
    // orchestrator and the scheduler all commit through here, so none of them hands the feed
    // anything. Before the doorbell rings, so that the ring finds them at the feed's head and
    // reads nothing back; other instances' commits come through the doorbell's read of the log.
    this.options.feed?.committed(committed);
    // Published only after the commit returned: the doorbell never rings for uncommitted data.
    const last = committed.at(-1);
    if (last) this.options.bus.notify(last.cursor);
    this.options.onCommit?.(committed);
    for (const key of stopped) this.abortEffect(key);
    for (const { type, id, effect } of started) this.runEffect(type, id, effect);
    let earliest = Infinity;
    for (const change of changes) {
      for (const d of change.deadlines) if (d.op === 'set' && d.deadline.dueAt < earliest) earliest = d.deadline.dueAt;
    }
    if (earliest !== Infinity) this.options.onDeadlines?.(earliest);
    return committed;
  }

  /** Fire a due deadline as an ordinary event. Exactly once: the commit consumes the row. */
  async fireDeadline(deadline: Deadline): Promise<void> {
    try {
      await this.execute(
        [
          {
            kind: 'send',
            entityType: deadline.entityType,
            id: deadline.entityId,
            event: deadline.event,
            consumes: { key: deadline.key, dueAt: deadline.dueAt },
          },
        ],
        'scheduler',
      );
    } catch (error) {
      if (error instanceof StaleDeadlineError) return; // re-armed or fired elsewhere
      if (error instanceof DomainError && error.code === ErrorCode.INVALID_TRANSITION) {
        // The state it was armed in is gone (e.g. a machine change between releases): drop it
        // rather than fire it forever.
        this.options.logger.warn({ deadline }, 'dropping deadline its actor no longer accepts');
        await this.store.dropDeadline(deadline.entityId, deadline.key, deadline.dueAt);
        return;
      }
      throw error;
    }
  }

  private remember(record: EntityRecord): void {
    this.cache.set(record.id, record);
  }

  private runEffect(entityType: EntityType, entityId: string, effect: PendingEffect): void {
    if (this.stopped) return;
    const implementation = this.options.effects[effect.src];
    const key = effectKey(entityId, effect);
    const controller = new AbortController();
    this.running.set(key, controller);
    const deliver = (event: EventObject) => {
      this.running.delete(key);
      if (this.stopped || controller.signal.aborted) return;
      const send = async (attempt: number) => {
        this.running.delete(key); // not abortable while its commit is in flight, as on the first try
        // The host stopped while the commit that failed was in flight: dropped (it resumes on start).
        if (attempt > 1 && this.stopped) return;
        await this.execute(
          [{ kind: 'send', entityType, id: entityId, event, ifEffect: { id: effect.id, epoch: effect.epoch } }],
          EFFECT_ACTORS[effect.src] ?? effect.src,
        );
      };
      retry(send, {
        // 100, 200, 400 ms… up to MAX_EFFECT_RETRY_MS, until it is stored or the effect is aborted.
        baseMs: 100,
        maxMs: MAX_EFFECT_RETRY_MS,
        signal: controller.signal,
        ref: false,
        // The store refused or could not take the commit (a full disk, PostgreSQL away), or
        // other writers kept winning the entity: nothing was stored, so deliver the result
        // again later rather than leave the actor waiting for it until a restart. A repeat is
        // harmless: `ifEffect` drops a result for an effect that is no longer pending.
        retryable: (error) =>
          error instanceof StoreUnavailableError || (error instanceof DomainError && error.code === ErrorCode.CONFLICT),
        onRetry: (error, _attempt, retryMs) => {
          this.options.logger.warn({ err: error, entityId, effect: effect.src, retryMs }, 'effect result not stored yet; retrying');
          this.running.set(key, controller); // still ours while it waits: stop() aborts it
        },
      }).catch((error: unknown) => {
        // Aborted while waiting to deliver again (the effect was stopped, or the host): dropped.
        if (controller.signal.aborted && error instanceof Error && error.name === 'AbortError') return;
        this.options.logger.error({ err: error, entityId, effect: effect.src }, 'effect result not applied');
      });
    };
    const run = implementation
      ? Promise.resolve().then(() => implementation(effect.input as never, controller.signal))
      : Promise.reject(new Error(`no implementation for effect "${effect.src}"`));
    run.then(
      (output) => deliver({ type: `xstate.done.actor.${effect.id}`, output } as EventObject),
      (error: unknown) => deliver({ type: `xstate.error.actor.${effect.id}`, error: effectError(error) } as EventObject),
    );
  }

  private abortEffect(key: string): void {
    this.running.get(key)?.abort();
    this.running.delete(key);
  }
}

const effectKey = (entityId: string, effect: PendingEffect) => `${entityId}:${effect.id}:${effect.epoch}`;

/**
 * The view a committed batch (what `execute` returned) left an entity in: the state of its last
 * event there. What the store's read model holds for it after that commit.
 */
export function committedView(events: LogEvent[], entityType: 'task', id: string): TaskView;
export function committedView(events: LogEvent[], entityType: 'agent', id: string): AgentView;
export function committedView(events: LogEvent[], entityType: EntityType, id: string): TaskView | AgentView {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.entityId === id && event.entityType === entityType) return event.state;
  }
  throw new Error(`the batch committed no event of ${entityType} ${id}`);
}

/** Ids of the invokes defined on the snapshot's active state nodes. */
function activeInvokeIds(snapshot: AnyMachineSnapshot): Set<string> {
  // Public `getStateNodes` rather than the snapshot's internal `_nodes`: the same active nodes,
  // root and ancestors included, for a state value that always reaches its atomic states.
  const ids = new Set<string>();
  for (const node of getStateNodes(snapshot.machine.root, snapshot.value)) for (const i of node.invoke) ids.add(i.id);
  return ids;
}
