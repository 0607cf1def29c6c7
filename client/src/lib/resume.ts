/**
 * Resume-aware forwarding of urql subscriptions to the live transport (lib/live.ts).
 *
 * Every subscription whose variables have an `after` key remembers the cursor of the last
 * message it received; whenever the transport re-establishes the stream (a reconnect, or a
 * switch between WebSocket and SSE) it asks for the payload again and gets that cursor, so the
 * server sends exactly the missed events, then live.
 *
 * A cursor older than what the server keeps (retention archived the events after it) is
 * answered CURSOR_EXPIRED, and would be again at every reconnect: the stream is stopped, never
 * retried with it. One that began without a cursor (dashboard counts, a task's whole timeline)
 * reads its own state again when started again, so it is started again at once from its first
 * variables. One that began from a cursor of its own gets the error: its owner re-reads the
 * state the cursor came from and subscribes again from the new one (lib/live-list.ts).
 */
import type { SubscriptionForwarder } from 'urql';
import { ErrorCode } from '../../../src/shared/codes';
import type { LiveTransport, Result } from './transport';

/** The `cursor` of a subscription message (`{ taskUpdated: { cursor } }`), if it has one. */
export function cursorOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const first = Object.values(data)[0] as { cursor?: unknown } | undefined;
  return first && typeof first.cursor === 'string' ? first.cursor : null;
}

/** Errors as they come off the wire, or an urql CombinedError's `graphQLErrors`. */
type Errors = readonly { extensions?: Record<string, unknown> | null }[] | null | undefined;

/** Whether the server said the cursor is older than the history it keeps. */
export function cursorExpired(errors: Errors): boolean {
  return (errors ?? []).some((e) => e.extensions?.code === ErrorCode.CURSOR_EXPIRED);
}

export function resumingForwarder(live: LiveTransport): SubscriptionForwarder {
  return (request) => ({
    subscribe(sink) {
      const variables = request.variables ?? {};
      const resumable = 'after' in variables;
      const first = (variables as { after?: string | null }).after ?? null;
      let after = first;
      let stop: (() => void) | null = null;
      /** Data since the stream last (re)started: a restart that expires again at once is not retried. */
      let delivered = false;
      const start = () => {
        delivered = false;
        stop = live.subscribe(
          () => ({ query: request.query ?? '', variables: resumable ? { ...variables, after } : variables }),
          {
            next: (result: Result) => {
              if (cursorExpired(result.errors)) return expired(result);
              const cursor = resumable ? cursorOf(result.data) : null;
              if (cursor) after = cursor;
              if (result.data) delivered = true;
              sink.next(result as never);
            },
            error: (error) => sink.error(error),
            complete: () => {},
          },
        );
      };
      const expired = (result: Result) => {
        stop?.();
        stop = null;
        if (first === null && delivered) {
          after = null;
          return start();
        }
        sink.next(result as never);
        sink.complete();
      };
      start();
      return {
        unsubscribe: () => {
          stop?.();
          stop = null;
        },
      };
    },
  });
}
