/**
 * The log the retention tests archive (tests/store/retention.ts, retention-disk.test.ts, the
 * PostgreSQL run): changes made as the actor host makes them, and a log with every case.
 */
import type { SqlStore } from '../../src/store/sql-store.js';
import type { Change, LogEvent } from '../../src/store/types.js';

export const OLD = '2026-01-01T00:00:00.000Z';
export const CUTOFF = '2026-02-01T00:00:00.000Z';
export const NEW = '2026-03-01T00:00:00.000Z';

const owner = { id: 'acme/ada', org: 'acme' };

/** A task moved to `status` at `at` (version `expected + 1`). */
export function taskStep(id: string, expected: number, status: string, at: string, prev: string | null = null, type = 'STEP'): Change {
  const version = expected + 1;
  const view = {
    id, title: `task ${id}`, description: null, creator: { id: owner.id, name: 'Ada' }, org: owner.org, private: false, createdAt: at,
    clarifications: [], issue: null, branch: null, pr: null, mergeCommitSha: null, mergedAt: null, error: null, agentId: null,
    status, stateValue: status === 'dispatched' ? { active: { dispatched: 'queued' } } : status, version, updatedAt: at,
  } as never;
  return {
    entityType: 'task', entityId: id, expectedVersion: expected,
    events: [{ entityType: 'task', entityId: id, version, type: expected === 0 ? 'CREATED' : type, at, actor: 'Ada', payload: { step: version },
      scope: { org: owner.org, ownerId: owner.id, private: false }, prevStatus: prev, state: view }],
    state: { value: status, context: { id } }, effects: [], view, deadlines: [],
  };
}

/** An agent's heartbeat (or registration) at `at`. */
export function agentBeat(id: string, expected: number, at: string): Change {
  const version = expected + 1;
  const view = {
    id, name: `agent ${id}`, org: owner.org, ownerId: owner.id, registeredAt: OLD, lastHeartbeatAt: at, currentTaskId: null, lastAssignedAt: null,
    lastActivity: null, lastProgressAt: null, status: 'idle', stateValue: { work: 'idle', health: 'healthy' }, health: 'healthy', version, updatedAt: at,
  } as never;
  return {
    entityType: 'agent', entityId: id, expectedVersion: expected,
    events: [{ entityType: 'agent', entityId: id, version, type: expected === 0 ? 'REGISTERED' : 'HEARTBEAT', at, actor: 'agent', payload: null,
      scope: { org: owner.org, ownerId: owner.id, private: false }, prevStatus: null, state: view }],
    state: { value: { work: 'idle' }, context: { id } }, effects: [], view, deadlines: [],
  };
}

/**
 * Changes as the actor host makes them: each with the entity's view before it (`base`), so the
 * log stores patches between keyframes (view-patch.ts), as it does in production.
 */
export function withBases(steps: Change[]): Change[] {
  const views = new Map<string, Change['view']>();
  return steps.map((change) => {
    const base = views.get(change.entityId);
    views.set(change.entityId, change.view);
    return base ? { ...change, base } : change;
  });
}

/** The agent's heartbeats before the cutoff: more than a keyframe's span (16 versions). */
export const OLD_BEATS = 20;

/**
 * A log with every case, interleaved: `merged` finished before the cutoff (archived whole),
 * `failed` too (archived but its newest event: it may be retried), `active` (dispatched: kept
 * whole), `late` (created before, merged after: kept whole), an agent heartbeating before the
 * cutoff (archived, its first kept event made whole) and after it, and events after the cutoff.
 */
export async function fillLog(store: SqlStore): Promise<LogEvent[]> {
  const steps: Change[] = [
    taskStep('merged', 0, 'received', OLD),
    agentBeat('agent', 0, OLD),
    taskStep('active', 0, 'received', OLD),
    taskStep('merged', 1, 'dispatched', OLD, 'received', 'DISPATCHED'),
    taskStep('failed', 0, 'received', OLD),
    ...Array.from({ length: OLD_BEATS - 1 }, (_, i) => agentBeat('agent', i + 1, OLD)),
    taskStep('late', 0, 'received', OLD),
    taskStep('active', 1, 'dispatched', OLD, 'received', 'DISPATCHED'),
    taskStep('merged', 2, 'merged', OLD, 'dispatched', 'MERGED'),
    taskStep('failed', 1, 'failed', OLD, 'received', 'FAILED'),
    taskStep('late', 1, 'merged', NEW, 'received', 'MERGED'),
    agentBeat('agent', OLD_BEATS, NEW),
    taskStep('fresh', 0, 'received', NEW),
    agentBeat('agent', OLD_BEATS + 1, NEW),
    agentBeat('agent', OLD_BEATS + 2, NEW),
  ];
  const events: LogEvent[] = [];
  for (const change of withBases(steps)) events.push(...(await store.commit([change])));
  return events;
}

/** What the pass over `fillLog`'s log archives. */
export function expectedArchived(events: LogEvent[]): LogEvent[] {
  return events.filter((e) => e.entityId === 'merged' || (e.entityId === 'failed' && e.version === 1) || (e.entityId === 'agent' && e.at === OLD));
}
