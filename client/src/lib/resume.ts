/**
 * Resume-aware forwarding of urql subscriptions to graphql-ws.
 *
 * graphql-ws re-sends a subscription's original payload after it reconnects, so a subscription
 * started with `after: "120"` would replay from 120 again, and one started without a cursor would
 * silently skip whatever happened while the socket was down. Instead, every subscription whose
 * variables have an `after` key remembers the cursor of the last message it received; when the
 * socket closes we drop the inner subscription, and when it is connected again we start it anew
 * from that cursor. The server sends exactly the missed events, then live.
 */
import type { Client as WsClient, ExecutionResult } from 'graphql-ws';
import type { SubscriptionForwarder } from 'urql';

/** The `cursor` of a subscription message (`{ taskUpdated: { cursor } }`), if it has one. */
export function cursorOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const first = Object.values(data)[0] as { cursor?: unknown } | undefined;
  return first && typeof first.cursor === 'string' ? first.cursor : null;
}

export function resumingForwarder(ws: () => WsClient): SubscriptionForwarder {
  return (request) => ({
    subscribe(sink) {
      const client = ws();
      const variables = request.variables ?? {};
      const resumable = 'after' in variables;
      let after = (variables as { after?: string | null }).after ?? null;
      let stop: (() => void) | null = null;

      const start = () => {
        stop = client.subscribe(
          { query: request.query ?? '', variables: resumable ? { ...variables, after } : variables },
          {
            next: (result: ExecutionResult) => {
              const cursor = resumable ? cursorOf(result.data) : null;
              if (cursor) after = cursor;
              sink.next(result as never);
            },
            error: (error) => sink.error(error),
            // Completion we caused ourselves (on close) is not the end of the user's subscription.
            complete: () => {},
          },
        );
      };
      start();
      const offClosed = client.on('closed', () => {
        stop?.();
        stop = null;
      });
      const offConnected = client.on('connected', () => {
        if (!stop) start();
      });
      return {
        unsubscribe() {
          offClosed();
          offConnected();
          stop?.();
          stop = null;
        },
      };
    },
  });
}
