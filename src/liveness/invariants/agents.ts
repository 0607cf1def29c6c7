/**
 * busy-agent-holds-task: an agent that is BUSY holds a task — its `currentTaskId` is set, that task
 * names it as `assignedAgentId`, and the task is still being worked (taken but not started, or
 * coding). The agent and the task are read in different requests (the task with its creator's
 * token), so only a disagreement that lasts longer than the grace counts.
 */
import { Episodes, iso, seconds } from '../episodes.js';
import type { AgentSample, Invariant, LivenessOptions, Snapshot, TaskSample, Violation } from '../types.js';

/** Why a busy agent does not hold its task, or null when it does. */
export function busyWithout(agent: AgentSample, tasks: Map<string, TaskSample>): string | null {
  if (agent.status !== 'BUSY') return null;
  if (!agent.currentTaskId) return 'holds no task (currentTaskId is null)';
  const task = tasks.get(agent.currentTaskId);
  if (!task) return `holds task ${agent.currentTaskId}, which none of the checker's users can read`;
  if (task.assignedAgentId !== agent.id) {
    return `holds task ${task.id} ("${task.title}"), which is assigned to ${task.assignedAgentId ? `agent ${task.assignedAgentId}` : 'nobody'} (status ${task.status})`;
  }
  if (!(task.phase === 'assigned' || task.status === 'CODING')) {
    return `holds task ${task.id} ("${task.title}"), which is ${task.status}${task.phase ? ` (${task.phase})` : ''} and no longer worked`;
  }
  return null;
}

export class BusyAgentHoldsTask implements Invariant {
  readonly name = 'busy-agent-holds-task' as const;
  private readonly episodes = new Episodes();

  constructor(private readonly options: Pick<LivenessOptions, 'graceMs'>) {}

  observe(snapshot: Snapshot): Violation[] {
    const violations: Violation[] = [];
    const tasks = new Map(snapshot.tasks.map((t) => [t.id, t]));
    for (const agent of snapshot.agents) {
      const why = busyWithout(agent, tasks);
      if (why === null) continue;
      const key = `${agent.id}|${agent.currentTaskId ?? ''}`;
      const lasted = this.episodes.hold(key, snapshot.at);
      if (lasted > this.options.graceMs && this.episodes.firstReport(key)) {
        violations.push({
          invariant: this.name,
          at: iso(snapshot.at),
          agentId: agent.id,
          ...(agent.currentTaskId ? { taskId: agent.currentTaskId } : {}),
          message: `agent ${agent.name} (${agent.id}, ${agent.org}) has been BUSY for ${seconds(lasted)} but ${why}`,
        });
      }
    }
    this.episodes.endSample();
    return violations;
  }
}
