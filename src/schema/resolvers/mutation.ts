import type { MutationResolvers } from '../generated/resolvers-types.js';
import { formatCursor } from '../../services/cursor.js';
import { viewerOf } from './auth.js';

export const Mutation: MutationResolvers = {
  devSignIn: (_p, { name, org }, ctx) => ctx.auth.devSignIn(name, org),
  createTask: (_p, { input }, ctx) => ctx.services.tasks.create(viewerOf(ctx), input),
  answerClarification: (_p, { taskId, answers }, ctx) =>
    ctx.services.tasks.answer(viewerOf(ctx), taskId, answers),
  cancelTask: (_p, { taskId, reason }, ctx) => ctx.services.tasks.cancel(viewerOf(ctx), taskId, reason),
  retryTask: (_p, { taskId }, ctx) => ctx.services.tasks.retry(viewerOf(ctx), taskId),
  startCoding: (_p, { taskId, agentId, branch }, ctx) =>
    ctx.services.tasks.startCoding(viewerOf(ctx), taskId, agentId, branch),
  reportProgress: (_p, { taskId, agentId, message, percent }, ctx) =>
    ctx.services.tasks.progress(viewerOf(ctx), taskId, agentId, message, percent),
  reportIteration: (_p, { taskId, agentId, n, summary }, ctx) =>
    ctx.services.tasks.iteration(viewerOf(ctx), taskId, agentId, n, summary),
  reportUsage: (_p, { taskId, agentId, usage }, ctx) => ctx.services.tasks.usage(viewerOf(ctx), taskId, agentId, usage),
  setTaskBudget: (_p, { taskId, budgetMicros }, ctx) => ctx.services.tasks.setBudget(viewerOf(ctx), taskId, budgetMicros),
  appendTaskLogs: async (_p, { taskId, agentId, lines }, ctx) => {
    const r = await ctx.services.logs.append(viewerOf(ctx), taskId, agentId, lines);
    return { cursor: formatCursor(r.cursor), lines: r.lines, dropped: r.dropped };
  },
  releaseTask: (_p, { taskId, agentId, reason, code }, ctx) =>
    ctx.services.tasks.release(viewerOf(ctx), taskId, agentId, reason, code),
  reportPullRequestOpened: (_p, { taskId, ...pr }, ctx) =>
    ctx.services.tasks.prOpened(viewerOf(ctx), taskId, pr),
  reportPullRequestMerged: (_p, { taskId, sha, mergedAt }, ctx) =>
    ctx.services.tasks.prMerged(viewerOf(ctx), taskId, sha, mergedAt),
  reportPullRequestClosed: (_p, { taskId }, ctx) => ctx.services.tasks.prClosed(viewerOf(ctx), taskId),
  failTask: (_p, { taskId, error, code, details, logsUrl }, ctx) => ctx.services.tasks.fail(viewerOf(ctx), taskId, error, { code, details, logsUrl }),
  registerAgent: (_p, { name }, ctx) => ctx.services.agents.register(viewerOf(ctx), name),
  agentHeartbeat: (_p, { agentId }, ctx) => ctx.services.agents.heartbeat(viewerOf(ctx), agentId),
  deregisterAgent: (_p, { agentId }, ctx) => ctx.services.agents.deregister(viewerOf(ctx), agentId),
};
