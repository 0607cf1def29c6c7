/**
 * What the SQLite store's writer (sqlite-writes.ts, on its own thread) is sent and answers: a
 * commit request as the rows it binds (`encodeChange`, rows.ts: JSON already serialised, so the
 * writer does nothing but SQL and a structured clone copies strings and numbers only), and each
 * request's cursors or why it was refused.
 */
import type { WireChange } from './rows.js';
import { StaleDeadlineError, StorageFaultError, VersionConflictError, type StorageFault } from './types.js';

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
