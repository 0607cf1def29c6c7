import type { CountsModel } from '../../services/counts.js';
import type { LogLine } from '../../logs/types.js';
import type { LogEvent } from '../../store/types.js';
import type { SubscriptionResolvers } from '../generated/resolvers-types.js';
import { viewerOf } from './auth.js';

// Each subscription is a pull-based iterator over the log feed (src/runtime/feed.ts), never
// over an in-memory pubsub: resume, ordering and visibility all come from the log.
export const Subscription: SubscriptionResolvers = {
  taskUpdated: {
    subscribe: (_p, { filter, after }, ctx) => ctx.services.tasks.updates(viewerOf(ctx), filter, after),
    resolve: (event: LogEvent) => event,
  },
  timeline: {
    subscribe: (_p, { taskId, after }, ctx) =>
      ctx.services.tasks.timelineStream(viewerOf(ctx), taskId, after),
    resolve: (event: LogEvent) => event,
  },
  dashboardCounts: {
    subscribe: (_p, { filter }, ctx) => ctx.services.tasks.countsStream(viewerOf(ctx), filter),
    resolve: (model: CountsModel) => model,
  },
  activity: {
    subscribe: (_p, { filter, after }, ctx) => ctx.services.activity.stream(viewerOf(ctx), filter as never, after),
    resolve: (event: LogEvent) => event,
  },
  taskLogs: {
    subscribe: (_p, { taskId, attempt, after }, ctx) => ctx.services.logs.tail(viewerOf(ctx), taskId, attempt, after),
    resolve: (line: LogLine) => line,
  },
  agentUpdated: {
    subscribe: (_p, { agentId, after }, ctx) => ctx.services.agents.updates(viewerOf(ctx), after, agentId),
    resolve: (event: LogEvent) => event,
  },
};
