/**
 * Subscriptions over GraphQL over SSE: Yoga's built-in "distinct connections" mode of the
 * graphql-sse protocol. A `POST /graphql` with `Accept: text/event-stream` is answered with one
 * event stream per subscription (`event: next` per message, `event: complete` at the end, a `:`
 * comment first and every 12 s as keep-alive so proxies do not cut idle streams).
 *
 * Why distinct connections and not @graphql-yoga/plugin-graphql-sse's single connection mode:
 * single connection mode keeps a reservation (PUT, then a stream token) in one instance's memory,
 * so every request of a client would have to reach that instance: sticky sessions, which the
 * multi-instance deployment does not require. A distinct stream is a plain request that any
 * instance serves from the log, like every other request. Its cost is one HTTP/1.1 connection
 * per subscription (the dashboard holds two; browsers allow six per host, HTTP/2 lifts it).
 *
 * Auth, visibility and resume are those of every HTTP request (the Bearer header in yoga.ts's
 * context, the per-viewer feed filters of the services, `after:`). This plugin adds what a
 * long-lived HTTP response needs and a short one does not:
 * - the end of a request ends its subscription at once: the request's abort signal goes to the
 *   executor, which returns the source iterator (its FeedCursor) when the client goes away.
 *   Without it nothing would read the closed response again and the cursor would leak;
 * - a stream ends when its token expires, with one UNAUTHENTICATED error (graphql-ws closes the
 *   socket with 4403 at that moment; a token must not outlive itself on either transport);
 * - `X-Accel-Buffering: no` so nginx-style proxies pass each event on at once instead of
 *   buffering the response (Yoga already sends `Cache-Control: no-cache` and no compression).
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { decodeJwt } from 'jose';
import type { GraphQLContext } from '../../schema/context.js';
import { ErrorCode } from '../../shared/codes.js';
import { Auth } from '../auth.js';
import type { Metrics } from '../metrics.js';

// Timers fire at once above 2^31-1 ms (~24.8 days): a token that long-lived is checked again
// only when the client reconnects.
const MAX_TIMER = 2 ** 31 - 1;

/** Epoch ms when the request's (already verified) Bearer token expires, or null. */
function tokenExpiry(request: Request): number | null {
  const token = Auth.bearer(request.headers.get('authorization'));
  if (!token) return null;
  const { exp } = decodeJwt(token);
  return typeof exp === 'number' ? exp * 1000 : null;
}

/**
 * An abort signal that fires when the token expires (never for a token without `exp` or one
 * valid for longer than a timer can wait); `clear()` drops its timer when the stream ends.
 */
function expirySignal(expiresAt: number | null): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const remaining = expiresAt === null ? Infinity : expiresAt - Date.now();
  const timer = remaining <= MAX_TIMER ? setTimeout(() => controller.abort(), Math.max(0, remaining)) : undefined;
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** The results, then one UNAUTHENTICATED error if they ended because the token expired. */
async function* untilExpiry(
  results: AsyncIterable<ExecutionResult>,
  expiry: { signal: AbortSignal; clear: () => void },
  metrics: Metrics,
): AsyncGenerator<ExecutionResult> {
  metrics.subscriptions.inc();
  try {
    yield* results;
    if (expiry.signal.aborted) {
      metrics.error(ErrorCode.UNAUTHENTICATED);
      yield { errors: [new GraphQLError('Token has expired', { extensions: { code: ErrorCode.UNAUTHENTICATED } })] };
    }
  } finally {
    expiry.clear();
    metrics.subscriptions.dec();
  }
}

export function useSseSubscriptions(deps: { metrics: Metrics }): Plugin<GraphQLContext> {
  return {
    onSubscribe({ args }) {
      const { request } = args.contextValue as GraphQLContext & { request?: Request };
      // WebSocket operations carry no request (ws.ts ends them with the socket).
      if (args.contextValue.transport !== 'http' || !request) return;
      const expiry = expirySignal(tokenExpiry(request));
      // Not Yoga's useExecutionCancellation: that also cancels queries and mutations, which this
      // transport does not need; only a subscription outlives its request's normal end.
      (args as { signal?: AbortSignal }).signal = AbortSignal.any([request.signal, expiry.signal]);
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(untilExpiry(result, expiry, deps.metrics));
          else expiry.clear(); // refused (errors): nothing to end later
        },
      };
    },
    onResponse({ response }) {
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        response.headers.set('x-accel-buffering', 'no');
      }
    },
  };
}
