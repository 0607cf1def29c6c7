/**
 * sessions-agree: a task's sessions agree with the task, in every read of it (one read, one view:
 * no grace needed). Its attempts are 1…n in order; at most one runs, the last, and it runs exactly
 * while the task is being worked (assigned, or coding), by the agent the task names; a HELD task
 * has no agent and no running session; and its usage is the sum of its sessions'.
 */
import { iso } from '../episodes.js';
import type { Invariant, Snapshot, TaskSample, Violation } from '../types.js';

/** What is wrong with a task's sessions, or null when they agree with it. */
export function sessionsDisagree(task: TaskSample): string | null {
  const sessions = task.sessions;
  if (!sessions || !task.usage) return null;
  if (sessions.some((s, i) => s.attempt !== i + 1)) return `its sessions' attempts are ${sessions.map((s) => s.attempt).join(', ')}, not 1…${sessions.length}`;
  const running = sessions.filter((s) => s.outcome === 'RUNNING');
  if (running.length > 1 || (running.length === 1 && sessions.at(-1) !== running[0])) return `it has ${running.length} running sessions, or one that is not the last`;
  const worked = task.phase === 'assigned' || task.status === 'CODING';
  if (worked && running.length === 0) return `it is ${task.status}${task.phase ? ` (${task.phase})` : ''} with no running session`;
  if (!worked && running.length > 0) return `session ${running[0].attempt} is running while the task is ${task.status}${task.phase ? ` (${task.phase})` : ''}`;
  if (running.length === 1 && running[0].agentId !== task.assignedAgentId) return `its running session is agent ${running[0].agentId}'s, the task is assigned to ${task.assignedAgentId ?? 'nobody'}`;
  if (task.status === 'HELD' && task.assignedAgentId !== null) return `it is HELD but assigned to agent ${task.assignedAgentId}`;
  for (const key of ['inputTokens', 'outputTokens', 'costMicros'] as const) {
    const sum = sessions.reduce((n, s) => n + s.usage[key], 0);
    if (sum !== task.usage[key]) return `its ${key} is ${task.usage[key]}, its sessions' add up to ${sum}`;
  }
  return null;
}

export class SessionsAgree implements Invariant {
  readonly name = 'sessions-agree' as const;
  /** Reported once per task and version. */
  private readonly reported = new Set<string>();

  observe(snapshot: Snapshot): Violation[] {
    const violations: Violation[] = [];
    for (const task of snapshot.tasks) {
      const why = sessionsDisagree(task);
      const key = `${task.id}@${task.version}`;
      if (why === null || this.reported.has(key)) continue;
      this.reported.add(key);
      violations.push({ invariant: this.name, at: iso(snapshot.at), taskId: task.id, message: `task ${task.id} ("${task.title}", v${task.version}): ${why}` });
    }
    return violations;
  }
}
