/**
 * Every code conveyor puts on the wire, in one place: the operation codes clients read from
 * `extensions.code`, and the WebSocket close codes. The server, the dashboard (client/) and the
 * worker CLI all import this module, so it depends on nothing but graphql-ws (which all three
 * use) and must stay free of Node and DOM APIs.
 *
 * docs/design.md ("Errors in tiers") has a row for each code with its tier and HTTP status, and
 * tests/server/codes.test.ts keeps that table, the README and the fuzz tests' list in step with
 * this one, and fails on a code or close code written as a literal anywhere else in src/ or
 * client/src/.
 */
import { CloseCode as GraphqlWsCloseCode } from 'graphql-ws';

export const ErrorCode = {
  // Operation tier: the operation failed, expectedly; the client can act on the code.
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  QUERY_LIMIT_EXCEEDED: 'QUERY_LIMIT_EXCEEDED',
  SUBSCRIPTION_LIMIT_EXCEEDED: 'SUBSCRIPTION_LIMIT_EXCEEDED',
  // Retention archived what a read from this cursor needs: re-read the state, then continue.
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  // Unavailable: nothing was stored; retry later.
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  // Request tier: the HTTP request itself is refused before any operation runs.
  BAD_REQUEST: 'BAD_REQUEST',
  LENGTH_REQUIRED: 'LENGTH_REQUIRED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
  CSRF_PREVENTED: 'CSRF_PREVENTED',
  // Unexpected: a defect or an unforeseen failure; the message is masked in production.
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type ErrorTier = 'operation' | 'unavailable' | 'request' | 'unexpected';

/**
 * Each code's tier, and the HTTP status of an answer carrying it where that status is fixed (for
 * a DomainError, toClientError sets it as `extensions.http.status`). Without one, it depends:
 * 200 within an executed result, 400 with `Accept: application/graphql-response+json` for a
 * request that fails before execution (docs/design.md has each case).
 */
export const ERROR_CODES: Record<ErrorCode, { tier: ErrorTier; status?: number }> = {
  BAD_USER_INPUT: { tier: 'operation' },
  NOT_FOUND: { tier: 'operation' },
  FORBIDDEN: { tier: 'operation' },
  INVALID_TRANSITION: { tier: 'operation' },
  CONFLICT: { tier: 'operation', status: 409 },
  RATE_LIMITED: { tier: 'operation' },
  UNAUTHENTICATED: { tier: 'operation', status: 401 },
  QUERY_LIMIT_EXCEEDED: { tier: 'operation' },
  SUBSCRIPTION_LIMIT_EXCEEDED: { tier: 'operation' },
  CURSOR_EXPIRED: { tier: 'operation' },
  GRAPHQL_PARSE_FAILED: { tier: 'operation' },
  GRAPHQL_VALIDATION_FAILED: { tier: 'operation' },
  OPERATION_RESOLUTION_FAILURE: { tier: 'operation', status: 400 },
  SERVICE_UNAVAILABLE: { tier: 'unavailable', status: 503 },
  BAD_REQUEST: { tier: 'request', status: 400 },
  LENGTH_REQUIRED: { tier: 'request', status: 411 },
  PAYLOAD_TOO_LARGE: { tier: 'request', status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { tier: 'request', status: 415 },
  NOT_ACCEPTABLE: { tier: 'request', status: 406 },
  CSRF_PREVENTED: { tier: 'request', status: 403 },
  INTERNAL_SERVER_ERROR: { tier: 'unexpected' },
};

/**
 * WebSocket close codes: RFC 6455's that conveyor uses, and graphql-ws's protocol codes (its own
 * enum, re-exported under the same names, so `CloseCode.Forbidden` is 4403 wherever it is read).
 */
export const CloseCode = {
  /** RFC 6455: the server is shutting down; reconnect (elsewhere) and resume by cursor. */
  GoingAway: 1001,
  /** RFC 6455: never sent; what a client sees when the connection drops without a close frame. */
  AbnormalClosure: 1006,
  /** RFC 6455: a message above WS_MAX_PAYLOAD_BYTES (`ws` closes with it itself). */
  MessageTooBig: 1009,
  /** RFC 6455: a slow consumer (more than WS_MAX_BUFFERED_BYTES queued); reconnect and resume. */
  TryAgainLater: 1013,
  /** graphql-ws: an invalid message. */
  BadRequest: GraphqlWsCloseCode.BadRequest,
  /** graphql-ws: `subscribe` before `connection_ack`. */
  Unauthorized: GraphqlWsCloseCode.Unauthorized,
  /** graphql-ws: no, a bad or an expired token (at `connection_init`, or when it expires). */
  Forbidden: GraphqlWsCloseCode.Forbidden,
  SubprotocolNotAcceptable: GraphqlWsCloseCode.SubprotocolNotAcceptable,
  /** graphql-ws: no `connection_init` within WS_INIT_TIMEOUT_MS. */
  ConnectionInitialisationTimeout: GraphqlWsCloseCode.ConnectionInitialisationTimeout,
  /** graphql-ws: `subscribe` with the id of a running operation. */
  SubscriberAlreadyExists: GraphqlWsCloseCode.SubscriberAlreadyExists,
  /** graphql-ws: a second `connection_init`. */
  TooManyInitialisationRequests: GraphqlWsCloseCode.TooManyInitialisationRequests,
  /** graphql-ws: the server failed unexpectedly (logged with the cause). */
  InternalServerError: GraphqlWsCloseCode.InternalServerError,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** WebSocket `readyState` values (the same in `ws` and browsers). */
export const ReadyState = { Connecting: 0, Open: 1, Closing: 2, Closed: 3 } as const;
