/**
 * The graphql-ws client: authentication, the retry policy, and connection status.
 */
import { CloseCode, createClient, type Client } from 'graphql-ws';
import { connection } from './connection';

/**
 * Which closes are final. A server that refused our token (4403) or our messages (4400, 1009)
 * will refuse them again, so retrying is pointless: the user must sign in again. Everything else
 * (1001 server restarting, 1006 network drop, 4408 slow init, 1011 server error, refused TCP)
 * is transient: retry, forever, with randomised exponential backoff so a restarted server is not
 * hit by every browser at the same instant.
 */
export function isFatalClose(code: number): boolean {
  return code === CloseCode.Forbidden || code === CloseCode.BadRequest || code === 1009;
}

/** 300 ms, 600 ms, 1.2 s … capped at 5 s, each with up to 50 % random jitter. */
export function retryDelay(attempt: number): number {
  const base = Math.min(5000, 300 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export function createWsClient(options: { url: string; token: string; onFatal: (reason: string) => void }): Client {
  let everConnected = false;
  // Status is app-wide: a disposed client's last `closed` event must not overwrite it.
  let disposed = false;
  let open = false;
  const client = createClient({
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
      // Reported through the `closed` listener below.
    },
    on: {
      connecting: () => connection.update({ state: everConnected ? 'reconnecting' : 'connecting' }),
      connected: () => {
        everConnected = true;
        open = true;
        connection.update({ state: 'live', failures: 0, lastSyncAt: Date.now(), lastCloseReason: null });
      },
      message: () => connection.synced(),
      pong: () => connection.synced(),
      closed: (event) => {
        open = false;
        if (disposed) return;
        const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
        const failures = connection.get().failures + 1;
        const why = reason || (code ? `closed (${code})` : 'server unreachable');
        if (typeof code === 'number' && isFatalClose(code)) {
          connection.update({ state: 'offline', lastCloseReason: why, failures });
          options.onFatal(why);
          return;
        }
        const offline = typeof navigator !== 'undefined' && !navigator.onLine;
        connection.update({ state: offline ? 'offline' : 'reconnecting', lastCloseReason: why, failures });
      },
    },
  });
  // The browser knows it lost the network before the socket does: say so at once.
  const goneOffline = () => connection.update({ state: 'offline', lastCloseReason: 'the browser is offline' });
  // Back online: a socket that survived the blip is live again; otherwise the retry loop is on it.
  const backOnline = () => connection.update({ state: open ? 'live' : 'reconnecting' });
  window.addEventListener('offline', goneOffline);
  window.addEventListener('online', backOnline);
  return {
    ...client,
    dispose: () => {
      disposed = true;
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
      return client.dispose();
    },
  };
}
