/**
 * The graphql-ws client: authentication and the retry policy; and the transport adapter that
 * restarts each subscription from its latest cursor after a reconnect. Connection status is
 * reported by lib/live.ts, which listens to this client's events.
 */
import { createClient, type Client } from 'graphql-ws';
import { CloseCode } from '../../../src/shared/codes';
import type { LiveTransport } from './transport';

/**
 * Which closes are final. A server that refused our token (4403) or our messages (4400, 1009)
 * will refuse them again, so retrying is pointless: the user must sign in again. Everything else
 * (1001 server restarting, 1006 network drop, 4408 slow init, 1011 server error, refused TCP)
 * is transient: retry, forever, with randomised exponential backoff so a restarted server is not
 * hit by every browser at the same instant.
 */
export function isFatalClose(code: number): boolean {
  return code === CloseCode.Forbidden || code === CloseCode.BadRequest || code === CloseCode.MessageTooBig;
}

/** 300 ms, 600 ms, 1.2 s … capped at 5 s, each with up to 50 % random jitter. */
export function retryDelay(attempt: number): number {
  const base = Math.min(5000, 300 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export function createWsClient(options: { url: string; token: string }): Client {
  return createClient({
    url: options.url,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    connectionParams: { authorization: `Bearer ${options.token}` },
    shouldRetry: (event) => {
      const code = (event as CloseEvent | undefined)?.code;
      return typeof code !== 'number' || !isFatalClose(code);
    },
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, retryDelay(retries))),
    onNonLazyError: () => {
      // Reported through the `closed` listener (lib/live.ts).
    },
  });
}

/**
 * graphql-ws re-sends a subscription's original payload after it reconnects, so a subscription
 * started with `after: "120"` would replay from 120 again, and one started without a cursor would
 * silently skip whatever happened while the socket was down. Instead, when the socket closes we
 * drop the inner subscription, and when it is connected again we start it anew with `payload()`.
 */
export function wsTransport(client: Client): LiveTransport {
  return {
    subscribe(payload, sink) {
      let stop: (() => void) | null = null;
      const start = () => {
        stop = client.subscribe(payload(), {
          next: (result) => sink.next(result),
          error: (error) => sink.error(error),
          // Completion we caused ourselves (on close) is not the end of the user's subscription.
          complete: () => {},
        });
      };
      start();
      const offClosed = client.on('closed', () => {
        stop?.();
        stop = null;
      });
      const offConnected = client.on('connected', () => {
        if (!stop) start();
      });
      return () => {
        offClosed();
        offConnected();
        stop?.();
        stop = null;
      };
    },
  };
}
