/**
 * Resume-aware forwarding of urql subscriptions to the live transport (lib/live.ts).
 *
 * Every subscription whose variables have an `after` key remembers the cursor of the last
 * message it received; whenever the transport re-establishes the stream (a reconnect, or a
 * switch between WebSocket and SSE) it asks for the payload again and gets that cursor, so the
 * server sends exactly the missed events, then live.
 */
import type { SubscriptionForwarder } from 'urql';
import type { LiveTransport } from './transport';

/** The `cursor` of a subscription message (`{ taskUpdated: { cursor } }`), if it has one. */
export function cursorOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const first = Object.values(data)[0] as { cursor?: unknown } | undefined;
  return first && typeof first.cursor === 'string' ? first.cursor : null;
}

export function resumingForwarder(live: LiveTransport): SubscriptionForwarder {
  return (request) => ({
    subscribe(sink) {
      const variables = request.variables ?? {};
      const resumable = 'after' in variables;
      let after = (variables as { after?: string | null }).after ?? null;
      const unsubscribe = live.subscribe(
        () => ({ query: request.query ?? '', variables: resumable ? { ...variables, after } : variables }),
        {
          next: (result) => {
            const cursor = resumable ? cursorOf(result.data) : null;
            if (cursor) after = cursor;
            sink.next(result as never);
          },
          error: (error) => sink.error(error),
          complete: () => {},
        },
      );
      return { unsubscribe };
    },
  });
}
