/**
 * queued-task-taken: a workable task (DISPATCHED, sub-state `queued`) is taken within T while an
 * eligible agent (same org, IDLE, HEALTHY) is idle the whole time. The wait counts from the first
 * sample that showed the task queued with such an agent, and starts over at a sample without one.
 *
 * It also measures, for the summary, the longest such wait and the longest time a task was seen
 * queued at all (with or without an idle agent).
 */
import { Episodes, iso, seconds } from '../episodes.js';
import type { AgentSample, Invariant, LivenessOptions, Snapshot, TaskSample, Violation } from '../types.js';

export const workable = (task: TaskSample) => task.status === 'DISPATCHED' && task.phase === 'queued';
export const eligible = (agent: AgentSample) => agent.status === 'IDLE' && agent.health === 'HEALTHY';

export interface Longest {
  ms: number;
  taskId: string | null;
}

export class QueuedTaskTaken implements Invariant {
  readonly name = 'queued-task-taken' as const;
  private readonly idleWait = new Episodes();
  private readonly queued = new Episodes();
  /** Longest wait of a workable task while an eligible agent was idle. */
  readonly longestIdleWait: Longest = { ms: 0, taskId: null };
  /** Longest time a task was seen queued. */
  readonly longestQueued: Longest = { ms: 0, taskId: null };

  constructor(private readonly options: Pick<LivenessOptions, 'takeWithinMs'>) {}

  observe(snapshot: Snapshot): Violation[] {
    const violations: Violation[] = [];
    const idleByOrg = new Map<string, AgentSample[]>();
    for (const agent of snapshot.agents) {
      if (!eligible(agent)) continue;
      idleByOrg.set(agent.org, [...(idleByOrg.get(agent.org) ?? []), agent]);
    }
    for (const task of snapshot.tasks) {
      if (!workable(task)) continue;
      const queuedFor = this.queued.hold(task.id, snapshot.at);
      if (queuedFor > this.longestQueued.ms) Object.assign(this.longestQueued, { ms: queuedFor, taskId: task.id });
      // Agents of an org the checker cannot read are unknown: no verdict on that org's tasks.
      if (!snapshot.agentOrgs.includes(task.org)) continue;
      const idle = idleByOrg.get(task.org) ?? [];
      if (idle.length === 0) continue;
      const waited = this.idleWait.hold(task.id, snapshot.at);
      if (waited > this.longestIdleWait.ms) Object.assign(this.longestIdleWait, { ms: waited, taskId: task.id });
      if (waited > this.options.takeWithinMs && this.idleWait.firstReport(task.id)) {
        const since = this.idleWait.startOf(task.id)!;
        violations.push({
          invariant: this.name,
          at: iso(snapshot.at),
          taskId: task.id,
          agentId: idle[0].id,
          message:
            `task ${task.id} ("${task.title}", ${task.org}) has been queued for ${seconds(waited)} (since ${iso(since)}) ` +
            `while ${idle.length} eligible agent(s) of ${task.org} were idle and healthy: ${idle.map((a) => `${a.name} (${a.id})`).join(', ')}`,
        });
      }
    }
    this.idleWait.endSample();
    this.queued.endSample();
    return violations;
  }
}
