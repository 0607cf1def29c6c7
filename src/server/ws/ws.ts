/**
 * graphql-ws on `ws`, at the same `/graphql` path as HTTP.
 *
 * - The upgrade is refused (403) for browser origins that are neither same-origin nor listed in
 *   ALLOWED_ORIGINS (cross-site WebSocket hijacking).
 * - `connection_init` must carry `authorization: "Bearer <jwt>"`; otherwise 4403 Forbidden.
 *   A token that expires while the socket is open closes it with 4403 at that moment.
 * - Messages larger than WS_MAX_PAYLOAD_BYTES close the socket with 1009 (ws `maxPayload`).
 * - A connection runs at most WS_MAX_SUBSCRIPTIONS operations at once; a `subscribe` beyond that
 *   gets an `error` message with SUBSCRIPTION_LIMIT_EXCEEDED (see `tooManyOperations`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, getOperationAST, type ExecutionArgs } from 'graphql';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { DomainError } from '../../errors.js';
import { CloseCode, ErrorCode } from '../../shared/codes.js';
import type { GraphQLContext } from '../../schema/context.js';
import type { Viewer } from '../../store/types.js';
import { Auth } from '../auth.js';
import type { Metrics } from '../metrics.js';
import type { FanoutEngine } from './fanout.js';
import { passedToFanout, type FanoutRouted } from '../plugins/use-fanout-route.js';
import { originAllowed } from '../plugins/use-csrf.js';
import { serveGraphqlWs } from './ws-adapter.js';
import { withCodes } from '../plugins/use-error-codes.js';
import type { ConveyorYoga, WsInitialContext } from '../yoga.js';

export interface WsDeps {
  yoga: ConveyorYoga;
  /** Serves grouped subscriptions (taskUpdated, timeline, agentUpdated). */
  fanout: FanoutEngine;
  auth: Auth;
  metrics: Metrics;
  logger: Logger;
  allowedOrigins: string[];
  maxPayloadBytes: number;
  initTimeoutMs: number;
  /** A socket with more than this queued is closed with 1013 (its peer stopped reading). */
  maxBufferedBytes: number;
  /** Operations (subscriptions, and queries still running) one connection may have at once. */
  maxSubscriptions: number;
  /** @default 12000 */
  keepAliveMs?: number;
  /**
   * What a client is told for an error graphql-ws reports itself: one thrown while a stream was
   * read (a store read failing mid-stream: CURSOR_EXPIRED, SERVICE_UNAVAILABLE), which graphql-ws
   * would send with the raw message and no code. client-errors.ts `toClientError`.
   */
  mask: (error: unknown) => GraphQLError;
}

interface ConnectionExtra {
  viewer?: Viewer;
  /** Ids of this socket's running subscriptions, for the gauge. */
  subscriptionIds?: Set<string>;
  [key: PropertyKey]: unknown;
}

/** Same-origin, or listed (the rule HTTP's CORS uses too). Requests without Origin come from non-browser clients. */
export function upgradeOriginAllowed(request: IncomingMessage, allowed: string[]): boolean {
  const origin = request.headers.origin;
  return !origin || originAllowed(origin, request.headers.host ?? null, allowed);
}

/**
 * The token was refused (missing, malformed, bad signature, expired): graphql-ws answers 4403
 * Forbidden. Anything else thrown while checking it is unexpected and must not look like that.
 */
function refusedToken(error: unknown): boolean {
  return error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED;
}

/** RFC 6455 "going away": the server is shutting down; clients should reconnect. */
export const GOING_AWAY = CloseCode.GoingAway;

/**
 * Whether a connection already runs `limit` operations besides the one being subscribed.
 * graphql-ws registers an id (synchronously, before `onSubscribe`) for as long as its operation
 * runs, so counting its registry is exact even for a burst of frames none of which has started.
 */
function overLimit(subscriptions: Record<string, unknown>, limit: number): boolean {
  let running = 0;
  for (const _id in subscriptions) if (++running > limit) return true;
  return false;
}

/**
 * The refusal of a `subscribe` beyond the limit: an `error` message for that operation only.
 * Not a close code: graphql-ws clients hand an operation's error to that subscription's sink and
 * keep the socket, so the subscriptions already running go on; a close would end them all, and
 * the client would reconnect and resubscribe the same too-many set, again and again.
 */
function tooManyOperations(limit: number): GraphQLError {
  return new GraphQLError(
    `This connection already runs ${limit} operations (WS_MAX_SUBSCRIPTIONS): complete one before subscribing again, or use another connection`,
    { extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, limit } },
  );
}

export function attachWebSockets(deps: WsDeps) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: deps.maxPayloadBytes,
    perMessageDeflate: false,
  });

  const transport = serveGraphqlWs<ConnectionExtra>(
    wss,
    {
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => never }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => never }).subscribe(args),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = params.authorization ?? params.Authorization;
        let token: string | null;
        try {
          token = Auth.bearer(raw);
        } catch (error) {
          if (refusedToken(error)) return false;
          throw error;
        }
        if (!token) return false;
        try {
          const { viewer, expiresAt } = await deps.auth.verify(token);
          // Closed while the token was checked: graphql-ws calls onDisconnect only for sockets it
          // acknowledged, so counting this one would leave it in the gauge for good.
          if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
          ctx.extra.viewer = viewer;
          if (expiresAt !== null) transport.closeAt(ctx.extra.socket, expiresAt, CloseCode.Forbidden, 'Token expired');
        } catch (error) {
          if (refusedToken(error)) return false;
          // Not the token's fault (a bug, a failing key read): rejected, graphql-ws's handler
          // fails and the adapter logs it and closes with 4500 (ws-adapter.ts `deliver`).
          throw new Error('connection_init: checking the token failed unexpectedly', { cause: error });
        }
        // The token is verified and not needed again: do not keep it for the socket's lifetime.
        delete (ctx as { connectionParams?: unknown }).connectionParams;
        deps.metrics.connections.inc();
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const viewer = ctx.extra.viewer;
        if (!viewer) return; // not reachable: graphql-ws only subscribes acknowledged sockets
        // The message is kept for the subscription's life (graphql-ws, and the grouped target):
        // its text, the same for thousands of dashboards, once.
        (payload as { query: string }).query = internedText(payload.query);
        if (overLimit(ctx.subscriptions, deps.maxSubscriptions)) return [tooManyOperations(deps.maxSubscriptions)];
        const initial: WsInitialContext = { wsViewer: viewer };
        const { schema, execute, subscribe, contextFactory, parse, validate } = deps.yoga.getEnveloped({
          ...initial,
          params: payload,
        } as never);
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return withCodes([error as GraphQLError]);
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return withCodes(errors);
        // graphql-ws would send its own error for these, without a code: Yoga's, as over HTTP.
        if (!getOperationAST(document, payload.operationName)) {
          return [new GraphQLError('Could not determine what operation to execute.', { extensions: { code: ErrorCode.OPERATION_RESOLUTION_FAILURE } })];
        }
        const context = await contextFactory();
        // `extensions: { fanout: false }` runs a groupable subscription the ordinary way: the
        // grouped path is an optimisation and must answer the same (tests/e2e/differential.test.ts
        // compares them), and operators can rule it out while diagnosing.
        const optedOut = (payload.extensions as { fanout?: unknown } | undefined)?.fanout === false;
        if (!optedOut && deps.fanout.serves(document, payload.operationName)) {
          // Grouped: through envelop's subscribe like every operation (every plugin sees it
          // and may refuse it), which useFanoutRoute ends with a pass token (plugins/use-fanout-route.ts);
          // then the engine writes this subscription's frames itself. The context keeps only
          // what its resolvers read, not Yoga's whole operation context.
          const target = { socket: ctx.extra.socket, id, query: payload.query };
          const routed: GraphQLContext & FanoutRouted = {
            viewer: context.viewer,
            services: context.services,
            auth: context.auth,
            transport: 'ws',
            fanout: true,
          };
          const grouped: ExecutionArgs = {
            schema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue: routed,
            rootValue: {
              subscribe: async (a: ExecutionArgs) => {
                const gate: unknown = await subscribe(a);
                return passedToFanout(gate) ? deps.fanout.subscribe(target, a) : gate;
              },
            },
          };
          return grouped;
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: context,
          rootValue: { execute, subscribe },
        };
        return args;
      },
      onNext: () => {
        deps.metrics.messageSent();
      },
      // Errors refused before execution already carry their code; the rest are masked in tiers.
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => (e.extensions?.code ? e : deps.mask(e)).toJSON()),
      onOperation: (ctx, id, _payload, args) => {
        const op = getOperationAST(args.document, args.operationName);
        if (op?.operation !== 'subscription') return;
        (ctx.extra.subscriptionIds ??= new Set()).add(id);
        deps.metrics.subscriptions.inc();
      },
      onComplete: (ctx, id) => {
        if (ctx.extra.subscriptionIds?.delete(id)) deps.metrics.subscriptions.dec();
      },
      onDisconnect: () => {
        deps.metrics.connections.dec();
      },
    },
    {
      keepAliveMs: deps.keepAliveMs ?? 12_000,
      initTimeoutMs: deps.initTimeoutMs,
      maxBufferedBytes: deps.maxBufferedBytes,
      logger: deps.logger,
    },
  );

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path !== '/graphql') return reject(404, 'Not Found');
    if (!upgradeOriginAllowed(request, deps.allowedOrigins)) {
      deps.logger.warn({ origin: request.headers.origin }, 'refused WebSocket upgrade from origin');
      return reject(403, 'Forbidden');
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  }

  /** Close every socket with 1001 Going Away: clients reconnect (elsewhere) and resume by cursor. */
  async function close(code = GOING_AWAY, reason = 'Server shutting down'): Promise<void> {
    for (const client of wss.clients) client.close(code, reason);
    await transport.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return { wss, handleUpgrade, close };
}

/**
 * One string per distinct operation text. Each message's JSON parse makes its own copy of the
 * query, which an idle subscription kept (~220 bytes each, bench/lib/idle-heap.ts). Bounded: past
 * TEXTS texts it starts again, which costs only the sharing.
 */
const texts = new Map<string, string>();
const TEXTS = 1000;
function internedText(text: string): string {
  const known = texts.get(text);
  if (known !== undefined) return known;
  if (texts.size >= TEXTS) texts.clear();
  texts.set(text, text);
  return text;
}
