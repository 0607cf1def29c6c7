/**
 * graphql-ws's protocol (`makeServer`) bound to a `ws` server, built for many idle connections.
 *
 * graphql-ws ships `use/ws` as "a basic starter, feel free to copy the code over and adjust it".
 * Per socket, it keeps the upgrade request (headers, raw headers, parser state) for the socket's
 * whole life, a keep-alive interval, and on every ping a fresh pong timer and pong listener.
 * At 15,000 connections that is a good part of the per-connection memory (issue 6 target:
 * ≤ 12 KB). This adapter keeps the protocol exactly as graphql-ws implements it and changes only
 * the bookkeeping around the socket:
 * - the request is not kept (the origin check and everything else that needs it ran at upgrade);
 * - one sweep timer serves every socket: keep-alive pings (a socket that has not answered the
 *   previous ping is terminated, the pattern the `ws` README recommends) and deadlines such as
 *   token expiry (`closeAt`), checked every second;
 * - listeners shared by all sockets where no per-socket state is needed;
 * - the connection-init timer is dropped as soon as `connection_init` arrives.
 */
import { handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '../../shared/codes.js';
import { SLOW_CONSUMER_CLOSE, SLOW_CONSUMER_REASON } from './fanout.js';
import { finished, receive, type InboxState } from './ws-inbox.js';

/** What graphql-ws hooks find in `ctx.extra`. */
export interface SocketExtra {
  readonly socket: WebSocket;
}

export interface AdapterOptions {
  /** Ping every this often; a socket that missed the previous pong is terminated. 0 disables. */
  keepAliveMs: number;
  /** Close with 4408 when `connection_init` has not arrived this long after opening. */
  initTimeoutMs: number;
  /**
   * A message for a socket with more than this queued closes it with 1013 instead (the peer has
   * stopped reading). The fan-out engine applies the same bound to grouped subscriptions; this
   * one covers everything else graphql-ws sends: query results, dashboardCounts, errors, pongs.
   */
  maxBufferedBytes: number;
  logger: Logger;
}

interface SocketState extends InboxState {
  /** graphql-ws's message handler for this socket. */
  handle: ((text: string) => Promise<void>) | null;
  /** Answered the last ping (or has not been pinged yet). */
  alive: boolean;
  /** Close at this time (ms since epoch), e.g. when its token expires. */
  closeAt: number;
  closeCode: number;
  closeReason: string;
  initTimer: NodeJS.Timeout | null;
}

/** How often deadlines (closeAt) are checked. */
const SWEEP_MS = 1000;

export function serveGraphqlWs<E extends Record<PropertyKey, unknown>>(
  wss: WebSocketServer,
  options: ServerOptions<Record<string, unknown> | undefined, SocketExtra & E>,
  adapter: AdapterOptions,
) {
  const states = new Map<WebSocket, SocketState>();
  const server = makeServer<Record<string, unknown> | undefined, SocketExtra & E>({
    ...options,
    connectionInitWaitTimeout: 0, // ours, below: graphql-ws's timer would live as long as the socket
    onConnect: (ctx) => {
      const state = states.get(ctx.extra.socket);
      if (state?.initTimer) clearTimeout(state.initTimer);
      if (state) state.initTimer = null;
      if (state) state.running = ctx;
      return options.onConnect?.(ctx);
    },
    // graphql-ws is done with an operation: the inbox may let on what waited for its id.
    onSubscribe: async (ctx, id, payload) => {
      const result = await options.onSubscribe?.(ctx, id, payload);
      if (Array.isArray(result)) settle(ctx.extra.socket, id); // errors end it without onComplete
      return result;
    },
    onComplete: (ctx, id, payload) => {
      settle(ctx.extra.socket, id);
      return options.onComplete?.(ctx, id, payload);
    },
  });

  function settle(socket: WebSocket, id: string): void {
    const state = states.get(socket);
    if (state?.finishing) finished(state, id, deliver);
  }

  /** Hand a message to graphql-ws; it rejects only on a failure of ours (a hook threw). */
  function deliver(state: SocketState, text: string): void {
    state.handle?.(text).catch((error: unknown) => {
      adapter.logger.error({ err: error }, 'graphql-ws message handling failed');
      state.socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }
  wss.options.handleProtocols = handleProtocols;

  function onPong(this: WebSocket) {
    const state = states.get(this);
    if (state) state.alive = true;
  }
  function onSocketError(this: WebSocket, error: Error) {
    adapter.logger.warn({ err: error }, 'WebSocket error');
    this.close(CloseCode.InternalServerError, 'Internal server error');
  }

  wss.on('connection', (socket: WebSocket) => {
    const state: SocketState = {
      socket,
      handle: null,
      running: null,
      finishing: null,
      alive: true,
      closeAt: Infinity,
      closeCode: 0,
      closeReason: '',
      initTimer: null,
    };
    states.set(socket, state);
    if (adapter.initTimeoutMs > 0) {
      state.initTimer = setTimeout(() => {
        state.initTimer = null;
        socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
      }, adapter.initTimeoutMs);
    }
    socket.on('pong', onPong);
    socket.once('error', onSocketError);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            // graphql-ws awaits each send of one operation, but runs operations concurrently: a
            // peer that stops reading and keeps sending queries would have every result queued
            // here (tests/reliability/slow-consumer.test.ts: 300 small queries held 120 MB).
            if (socket.bufferedAmount > adapter.maxBufferedBytes) {
              socket.close(SLOW_CONSUMER_CLOSE, SLOW_CONSUMER_REASON);
              return resolve();
            }
            // A failed write means the peer is gone (EPIPE, ECONNRESET): the socket's 'error'
            // closes it and graphql-ws ends its operations on close. Rejecting would make
            // graphql-ws report the write as the operation's own error, masked and counted as an
            // unexpected one (tests/reliability/flood.test.ts).
            socket.send(data, () => resolve());
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) => {
          state.handle = cb;
          // Two protocol rules graphql-ws misses are kept before it sees a message (ws-inbox.ts).
          socket.on('message', (data: Buffer) => receive(state, String(data), deliver));
        },
      },
      { socket } as SocketExtra & E,
    );
    socket.once('close', (code: number, reason: Buffer) => {
      if (state.initTimer) clearTimeout(state.initTimer);
      states.delete(socket);
      void closed(code, String(reason));
    });
  });

  // One timer for every socket: deadlines every second, keep-alive pings every keepAliveMs.
  let sinceKeepAlive = 0;
  const sweep = setInterval(() => {
    const now = Date.now();
    sinceKeepAlive += SWEEP_MS;
    const ping = adapter.keepAliveMs > 0 && sinceKeepAlive >= adapter.keepAliveMs;
    if (ping) sinceKeepAlive = 0;
    for (const [socket, state] of states) {
      if (socket.readyState !== socket.OPEN) continue;
      if (now >= state.closeAt) {
        socket.close(state.closeCode, state.closeReason);
      } else if (ping) {
        if (!state.alive) {
          socket.terminate(); // no pong for a whole interval: the peer is gone
          continue;
        }
        state.alive = false;
        socket.ping();
      }
    }
  }, SWEEP_MS);
  sweep.unref();

  return {
    /** Close the socket with this code at `at` (checked every second). */
    closeAt(socket: WebSocket, at: number, code: number, reason: string): void {
      const state = states.get(socket);
      if (!state) return;
      state.closeAt = at;
      state.closeCode = code;
      state.closeReason = reason;
    },
    async dispose(): Promise<void> {
      clearInterval(sweep);
      for (const socket of states.keys()) socket.close(CloseCode.GoingAway, 'Going away');
    },
  };
}
