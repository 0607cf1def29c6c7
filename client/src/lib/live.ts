/**
 * The dashboard's live transport: subscriptions over graphql-ws, or over GraphQL over SSE when
 * WebSocket upgrades are blocked; and the connection status the header shows.
 *
 * Fallback policy. Some proxies and corporate networks refuse WebSocket upgrades while plain
 * HTTP, long streamed responses included, gets through. In a browser a refused upgrade looks
 * exactly like a server that is down (close 1006, never opened, no detail), so HTTP decides:
 * after WS_FAILURES sockets in a row closed before `connection_ack`, one `GET /healthz`. If it
 * answers and a socket opened after that answer fails too, the server is up and only the
 * upgrade fails: every subscription moves to SSE, restarting from the last cursor it saw. (A
 * socket that failed before the answer may have met a server still starting.) If it does not
 * answer, the server is down: stay on WebSocket and keep retrying (SSE would fail the same
 * way), asking HTTP again at each failure. On SSE a WebSocket is tried again
 * every WS_PROBE_MS, quietly; once one is acknowledged the subscriptions move back, because a
 * socket is cheaper for the server (one connection per tab, the fan-out engine).
 */
import type { Client as WsClient, Sink } from 'graphql-ws';
import { connection, type ConnectionSnapshot, type TransportKind } from './connection';
import { createSseClient, sseTransport } from './sse';
import type { LiveTransport, Payload, Result } from './transport';
import { createWsClient, isFatalClose, wsTransport } from './ws';

/** Consecutive WebSocket attempts closed before `connection_ack` that make us ask HTTP. */
export const WS_FAILURES = 3;
/** How often a WebSocket is tried again while on SSE. */
export const WS_PROBE_MS = 60_000;

export interface Live extends LiveTransport {
  dispose(): void;
}

interface Entry {
  payload: () => Payload;
  sink: Sink<Result>;
  stop: () => void;
}

interface Ws {
  client: WsClient;
  transport: LiveTransport;
}

export function createLive(options: { wsUrl: string; token: string; onFatal: (reason: string) => void }): Live {
  const entries = new Set<Entry>();
  let disposed = false;
  let mode: TransportKind = 'ws';
  /** The WebSocket in use (mode 'ws') or being probed (mode 'sse'; null between probes). */
  let ws: Ws | null = null;
  let wsOpen = false;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When an HTTP check that answered began (null: none since the last ack or socket). */
  let httpUpAt: number | null = null;
  let checking = false;

  // Status is app-wide: a disposed session's last events must not overwrite it.
  const report = (patch: Partial<ConnectionSnapshot>) => {
    if (!disposed) connection.update(patch);
  };
  const fatal = (reason: string) => {
    report({ state: 'offline', lastCloseReason: reason, failures: connection.get().failures + 1 });
    options.onFatal(reason);
  };
  const offline = () => typeof navigator !== 'undefined' && !navigator.onLine;

  const sseClient = createSseClient(options.token, () => {
    if (mode === 'sse') connection.synced();
  });
  const sse = sseTransport(sseClient, {
    live: () => {
      if (mode === 'sse') report({ state: 'live', failures: 0, lastSyncAt: Date.now(), lastCloseReason: null });
    },
    dropped: (reason) => {
      if (mode === 'sse') report({ state: offline() ? 'offline' : 'reconnecting', lastCloseReason: reason, failures: connection.get().failures + 1 });
    },
    fatal,
  });

  const current = (): LiveTransport => (mode === 'ws' && ws ? ws.transport : sse);

  /** Move every running subscription to the other transport; each resumes from its cursor. */
  function use(next: TransportKind): void {
    for (const entry of entries) entry.stop();
    mode = next;
    for (const entry of entries) entry.stop = current().subscribe(entry.payload, entry.sink);
  }

  function dropWs(): void {
    const old = ws;
    ws = null;
    wsOpen = false;
    httpUpAt = null;
    // graphql-ws's dispose waits for an attempt in progress and rejects with its close event when
    // that attempt fails, which is how a blocked socket ends: expected, so only noted.
    old?.client.dispose()?.catch((event: unknown) => console.debug('WebSocket closed while connecting', event));
  }

  function scheduleProbe(): void {
    clearTimeout(probeTimer);
    probeTimer = setTimeout(() => {
      if (!disposed && mode === 'sse' && !ws) ws = openWs();
    }, WS_PROBE_MS);
  }

  /** The socket keeps failing before its ack: is the server up? (See the policy above.) */
  async function checkHttp(self: Ws): Promise<void> {
    if (checking) return;
    checking = true;
    const startedAt = Date.now();
    try {
      // A rejected fetch is the answer "unreachable", not an error to report.
      const reachable = await fetch('/healthz', { cache: 'no-store' }).then((r) => r.ok, () => false);
      if (ws === self) httpUpAt = reachable ? startedAt : null;
    } finally {
      checking = false;
    }
  }

  function fallBack(): void {
    report({ transport: 'sse', state: 'connecting', failures: 0, lastCloseReason: null });
    use('sse');
    dropWs();
    if (entries.size === 0) report({ state: 'live', lastSyncAt: Date.now() });
    scheduleProbe();
  }

  function openWs(): Ws {
    const client = createWsClient({ url: options.wsUrl, token: options.token });
    const self: Ws = { client, transport: wsTransport(client) };
    let acked = false; // this attempt got its connection_ack
    let attemptAt = Date.now(); // when this attempt began (the first begins in createClient)
    let failures = 0; // attempts in a row that closed before their ack
    let everConnected = false;
    const ours = () => !disposed && ws === self;
    self.client.on('connecting', () => {
      acked = false;
      attemptAt = Date.now();
      if (ours() && mode === 'ws') report({ state: everConnected ? 'reconnecting' : 'connecting' });
    });
    self.client.on('connected', () => {
      if (!ours()) return;
      acked = true;
      failures = 0;
      httpUpAt = null;
      everConnected = true;
      wsOpen = true;
      if (mode === 'sse') {
        clearTimeout(probeTimer);
        use('ws'); // the probe got through
      }
      report({ state: 'live', transport: 'ws', failures: 0, lastSyncAt: Date.now(), lastCloseReason: null });
    });
    const synced = () => {
      if (ours() && mode === 'ws') connection.synced();
    };
    self.client.on('message', synced);
    self.client.on('pong', synced);
    self.client.on('closed', (event) => {
      if (!ours()) return;
      wsOpen = false;
      const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
      const why = reason || (code ? `closed (${code})` : 'server unreachable');
      if (typeof code === 'number' && isFatalClose(code)) return fatal(why);
      failures = acked ? 0 : failures + 1;
      if (mode === 'sse') {
        // A probe that did not get through: stay on SSE, try again later.
        dropWs();
        return scheduleProbe();
      }
      report({ state: offline() ? 'offline' : 'reconnecting', lastCloseReason: why, failures: connection.get().failures + 1 });
      if (failures < WS_FAILURES) return;
      if (httpUpAt !== null && attemptAt > httpUpAt) return fallBack();
      void checkHttp(self);
    });
    return self;
  }

  // The browser knows it lost the network before the sockets do: say so at once.
  const goneOffline = () => report({ state: 'offline', lastCloseReason: 'the browser is offline' });
  // Back online: streams that survived the blip are live again; otherwise the retries are on it.
  const backOnline = () => report({ state: (mode === 'ws' ? wsOpen : sse.up) ? 'live' : 'reconnecting' });
  window.addEventListener('offline', goneOffline);
  window.addEventListener('online', backOnline);

  report({ transport: 'ws' });
  ws = openWs();

  return {
    subscribe(payload, sink) {
      const entry: Entry = { payload, sink, stop: () => {} };
      entry.stop = current().subscribe(payload, sink);
      entries.add(entry);
      return () => {
        entries.delete(entry);
        entry.stop();
      };
    },
    dispose() {
      for (const entry of entries) entry.stop();
      entries.clear();
      disposed = true;
      clearTimeout(probeTimer);
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
      dropWs();
      sseClient.dispose();
    },
  };
}
