/** How the checker prints a violation and its summary. */
import type { LivenessSummary } from './monitor.js';
import type { Violation } from './types.js';

export function formatViolation(v: Violation): string {
  const ids = [v.taskId && `task ${v.taskId}`, v.agentId && `agent ${v.agentId}`, v.user && `user ${v.user}`].filter(Boolean).join(', ');
  return `VIOLATION ${v.invariant} at ${v.at}${ids ? ` [${ids}]` : ''}: ${v.message}`;
}

export function formatSummary(s: LivenessSummary & { sampleErrors?: number; countRereads?: number }): string[] {
  const orgs = Object.entries(s.byOrg)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([org, o]) => `  ${org}: ${o.tasks} tasks, ${o.worked} worked, ${o.merged} merged, ${o.failed} failed, ${o.cancelled} cancelled; private ${o.privateTasks} (${o.privateReachedPr} reached a PR)`);
  const reasons = Object.entries(s.requeueReasons).map(([r, n]) => `  ${n} × ${r}`);
  return [
    `liveness summary: ${s.durationSeconds} s, ${s.samples} samples${s.sampleErrors ? ` (${s.sampleErrors} failed)` : ''}`,
    `  tasks created: ${s.tasks} (${s.createdDuringRun} during the run) · worked: ${s.worked} · merged: ${s.merged} · failed: ${s.failed} · cancelled: ${s.cancelled} · requeued: ${s.requeued} (${s.requeuedTasks} tasks) · clarifications answered: ${s.clarificationsAnswered}`,
    `  longest wait of a workable task while an eligible agent was idle: ${s.longestIdleWait.seconds} s${s.longestIdleWait.taskId ? ` (task ${s.longestIdleWait.taskId})` : ''}`,
    `  longest time queued overall: ${s.longestQueued.seconds} s${s.longestQueued.taskId ? ` (task ${s.longestQueued.taskId})` : ''} · longest stall with workable tasks: ${s.longestStallSeconds} s`,
    `  counts compared with the list: ${s.counts.compared}${s.countRereads ? ` (${s.countRereads} re-reads: the log moved between requests)` : ''}; ${s.counts.inconclusive} reads never at one cursor`,
    ...orgs,
    ...(reasons.length ? ['  requeue reasons:', ...reasons] : []),
    `  violations: ${s.violations}${s.violations ? ` ${JSON.stringify(s.violationsByInvariant)}` : ''}`,
  ];
}
