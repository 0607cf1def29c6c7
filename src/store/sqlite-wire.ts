/**
 * What the SQLite store's writer (sqlite-writes.ts, on its own thread) is sent and answers: a
 * commit request flattened to the values it binds, JSON already serialised, so the writer does
 * nothing but SQL and a structured clone copies strings and numbers only.
 */
import type { AgentView, TaskView } from '../machines/index.js';
import { StaleDeadlineError, StorageFaultError, VersionConflictError, type Change, type StorageFault } from './types.js';

/** The event row's values, in `insertEvent` order. */
export type WireEvent = [
  entityType: string,
  entityId: string,
  version: number,
  type: string,
  at: string,
  actor: string | null,
  payload: string | null,
  org: string,
  ownerId: string,
  isPrivate: number,
  prevStatus: string | null,
  /** null: the same as the change's view. */
  state: string | null,
];

/** The read-model row: a task's (upsertTask order, seq filled in by the writer) or an agent's. */
export type WireView =
  | [kind: 'task', id: string, org: string, creatorId: string, isPrivate: number, status: string, version: number, view: string, branch: string | null, issueNumber: number | null]
  | [kind: 'agent', id: string, org: string, name: string, version: number, view: string];

export type WireDeadline =
  | [op: 'clear', entityId: string, key: string]
  | [op: 'set', entityId: string, key: string, entityType: string, dueAt: number, event: string];

export interface WireChange {
  entityType: string;
  entityId: string;
  expectedVersion: number;
  state: string;
  effects: string;
  hasEffects: number;
  owner: string | null;
  consumes: [key: string, dueAt: number] | null;
  events: WireEvent[];
  view: WireView;
  deadlines: WireDeadline[];
}

/** One commit request (one `EventStore.commit` call): all its changes or none. */
export type WireRequest = WireChange[];

export type WireError =
  | { kind: 'version-conflict'; entityId: string }
  | { kind: 'stale-deadline'; entityId: string; key: string }
  | { kind: 'storage'; storage: StorageFault; message: string; code: string | null }
  | { kind: 'other'; name: string; message: string; code: string | null };

/** Per request: the cursors of its events, in order, or why it was refused. */
export type WireOutcome = { ok: true; cursors: number[] } | { ok: false; error: WireError };

/** A group's answer: one outcome per request, or one error that refused the whole group. */
export type WireGroupResult = { outcomes: WireOutcome[] } | { refused: WireError };

export function encodeChange(change: Change): WireChange {
  const viewJson = JSON.stringify(change.view);
  return {
    entityType: change.entityType,
    entityId: change.entityId,
    expectedVersion: change.expectedVersion,
    state: JSON.stringify(change.state),
    effects: JSON.stringify(change.effects),
    hasEffects: change.effects.length > 0 ? 1 : 0,
    owner: change.owner ?? null,
    consumes: change.consumes ? [change.consumes.key, change.consumes.dueAt] : null,
    events: change.events.map((event) => [
      event.entityType,
      event.entityId,
      event.version,
      event.type,
      event.at,
      event.actor,
      event.payload === null ? null : JSON.stringify(event.payload),
      event.scope.org,
      event.scope.ownerId,
      event.scope.private ? 1 : 0,
      event.prevStatus,
      // Usually the event's state is the change's view: null says "the view's", so the JSON is
      // serialised once and copied to the writer once.
      event.state === change.view ? null : JSON.stringify(event.state),
    ]),
    view: encodeView(change, viewJson),
    deadlines: change.deadlines.map((op): WireDeadline =>
      op.op === 'clear'
        ? ['clear', op.entityId, op.key]
        : ['set', op.deadline.entityId, op.deadline.key, op.deadline.entityType, op.deadline.dueAt, JSON.stringify(op.deadline.event)],
    ),
  };
}

function encodeView(change: Change, viewJson: string): WireView {
  if (change.entityType === 'task') {
    const view = change.view as TaskView;
    const issue = view.issue?.number ?? null;
    return ['task', view.id, view.org, view.creator.id, view.private ? 1 : 0, view.status, view.version, viewJson, view.branch, issue];
  }
  const view = change.view as AgentView;
  return ['agent', view.id, view.org, view.name, view.version, viewJson];
}

export function encodeError(error: unknown): WireError {
  if (error instanceof VersionConflictError) return { kind: 'version-conflict', entityId: error.entityId };
  if (error instanceof StaleDeadlineError) return { kind: 'stale-deadline', entityId: error.entityId, key: error.key };
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof StorageFaultError) {
    const cause = error.cause as { message?: string; code?: unknown } | undefined;
    return {
      kind: 'storage',
      storage: error.storage,
      message: cause?.message ?? error.message,
      code: typeof cause?.code === 'string' ? cause.code : null,
    };
  }
  return {
    kind: 'other',
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : null,
  };
}

export function decodeError(wire: WireError): Error {
  switch (wire.kind) {
    case 'version-conflict':
      return new VersionConflictError(wire.entityId);
    case 'stale-deadline':
      return new StaleDeadlineError(wire.entityId, wire.key);
    case 'storage':
      return new StorageFaultError(wire.storage, Object.assign(new Error(wire.message), { code: wire.code ?? undefined }));
    case 'other': {
      const error = Object.assign(new Error(wire.message), { code: wire.code ?? undefined });
      error.name = wire.name;
      return error;
    }
  }
}
