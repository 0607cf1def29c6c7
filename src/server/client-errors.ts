/**
 * The operation tier's error masking: what a client is told for every error an operation raises
 * (Yoga's `maskError`, the fan-out engine's per-event errors, the mutation rate limit).
 */
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { cursorExpired, DomainError } from '../errors.js';
import { ERROR_CODES, ErrorCode } from '../shared/codes.js';
import { CursorExpiredError, StorageFaultError, StoreUnavailableError, type StorageFault } from '../store/types.js';
import type { Metrics } from './metrics.js';

/** GraphQLError by shape: graphql can be loaded twice (CJS and ESM), so `instanceof` may lie. */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}

/** The error a resolver threw, under however many GraphQLError wrappers execution added. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (isGraphQLError(current) && current.originalError) current = current.originalError;
  return current;
}

/**
 * What a client is told when the data directory refuses a write. The same code as an unreachable
 * database (retry later, nothing was stored), with `extensions.storage` saying why.
 */
export const STORAGE_MESSAGES: Record<StorageFault, string> = {
  full: "The server's disk is full: nothing was stored. Try again once space is freed",
  'read-only': 'The server cannot write its data directory (read-only): nothing was stored. Try again later',
  'io-error': 'The server cannot write its data directory (I/O error): nothing was stored. Try again later',
};

/** Turn an operation-tier error into what clients see; mask everything unexpected. */
export function toClientError(error: unknown, logger: Logger, metrics: Metrics, production: boolean): GraphQLError {
  const cause = rootCause(error);
  // A read from below the log's horizon (retention) is the client's to act on, with its code.
  const original = cause instanceof CursorExpiredError ? cursorExpired(cause) : cause;
  const located = isGraphQLError(error) ? error : undefined;
  if (original instanceof DomainError) {
    metrics.error(original.code);
    const status = ERROR_CODES[original.code].status;
    return new GraphQLError(original.message, {
      nodes: located?.nodes,
      path: located?.path,
      extensions: {
        code: original.code,
        ...original.details,
        // UNAUTHENTICATED answers 401, CONFLICT 409; the others the GraphQL-over-HTTP default.
        ...(status ? { http: { status } } : {}),
      },
    });
  }
  if (original instanceof StorageFaultError) {
    metrics.error(ErrorCode.SERVICE_UNAVAILABLE);
    logger.warn({ err: original.cause, storage: original.storage }, 'the data directory refused a write');
    return new GraphQLError(STORAGE_MESSAGES[original.storage], {
      path: located?.path,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, storage: original.storage, http: { status: ERROR_CODES.SERVICE_UNAVAILABLE.status } },
    });
  }
  if (original instanceof StoreUnavailableError) {
    metrics.error(ErrorCode.SERVICE_UNAVAILABLE);
    logger.warn({ err: original.cause }, 'database unreachable');
    return new GraphQLError('The database is unreachable; try again shortly', {
      path: located?.path,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: ERROR_CODES.SERVICE_UNAVAILABLE.status } },
    });
  }
  // GraphQL's own errors (syntax, validation, variable coercion, limits) are safe as they are.
  if (isGraphQLError(original)) {
    metrics.error(String(original.extensions.code ?? ErrorCode.GRAPHQL_VALIDATION_FAILED));
    return original;
  }
  metrics.error(ErrorCode.INTERNAL_SERVER_ERROR);
  logger.error({ err: original }, 'unexpected error in a GraphQL operation');
  return new GraphQLError(
    production ? 'Unexpected error' : `Unexpected error: ${original instanceof Error ? original.message : String(original)}`,
    { path: located?.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } },
  );
}
