/**
 * The Yoga instance: schema, context, error tiers and operation limits. Transport-agnostic;
 * HTTP wiring lives in app.ts and the WebSocket adapter in ws.ts.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, getOperationAST, type ValidationContext } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError, rateLimited } from '../errors.js';
import { ERROR_CODES, ErrorCode } from '../shared/codes.js';
import { StorageFaultError, StoreUnavailableError, type StorageFault } from '../store/types.js';
import type { GraphQLContext } from '../schema/context.js';
import { buildSchema } from '../schema/index.js';
import type { Services } from '../services/index.js';
import type { Viewer } from '../store/types.js';
import { Auth } from './auth.js';
import { corsFor, CSRF_MESSAGE, useCsrfPrevention, useUnsupportedMediaType } from './csrf.js';
import { documentCaches, useCompactValidationErrors } from './document-caches.js';
import { graphiqlOptions, renderGraphiQL, useGraphiQLAssets } from './graphiql.js';
import { useNestingLimit, useNotAcceptable, useParamsJsonErrors, useStorableText } from './input-guards.js';
import type { Metrics } from './metrics.js';
import { useFanoutRoute } from './fanout-route.js';
import { useSseSubscriptions } from './sse.js';

/** Extra initial context a WebSocket operation carries (authenticated once, at connection). */
export interface WsInitialContext {
  wsViewer: Viewer;
}

export interface YogaDeps {
  services: Services;
  auth: Auth;
  metrics: Metrics;
  logger: Logger;
  production: boolean;
  rateLimit: { mutations: number; windowMs: number };
  /** Cross-origin pages allowed to call the API (CORS); same-origin always is. @default [] */
  allowedOrigins?: string[];
  /** More envelop/Yoga plugins (tracing, audit…): they see every operation of every transport. */
  plugins?: Plugin[];
}

/** GraphQLError by shape: graphql can be loaded twice (CJS and ESM), so `instanceof` may lie. */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}

/** The error a resolver threw, under however many GraphQLError wrappers execution added. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (isGraphQLError(current) && current.originalError) current = current.originalError;
  return current;
}

/**
 * What a client is told when the data directory refuses a write. The same code as an unreachable
 * database (retry later, nothing was stored), with `extensions.storage` saying why.
 */
export const STORAGE_MESSAGES: Record<StorageFault, string> = {
  full: "The server's disk is full: nothing was stored. Try again once space is freed",
  'read-only': 'The server cannot write its data directory (read-only): nothing was stored. Try again later',
  'io-error': 'The server cannot write its data directory (I/O error): nothing was stored. Try again later',
};

/** Turn an operation-tier error into what clients see; mask everything unexpected. */
export function toClientError(error: unknown, logger: Logger, metrics: Metrics, production: boolean): GraphQLError {
  const original = rootCause(error);
  const located = isGraphQLError(error) ? error : undefined;
  if (original instanceof DomainError) {
    metrics.error(original.code);
    const status = ERROR_CODES[original.code].status;
    return new GraphQLError(original.message, {
      nodes: located?.nodes,
      path: located?.path,
      extensions: {
        code: original.code,
        ...original.details,
        // UNAUTHENTICATED answers 401, CONFLICT 409; the others the GraphQL-over-HTTP default.
        ...(status ? { http: { status } } : {}),
      },
    });
  }
  if (original instanceof StorageFaultError) {
    metrics.error(ErrorCode.SERVICE_UNAVAILABLE);
    logger.warn({ err: original.cause, storage: original.storage }, 'the data directory refused a write');
    return new GraphQLError(STORAGE_MESSAGES[original.storage], {
      path: located?.path,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, storage: original.storage, http: { status: ERROR_CODES.SERVICE_UNAVAILABLE.status } },
    });
  }
  if (original instanceof StoreUnavailableError) {
    metrics.error(ErrorCode.SERVICE_UNAVAILABLE);
    logger.warn({ err: original.cause }, 'database unreachable');
    return new GraphQLError('The database is unreachable; try again shortly', {
      path: located?.path,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: ERROR_CODES.SERVICE_UNAVAILABLE.status } },
    });
  }
  // GraphQL's own errors (syntax, validation, variable coercion, limits) are safe as they are.
  if (isGraphQLError(original)) {
    metrics.error(String(original.extensions.code ?? ErrorCode.GRAPHQL_VALIDATION_FAILED));
    return original;
  }
  metrics.error(ErrorCode.INTERNAL_SERVER_ERROR);
  logger.error({ err: original }, 'unexpected error in a GraphQL operation');
  return new GraphQLError(
    production ? 'Unexpected error' : `Unexpected error: ${original instanceof Error ? original.message : String(original)}`,
    { path: located?.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } },
  );
}

/** Per-user mutation rate limit (rate-limiter-flexible; swap in its Redis limiter for clusters). */
function useMutationRateLimit(deps: YogaDeps): Plugin<GraphQLContext> {
  const limiter = new RateLimiterMemory({
    points: deps.rateLimit.mutations,
    duration: deps.rateLimit.windowMs / 1000,
  });
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const ctx = args.contextValue as GraphQLContext;
      try {
        await limiter.consume(ctx.viewer?.id ?? 'anonymous');
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        setResultAndStopExecution({
          errors: [toClientError(rateLimited(error.msBeforeNext), deps.logger, deps.metrics, deps.production)],
        });
      }
    },
  };
}

/** Operations by type and transport, for /metrics. */
function useOperationMetrics(metrics: Metrics): Plugin<GraphQLContext> {
  const count = (type: string, ctx: GraphQLContext) => metrics.operations.inc({ type, transport: ctx.transport });
  return {
    onExecute({ args }) {
      const type = getOperationAST(args.document, args.operationName)?.operation ?? 'unknown';
      count(type, args.contextValue as GraphQLContext);
    },
    onSubscribe({ args }) {
      count('subscription', args.contextValue as GraphQLContext);
    },
  };
}

/**
 * Codes for errors that graphql-js and graphql-armor raise without one, so every error a client
 * sees carries `extensions.code`: bad variable values are the client's input errors, and armor's
 * rejections are limits.
 */
function codeFor(error: GraphQLError): ErrorCode | undefined {
  const code = error.extensions.code;
  // Armor reports limits as syntax errors ("Syntax Error: Token limit of 4000 exceeded"), which
  // Yoga may already have coded as a parse or validation failure: a limit is more specific.
  const generic = !code || code === ErrorCode.GRAPHQL_PARSE_FAILED || code === ErrorCode.GRAPHQL_VALIDATION_FAILED;
  // graphql-js aborts validation with "Validation aborted." when a document exhausts its work
  // budget for comparing overlapping fields: a limit too.
  const limit = /limit (of \d+ )?exceeded|Token limit|Max (depth|aliases|directives)|^Validation aborted\.$/i;
  if (generic && limit.test(error.message)) {
    return ErrorCode.QUERY_LIMIT_EXCEEDED;
  }
  if (code) return undefined;
  if (error.message.startsWith('Variable "$')) return ErrorCode.BAD_USER_INPUT;
  if (error.message.startsWith('Syntax Error')) return ErrorCode.GRAPHQL_PARSE_FAILED;
  if (error.message === CSRF_MESSAGE) return ErrorCode.CSRF_PREVENTED;
  return undefined;
}

/** Copy errors, adding the code `codeFor` gives to those that lack one. */
export function withCodes<E extends GraphQLError>(errors: readonly E[]): GraphQLError[] {
  return errors.map((e) => {
    const code = codeFor(e);
    return code ? new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions: { ...e.extensions, code } }) : e;
  });
}

function withInputCode<T extends { errors?: readonly GraphQLError[] }>(result: T): T {
  return result.errors ? { ...result, errors: withCodes(result.errors) } : result;
}

function useErrorCodes(): Plugin<GraphQLContext> {
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) setResult(withInputCode(result));
      },
    }),
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) setResult(withInputCode(result));
      },
    }),
    onResultProcess: ({ result, setResult }) => {
      if (!Array.isArray(result) && !(Symbol.asyncIterator in result)) setResult(withInputCode(result));
    },
  };
}

/**
 * Armor's validation rules throw by default. Yoga's HTTP path turns a throw into an error
 * response, but graphql-ws treats a throwing `validate` as an internal error and closes the
 * socket with 4500; reported as validation errors, a limit fails only that operation, with a code.
 */
const reportLimit = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export function buildYoga(deps: YogaDeps) {
  return createYoga<object, GraphQLContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    // Bounded by size: Yoga's own caches let anonymous requests pin ~1 GB (document-caches.ts).
    parserAndValidationCache: documentCaches(),
    cors: corsFor(deps.allowedOrigins ?? []),
    // Served from conveyor itself (no CDN), over graphql-ws, with a dev token when dev sign-in is on.
    graphiql: graphiqlOptions(deps.auth, 'conveyor'),
    renderGraphiQL,
    maskedErrors: {
      maskError: (error) => toClientError(error, deps.logger, deps.metrics, deps.production),
    },
    context: async (initial: YogaInitialContext & Partial<WsInitialContext>) => {
      const base = { services: deps.services, auth: deps.auth };
      if (initial.wsViewer) return { ...base, viewer: initial.wsViewer, transport: 'ws' as const };
      try {
        const token = Auth.bearer(initial.request.headers.get('authorization'));
        const viewer = token ? (await deps.auth.verify(token)).viewer : null;
        return { ...base, viewer, transport: 'http' as const };
      } catch (error) {
        // A bad token fails the whole request with 401, before any resolver runs.
        throw toClientError(error, deps.logger, deps.metrics, deps.production);
      }
    },
    plugins: [
      // GraphiQL's script, styles and workers (GET /graphql?graphiql-asset=…): files, no GraphQL.
      useGraphiQLAssets(),
      // Before anything reads the body: a cross-site simple request is refused unparsed (csrf.ts).
      useCsrfPrevention(),
      useUnsupportedMediaType(),
      // Coded refusals the fuzz tests found missing (input-guards.ts).
      useParamsJsonErrors(),
      useNotAcceptable(),
      useNestingLimit(),
      useStorableText(),
      useCompactValidationErrors(),
      EnvelopArmorPlugin({
        maxDepth: { n: 12, ...reportLimit },
        maxAliases: { n: 20, ...reportLimit },
        maxDirectives: { n: 20, ...reportLimit },
        maxTokens: { n: 4000 },
        // Cost multiplies by `first`: the dashboard's first page of 200 tasks costs ~72k (armor
        // counts a field once per fragment selecting it); 250k leaves room for real clients and
        // still stops `tasks(first: 100000)`-style requests.
        costLimit: { maxCost: 250_000, flattenFragments: true, ...reportLimit },
      }),
      useOperationMetrics(deps.metrics),
      useMutationRateLimit(deps),
      useErrorCodes(),
      useSseSubscriptions(deps),
      ...(deps.plugins ?? []),
      // Last: grouped WebSocket subscriptions leave the pipeline for the fan-out engine here.
      useFanoutRoute(),
    ],
  });
}

export type ConveyorYoga = ReturnType<typeof buildYoga>;
