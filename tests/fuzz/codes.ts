/**
 * The error codes clients may see, as the README documents them (tests/fuzz/codes.test.ts keeps
 * this list and the README's in step, tests/server/codes.test.ts this list and the ErrorCode enum
 * of src/shared/codes.ts). Literals on purpose: the wire values. A fuzz answer with any other
 * code is a defect.
 */
export const DOCUMENTED_CODES = new Set([
  // Operation tier (src/errors.ts, src/server/client-errors.ts).
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'INVALID_TRANSITION',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'QUERY_LIMIT_EXCEEDED',
  'SUBSCRIPTION_LIMIT_EXCEEDED',
  'CURSOR_EXPIRED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'SERVICE_UNAVAILABLE',
  // Request tier: the HTTP request itself is refused before any operation runs.
  'BAD_REQUEST',
  'LENGTH_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_ACCEPTABLE',
  'CSRF_PREVENTED',
  // Unexpected: documented, and never acceptable in a fuzz answer.
  'INTERNAL_SERVER_ERROR',
]);
