import { NO_USAGE, TASK_STATUSES } from '../../machines/index.js';
import { summarize } from '../../services/counts.js';
import { formatCursor } from '../../services/cursor.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { viewerOf } from './auth.js';

/** Field resolvers of object types: shape the stored views into the public contract. */
export const typeResolvers: Resolvers = {
  Task: {
    state: (task) => task.stateValue,
    openQuestions: (task) => {
      const round = task.clarifications.at(-1);
      return task.status === 'needs_clarification' && round && round.answers === null ? round.questions : [];
    },
    pullRequest: (task) => task.pr,
    assignedAgentId: (task) => task.agentId,
    assignedAgent: (task, _args, ctx) =>
      task.agentId ? ctx.services.agents.get(viewerOf(ctx), task.agentId) : null,
    availableActions: (task, _args, ctx) =>
      ctx.services.tasks.availableActions(task) as never,
    sessions: (task) => (task.sessions ?? []).map((s) => ({ ...s, code: s.code ?? null, taskId: task.id })),
    usage: (task) => task.usage ?? NO_USAGE,
    budgetMicros: (task) => task.budgetMicros ?? null,
    budgetWarning: (task) => task.budgetWarning ?? null,
    failure: (task) => (task.status === 'failed' ? (task.failure ?? (task.error ? { code: 'FAILED', message: task.error, details: null, logsUrl: null, at: task.updatedAt, attempt: null } : null)) : null),
  },
  ActivityEvent: {
    cursor: (e) => formatCursor(e.cursor),
    task: (e) => (e.entityType === 'task' ? (e.state as never) : null),
    agent: (e) => (e.entityType === 'agent' ? (e.state as never) : null),
  },
  LogLine: {
    cursor: (l) => formatCursor(l.cursor),
    at: (l) => new Date(l.at).toISOString(),
  },
  TaskSession: {
    queuedMs: (s) => (s.queuedAt ? Math.max(0, Date.parse(s.startedAt) - Date.parse(s.queuedAt)) : null),
    durationMs: (s) => Math.max(0, (s.endedAt ? Date.parse(s.endedAt) : Date.now()) - Date.parse(s.startedAt)),
  },
  Agent: {
    state: (agent) => agent.stateValue,
    currentTask: (agent, _args, ctx) =>
      agent.currentTaskId ? ctx.services.tasks.get(viewerOf(ctx), agent.currentTaskId) : null,
  },
  TimelineEvent: {
    cursor: (e) => formatCursor(e.cursor),
    state: (e) => e.state.stateValue,
  },
  TaskUpdate: {
    cursor: (e) => formatCursor(e.cursor),
    event: (e) => e.type,
    task: (e) => e.state as never,
  },
  AgentUpdate: {
    cursor: (e) => formatCursor(e.cursor),
    event: (e) => e.type,
    agent: (e) => e.state as never,
  },
  DashboardCounts: {
    active: (m) => summarize(m).active,
    completed: (m) => summarize(m).completed,
    failed: (m) => summarize(m).failed,
    cancelled: (m) => summarize(m).cancelled,
    total: (m) => summarize(m).total,
    byStatus: (m) => TASK_STATUSES.map((status) => ({ status, count: m.byStatus[status] })),
    cursor: (m) => formatCursor(m.cursor),
  },
};
