/**
 * The Yoga instance: Yoga's options and the list of plugins, one per file in plugins/ (the order
 * matters: see the comments in the list). Transport-agnostic; the HTTP handler is http.ts, the
 * WebSocket transport ws/.
 */
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Bus } from '../bus/types.js';
import type { Feed } from '../runtime/feed.js';
import type { GraphQLContext } from '../schema/context.js';
import { buildSchema } from '../schema/index.js';
import type { Services } from '../services/index.js';
import type { EventStore, Viewer } from '../store/types.js';
import { Auth } from './auth.js';
import { toClientError } from './client-errors.js';
import { graphiqlOptions, renderGraphiQL } from './graphiql.js';
import type { Metrics } from './metrics.js';
import { corsFor, useCsrfPrevention, useUnsupportedMediaType } from './plugins/use-csrf.js';
import { documentCaches, useCompactValidationErrors } from './plugins/use-document-caches.js';
import { useErrorCodes } from './plugins/use-error-codes.js';
import { useFanoutRoute } from './plugins/use-fanout-route.js';
import { useGraphiQLAssets } from './plugins/use-graphiql-assets.js';
import { useHealth } from './plugins/use-health.js';
import { useNestingLimit, useQueryLimits } from './plugins/use-limits.js';
import { useMutationRateLimit } from './plugins/use-mutation-rate-limit.js';
import { useNotAcceptable } from './plugins/use-not-acceptable.js';
import { useOperationMetrics } from './plugins/use-operation-metrics.js';
import { useParamsJsonErrors } from './plugins/use-params-json-errors.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useSseSubscriptions } from './plugins/use-sse-subscriptions.js';
import { useStorableText } from './plugins/use-storable-text.js';
import type { FanoutEngine } from './ws/fanout.js';

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
  rateLimit: { mutations: number; windowMs: number; logBatches?: number };
  /** Cross-origin pages allowed to call the API (CORS); same-origin always is. @default [] */
  allowedOrigins?: string[];
  /** More envelop/Yoga plugins (tracing, audit…): they see every operation of every transport. */
  plugins?: Plugin[];
  /** What /healthz and /readyz report on (plugins/use-health.ts, plugins/use-readiness.ts). */
  probes: {
    store: Pick<EventStore, 'ping'>;
    bus: Pick<Bus, 'ping'>;
    feed: Pick<Feed, 'active' | 'head'>;
    fanout: Pick<FanoutEngine, 'stats'>;
    stopping: () => boolean;
  };
}

export function buildYoga(deps: YogaDeps) {
  return createYoga<object, GraphQLContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    // Bounded by size: Yoga's own caches let anonymous requests pin ~1 GB (plugins/use-document-caches.ts).
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
      // Probes: plain HTTP answers, no GraphQL involved.
      useHealth({ metrics: deps.metrics, feed: deps.probes.feed, fanout: deps.probes.fanout }),
      useReadiness({ store: deps.probes.store, bus: deps.probes.bus, logger: deps.logger, stopping: deps.probes.stopping }),
      // GraphiQL's script, styles and workers (GET /graphql?graphiql-asset=…): files, no GraphQL.
      useGraphiQLAssets(),
      // Before anything reads the body: a cross-site simple request is refused unparsed (plugins/use-csrf.ts).
      useCsrfPrevention(),
      useUnsupportedMediaType(),
      // Coded refusals the fuzz tests found missing (use-params-json-errors.ts, use-not-acceptable.ts,
      // use-limits.ts's nesting limit, use-storable-text.ts).
      useParamsJsonErrors(),
      useNotAcceptable(),
      useNestingLimit(),
      useStorableText(),
      useCompactValidationErrors(),
      useQueryLimits(),
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
