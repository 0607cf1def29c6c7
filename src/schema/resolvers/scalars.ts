import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver, JSONResolver } from 'graphql-scalars';
import { SESSION_OUTCOMES } from '../../machines/index.js';
import type { Resolvers } from '../generated/resolvers-types.js';

// DateTimeISO keeps our ISO strings as strings (graphql-scalars' DateTime would turn them into Dates).
// Under the SDL's name: as is, the served schema called it `DateTimeISO`, so every operation
// declaring a `DateTime` variable (e.g. reportPullRequestMerged's `$mergedAt`) failed validation.
const iso = DateTimeISOResolver.toConfig();
/** What `Date#toISOString()` writes (every time conveyor stores): served as it is. */
const STORED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DateTime = new GraphQLScalarType({
  ...iso,
  name: 'DateTime',
  // graphql-scalars validates and re-formats every value it serialises (three regular
  // expressions and a parse): a quarter of the server's time replaying agents with two
  // timestamps each. The times conveyor stores are already in this one ISO form.
  serialize: (value) => (typeof value === 'string' && STORED_ISO.test(value) ? value : iso.serialize(value)),
});

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
    HELD: 'held',
    MERGED: 'merged',
    FAILED: 'failed',
    CANCELLED: 'cancelled',
  },
  AgentStatus: { IDLE: 'idle', BUSY: 'busy' },
  AgentHealth: { HEALTHY: 'healthy', STUCK: 'stuck', STALE: 'stale', CRASHED: 'crashed', OFFLINE: 'offline' },
  WaitCode: { NO_AGENT_ONLINE: 'no_agent_online', ALL_AGENTS_BUSY: 'all_agents_busy', AGENTS_UNHEALTHY: 'agents_unhealthy' },
  TaskSort: { CREATED: 'created', UPDATED: 'updated' },
  LogStream: { STDOUT: 'stdout', STDERR: 'stderr', DROPPED: 'dropped' },
  EntityType: { TASK: 'task', AGENT: 'agent' },
  SessionOutcome: Object.fromEntries(SESSION_OUTCOMES.map((o) => [o.toUpperCase(), o])) as never,
};
