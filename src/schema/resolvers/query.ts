import { formatCursor, formatEdgeCursor, formatPageCursor } from '../../services/cursor.js';
import { machineDefinitions } from '../../services/machines.js';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { viewerOf } from './auth.js';

export const Query: QueryResolvers = {
  viewer: (_p, _a, ctx) => ctx.viewer,
  task: (_p, { id }, ctx) => ctx.services.tasks.get(viewerOf(ctx), id),
  tasks: async (_p, { filter, first, after, sort }, ctx) => {
    const page = await ctx.services.tasks.list(viewerOf(ctx), filter, first ?? 20, after, sort);
    return {
      nodes: page.tasks,
      edges: page.tasks.map((node, i) => ({ node, cursor: formatEdgeCursor(page, i) })),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        endCursor: formatPageCursor(page),
      },
      cursor: formatCursor(page.logCursor),
    };
  },
  timeline: (_p, { taskId, after, first }, ctx) =>
    ctx.services.tasks.timeline(viewerOf(ctx), taskId, after, first ?? 500),
  dashboardCounts: (_p, { filter }, ctx) => ctx.services.tasks.counts(viewerOf(ctx), filter),
  agents: (_p, _a, ctx) => ctx.services.agents.list(viewerOf(ctx)),
  agentList: async (_p, _a, ctx) => {
    const { agents, logCursor } = await ctx.services.agents.listAt(viewerOf(ctx));
    return { nodes: agents, cursor: formatCursor(logCursor) };
  },
  agentTimeline: (_p, { agentId, after, first }, ctx) =>
    ctx.services.agents.timeline(viewerOf(ctx), agentId, after, first ?? 200),
  agent: (_p, { id }, ctx) => ctx.services.agents.get(viewerOf(ctx), id),
  taskLogs: async (_p, { taskId, attempt, after, first, last }, ctx) => {
    const { lines, sessions } = await ctx.services.logs.read(viewerOf(ctx), taskId, attempt, after, first ?? 500, last);
    const end = lines.at(-1);
    return { lines, sessions, cursor: end ? formatCursor(end.cursor) : (after ?? null) };
  },
  errorSummary: (_p, { hours }, ctx) => ctx.services.tasks.errorSummary(viewerOf(ctx), hours ?? 24),
  backlog: (_p, _a, ctx) => ctx.services.tasks.backlog(viewerOf(ctx)) as never,
  agentSessions: (_p, { agentId, first }, ctx) => ctx.services.tasks.agentSessions(viewerOf(ctx), agentId, first ?? 50),
  machines: () => machineDefinitions(),
  machine: (_p, { name }) => machineDefinitions().find((m) => m.name === name) ?? null,
  devSignInEnabled: (_p, _a, ctx) => ctx.auth.devSignInEnabled,
};
