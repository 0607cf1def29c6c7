/**
 * The orchestrator's pure planning (src/runtime/orchestrator.ts): who gets which task, why the
 * rest wait, and what happens to agents that are stale, stuck, gone, or hold a task that is not
 * theirs any more.
 */
import { describe, expect, it } from 'vitest';
import type { AgentView, TaskView } from '../../src/machines/index.js';
import { planAssignments, planRecovery, planWaits } from '../../src/runtime/orchestrator.js';

const agent = (id: string, over: Partial<AgentView> = {}): AgentView => ({
  id, name: id, org: 'acme', ownerId: `u-${id}`, registeredAt: '2026-01-01T00:00:00.000Z', lastHeartbeatAt: '2026-01-01T00:00:00.000Z',
  currentTaskId: null, lastAssignedAt: null, lastActivity: null, lastProgressAt: null,
  status: 'idle', health: 'healthy', stateValue: { work: 'idle', health: 'healthy' }, version: 1, updatedAt: '2026-01-01T00:00:00.000Z', ...over,
});
const task = (id: string, over: Partial<TaskView> = {}): TaskView => ({
  id, title: id, description: null, creator: { id: 'u1', name: 'Ada' }, org: 'acme', private: false, createdAt: '2026-01-01T00:00:00.000Z',
  clarifications: [], issue: null, branch: null, pr: null, mergeCommitSha: null, mergedAt: null, error: null, agentId: null, progress: null,
  heldReason: null, grant: null, waiting: null, status: 'dispatched', stateValue: { active: { dispatched: 'queued' } }, version: 3,
  updatedAt: '2026-01-01T00:01:00.000Z', ...over,
});
const busy = (id: string, taskId: string, phase = 'working', over: Partial<AgentView> = {}) =>
  agent(id, { status: 'busy', currentTaskId: taskId, stateValue: { work: { busy: phase }, health: 'healthy' }, ...over });

describe('orchestrator planning', () => {
  it('assigns private tasks like any other, naming the user whose agent gets the grant', () => {
    const plan = planAssignments([task('t1', { private: true })], [agent('a1')]);
    expect(plan).toEqual([{ taskId: 't1', agentId: 'a1', agentName: 'a1', agentOwnerId: 'u-a1' }]);
  });

  it('gives a task taken back from an agent to another agent when there is one', () => {
    const again = task('t1', { previousAgentId: 'a1' });
    expect(planAssignments([again], [agent('a1'), agent('a2', { lastAssignedAt: '2026-01-01T00:09:00.000Z' })])[0].agentId).toBe('a2');
    expect(planAssignments([again], [agent('a1')])[0].agentId).toBe('a1'); // the only one: still worked
  });

  it('says why each unassigned queued task waits, once per reason', () => {
    const queued = [task('t1'), task('t2'), task('t3', { org: 'globex' }), task('t4', { org: 'initech' })];
    const agents = [agent('a1'), busy('a2', 'x'), agent('g1', { org: 'globex', health: 'stale' }), agent('i1', { org: 'initech', health: 'offline' })];
    const assigned = planAssignments(queued, agents);
    expect(assigned.map((a) => a.taskId)).toEqual(['t1']);
    const waits = planWaits(queued, agents, assigned);
    expect(waits).toEqual([
      { taskId: 't2', code: 'all_agents_busy', reason: 'every online agent of acme is busy', since: '2026-01-01T00:01:00.000Z' },
      { taskId: 't3', code: 'agents_unhealthy', reason: expect.stringContaining('not healthy'), since: '2026-01-01T00:01:00.000Z' },
      { taskId: 't4', code: 'no_agent_online', reason: 'no agent of initech is online', since: '2026-01-01T00:01:00.000Z' },
    ]);
    // Unchanged reasons plan nothing; a changed one keeps the first `since`.
    const already = task('t2', { waiting: { code: 'all_agents_busy', reason: 'r', since: '2026-01-01T00:00:30.000Z' } });
    expect(planWaits([already], agents, [])).toEqual([]);
    expect(planWaits([already], [], [])).toEqual([expect.objectContaining({ code: 'no_agent_online', since: '2026-01-01T00:00:30.000Z' })]);
    // A task that is assigned, or not queued, does not wait.
    expect(planWaits([task('t5', { stateValue: { active: { dispatched: 'assigned' } } })], [], [])).toEqual([]);
  });

  it('holds the task of a stale or stuck agent, requeues it when abandoned or gone, resumes it when healthy', () => {
    const t = (id: string, over: Partial<TaskView> = {}) => task(id, { agentId: over.agentId ?? 'a1', stateValue: { active: 'coding' }, status: 'coding', ...over });
    const tasks = new Map<string, TaskView>([
      ['t1', t('t1')], ['t2', t('t2', { agentId: 'a2' })], ['t3', t('t3', { agentId: 'a3' })], ['t4', t('t4', { agentId: 'a4', heldReason: 'stuck' })],
      ['t5', t('t5', { agentId: 'a5' })],
    ]);
    const plan = planRecovery([
      busy('a1', 't1', 'working', { health: 'stale' }),
      busy('a2', 't2', 'stuck', { health: 'stuck', lastProgressAt: '2026-01-01T00:02:00.000Z' }),
      busy('a3', 't3', 'abandoned', { health: 'stuck' }),
      busy('a4', 't4'),
      busy('a5', 't5', 'working', { health: 'crashed' }),
    ], tasks);
    expect(plan).toEqual([
      { kind: 'hold', taskId: 't1', reason: expect.stringContaining('went stale') },
      { kind: 'hold', taskId: 't2', reason: 'agent a2 is stuck (no progress since 2026-01-01T00:02:00.000Z)' },
      { kind: 'requeue', taskId: 't3', agentId: 'a3', reason: expect.stringContaining('reported no progress'), cause: 'stuck' },
      { kind: 'resume', taskId: 't4' },
      { kind: 'requeue', taskId: 't5', agentId: 'a5', reason: 'agent a5 crashed (no heartbeat)', cause: 'crashed' },
    ]);
  });

  it('releases an agent that is BUSY for a task that is not (or no longer) its own', () => {
    const tasks = new Map<string, TaskView>([['t1', task('t1', { agentId: 'someone-else', status: 'coding', stateValue: { active: 'coding' } })]]);
    expect(planRecovery([busy('a1', 't1'), busy('a2', 'gone')], tasks)).toEqual([
      { kind: 'release', taskId: 't1', agentId: 'a1' },
      { kind: 'release', taskId: 'gone', agentId: 'a2' },
    ]);
  });
});
