import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types.js';

// DateTimeISO keeps our ISO strings as strings (graphql-scalars' DateTime would turn them into Dates).
// Under the SDL's name: as is, the served schema called it `DateTimeISO`, so every operation
// declaring a `DateTime` variable (e.g. reportPullRequestMerged's `$mergedAt`) failed validation.
const DateTime = new GraphQLScalarType({ ...DateTimeISOResolver.toConfig(), name: 'DateTime' });

export const scalarResolvers: Resolvers = {
  DateTime,
  JSON: JSONResolver,
  TaskStatus: {
    RECEIVED: 'received',
    ANALYZING: 'analyzing',
    NEEDS_CLARIFICATION: 'needs_clarification',
    DISPATCHED: 'dispatched',
    CODING: 'coding',
    PR_OPEN: 'pr_open',
    MERGED: 'merged',
    FAILED: 'failed',
    CANCELLED: 'cancelled',
  },
  AgentStatus: { IDLE: 'idle', BUSY: 'busy' },
  AgentHealth: { HEALTHY: 'healthy', STALE: 'stale', CRASHED: 'crashed', OFFLINE: 'offline' },
};
