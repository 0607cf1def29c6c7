/**
 * Operation-tier errors: expected failures of one operation, each with a stable code that reaches
 * clients as `extensions.code`. Anything that is not a `DomainError` is unexpected and is masked
 * as INTERNAL_SERVER_ERROR by the GraphQL layer. The codes are src/shared/codes.ts's.
 */
import { ErrorCode } from './shared/codes.js';

export { ErrorCode };

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, details);

export const notFound = (kind: string, id: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `${kind} ${id} not found`, { id });

export const invalidTransition = (kind: string, id: string, status: string, event: string) =>
  new DomainError(ErrorCode.INVALID_TRANSITION, `${kind} ${id} cannot accept ${event} while ${status}`, {
    id,
    status,
    event,
  });

export const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);

export const unauthenticated = (message = 'Sign in first: send a valid Bearer token') =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);

export const rateLimited = (retryAfterMs: number) =>
  new DomainError(ErrorCode.RATE_LIMITED, `Too many requests; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
    retryAfterMs,
  });

/** How long a client should wait before retrying an operation that lost a version conflict. */
export const CONFLICT_RETRY_AFTER_MS = 100;

/**
 * Other writers kept committing to this entity first, and the actor host gave up re-deciding
 * against their state (runtime/host.ts): nothing was stored, and the operation may be retried.
 */
export const conflict = (kind: string, id: string, attempts: number) =>
  new DomainError(
    ErrorCode.CONFLICT,
    `${kind} ${id} was changed by another writer ${attempts} times while this operation was applied; nothing was stored: retry`,
    { id, retryable: true, retryAfterMs: CONFLICT_RETRY_AFTER_MS },
  );

/**
 * A read of the log from a cursor older than what retention keeps (store/types.ts
 * `CursorExpiredError`): never a silent gap. The client re-reads the state the stream follows
 * (the query it started from) and subscribes again with `after` = that read's cursor.
 * `horizon`: reading after it works again; `cursor`: the log's head now.
 */
export const cursorExpired = (what: { cursor: number; horizon: number; head: number }) =>
  new DomainError(
    ErrorCode.CURSOR_EXPIRED,
    `Cursor ${what.cursor} is older than the history this server keeps (horizon ${what.horizon}): events after it were archived. ` +
      'Re-read the state with the query the stream follows (tasks, agentList or agentTimeline without after), then subscribe again with after = its cursor',
    { horizon: String(what.horizon), cursor: String(what.head) },
  );
