/**
 * Operation-tier errors: expected failures of one operation, each with a stable code that reaches
 * clients as `extensions.code`. Anything that is not a `DomainError` is unexpected and is masked
 * as INTERNAL_SERVER_ERROR by the GraphQL layer.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'INVALID_TRANSITION'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'CONFLICT';

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
  new DomainError('BAD_USER_INPUT', message, details);

export const notFound = (kind: string, id: string) =>
  new DomainError('NOT_FOUND', `${kind} ${id} not found`, { id });

export const invalidTransition = (kind: string, id: string, status: string, event: string) =>
  new DomainError('INVALID_TRANSITION', `${kind} ${id} cannot accept ${event} while ${status}`, {
    id,
    status,
    event,
  });

export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);

export const unauthenticated = (message = 'Sign in first: send a valid Bearer token') =>
  new DomainError('UNAUTHENTICATED', message);

export const rateLimited = (retryAfterMs: number) =>
  new DomainError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
    retryAfterMs,
  });
