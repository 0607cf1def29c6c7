/** Agent use cases: registration, heartbeats, reads and the agent feed. */
import { randomUUID } from 'node:crypto';
import { cursorExpired, forbidden, notFound } from '../errors.js';
import type { AgentView } from '../machines/index.js';
import type { Feed } from '../runtime/feed.js';
import { committedView, type ActorHost, type Op } from '../runtime/host.js';
import type { EventStore, Viewer } from '../store/types.js';
import { parseCursor } from './cursor.js';
import { EventStream } from './stream.js';
import { parse, schemas } from './validate.js';
import { canSeeAgent } from './visibility.js';

export interface AgentTimeouts {
  /** Without a heartbeat for this long an agent is stale. */
  staleAfterMs: number;
  /** Without a heartbeat for this long (from the last one) an agent is crashed. */
  crashAfterMs: number;
  /** Busy without a report on its task for this long an agent is stuck. */
  stuckAfterMs: number;
}

export class AgentService {
  constructor(
    private readonly store: EventStore,
    private readonly host: ActorHost,
    private readonly feed: Feed,
    private readonly timeouts: AgentTimeouts,
  ) {}

  /** Register a new agent, or bring back the one of that name in the viewer's org. */
  async register(viewer: Viewer, rawName: unknown): Promise<AgentView> {
    const name = parse(schemas.agentName, rawName, 'name');
    const at = new Date().toISOString();
    const existing = await this.store.findAgentByName(viewer.org, name);
    if (existing) {
      if (existing.ownerId !== viewer.id) {
        throw forbidden(`Agent "${name}" is registered by another user of this org`);
      }
      const events = await this.host.execute(
        [{ kind: 'send', entityType: 'agent', id: existing.id, event: { type: 'REGISTER', at, ...this.timeouts } }],
        viewer.name,
      );
      return committedView(events, 'agent', existing.id);
    }
    const id = randomUUID();
    const events = await this.host.execute(
      [
        {
          kind: 'create',
          entityType: 'agent',
          id,
          input: { id, name, org: viewer.org, ownerId: viewer.id, registeredAt: at, ...this.timeouts },
        },
      ],
      viewer.name,
    );
    return committedView(events, 'agent', id);
  }

  async heartbeat(viewer: Viewer, agentId: string): Promise<AgentView> {
    const agent = await this.require(viewer, agentId);
    if (agent.ownerId !== viewer.id) throw forbidden('Only the user who registered an agent may send its heartbeats');
    const events = await this.host.execute(
      [{ kind: 'send', entityType: 'agent', id: agentId, event: { type: 'HEARTBEAT', at: new Date().toISOString() } }],
      agent.name,
    );
    return committedView(events, 'agent', agentId);
  }

  /**
   * Sign off cleanly: a task it still holds goes back to the queue in the same transaction (and
   * frees it). Should the task no longer be the agent's to requeue, the agent lets go of it anyway.
   */
  async deregister(viewer: Viewer, agentId: string): Promise<AgentView> {
    const agent = await this.require(viewer, agentId);
    if (agent.ownerId !== viewer.id) throw forbidden('Only the user who registered an agent may sign it off');
    const ops: Op[] = [];
    if (agent.currentTaskId) {
      const reason = `agent ${agent.name} stopped`;
      ops.push(
        { kind: 'send', entityType: 'task', id: agent.currentTaskId, event: { type: 'REQUEUE', reason, cause: 'stopped' }, optional: true },
        { kind: 'send', entityType: 'agent', id: agentId, event: { type: 'RELEASE', taskId: agent.currentTaskId }, optional: true },
      );
    }
    ops.push({ kind: 'send', entityType: 'agent', id: agentId, event: { type: 'DEREGISTER' } });
    return committedView(await this.host.execute(ops, agent.name), 'agent', agentId);
  }

  async get(viewer: Viewer, id: string): Promise<AgentView | null> {
    const agent = await this.store.getAgent(id);
    return agent && canSeeAgent(viewer, { org: agent.org, ownerId: agent.ownerId, private: false }) ? agent : null;
  }

  async require(viewer: Viewer, id: string): Promise<AgentView> {
    const agent = await this.get(viewer, id);
    if (!agent) throw notFound('Agent', id);
    return agent;
  }

  /**
   * The agent's history after `after`; without it, from the oldest event retention kept (an
   * agent has no compact timeline: its heartbeats are most of a busy log). With an `after`
   * older than that, CURSOR_EXPIRED: read again without it.
   */
  async timeline(viewer: Viewer, agentId: string, after: string | null | undefined, first: number) {
    await this.require(viewer, agentId);
    const cursor = parseCursor(after);
    const { events } = await this.store.readAfter(cursor ?? 0, {
      entityId: agentId,
      limit: parse(schemas.pageSize, first, 'first'),
      fromKept: cursor === undefined,
    });
    return events;
  }

  list(viewer: Viewer): Promise<AgentView[]> {
    return this.store.listAgents(viewer.org);
  }

  listAt(viewer: Viewer) {
    return this.store.listAgentsAt(viewer.org);
  }

  async updates(viewer: Viewer, after: string | null | undefined, agentId?: string | null) {
    const { head, horizon } = await this.store.logBounds();
    const start = parseCursor(after) ?? head;
    // Below the horizon (retention): CURSOR_EXPIRED, as for taskUpdated (services/tasks.ts).
    if (start < horizon) throw cursorExpired({ cursor: start, horizon, head });
    const cursor = this.feed.subscribe({
      after: Math.min(start, head),
      entityType: 'agent',
      filter: (e) =>
        e.entityType === 'agent' && canSeeAgent(viewer, e.scope) && (!agentId || e.entityId === agentId),
    });
    return new EventStream(cursor);
  }
}
