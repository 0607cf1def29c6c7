/**
 * The liveness invariants on hand-made snapshots (src/liveness/): each one passes on a healthy
 * pipeline and FAILS on a crafted wedge — a check that cannot fail is a defect.
 */
import { describe, expect, it } from 'vitest';
import { countsComparable, countsDisagreement } from '../../src/liveness/invariants/counts.js';
import { sessionsDisagree } from '../../src/liveness/invariants/sessions.js';
import { LivenessMonitor } from '../../src/liveness/monitor.js';
import type { AgentSample, CountsRead, Snapshot, TaskSample, TimelineEntry } from '../../src/liveness/types.js';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

const task = (over: Partial<TaskSample> = {}): TaskSample => ({
  id: 'task-1',
  title: 'Speed up CSV export',
  org: 'acme',
  private: false,
  creatorId: 'acme/ada',
  status: 'DISPATCHED',
  phase: 'queued',
  version: 5,
  assignedAgentId: null,
  ...over,
});
const agent = (over: Partial<AgentSample> = {}): AgentSample => ({
  id: 'agent-1',
  name: 'bot-1',
  org: 'acme',
  status: 'IDLE',
  health: 'HEALTHY',
  currentTaskId: null,
  ...over,
});
const snap = (second: number, parts: Partial<Snapshot> = {}): Snapshot => ({
  at: T0 + second * 1000,
  tasks: [],
  agents: [],
  agentOrgs: ['acme', 'globex'],
  timelines: {},
  counts: [],
  ...parts,
});
const entry = (version: number, type: string, payload: Record<string, unknown> | null = null): TimelineEntry => ({ version, type, at: new Date(T0).toISOString(), payload });

/** Observe one snapshot per second from `from` to `to` (inclusive) made by `make`. */
function run(monitor: LivenessMonitor, from: number, to: number, make: (second: number) => Partial<Snapshot>) {
  for (let s = from; s <= to; s++) monitor.observe(snap(s, make(s)));
  return monitor.violations;
}
const names = (m: LivenessMonitor) => m.violations.map((v) => v.invariant);

describe('queued-task-taken', () => {
  it('fails when a queued task waits longer than T while an eligible agent is idle', () => {
    const monitor = new LivenessMonitor({ takeWithinMs: 10_000 });
    run(monitor, 0, 15, () => ({ tasks: [task()], agents: [agent()] }));
    const found = monitor.violations.filter((v) => v.invariant === 'queued-task-taken');
    expect(found).toHaveLength(1); // once per episode, not once per sample
    expect(found[0]).toMatchObject({ taskId: 'task-1', agentId: 'agent-1', at: '2026-12-01T10:00:11.000Z' });
    expect(found[0].message).toMatch(/queued for 11\.0 s .*bot-1 \(agent-1\)/);
    expect(monitor.summary().longestIdleWait).toEqual({ seconds: 15, taskId: 'task-1' });
  });

  it('passes when the task is taken within T', () => {
    const monitor = new LivenessMonitor();
    run(monitor, 0, 3, () => ({ tasks: [task()], agents: [agent()] }));
    run(monitor, 4, 30, () => ({
      tasks: [task({ status: 'CODING', phase: null, assignedAgentId: 'agent-1', version: 100 })],
      agents: [agent({ status: 'BUSY', currentTaskId: 'task-1' })],
    }));
    expect(names(monitor)).not.toContain('queued-task-taken');
    expect(monitor.summary().longestIdleWait.seconds).toBe(3);
  });

  it('does not blame a wait on agents that are busy, unhealthy or of another org', () => {
    const monitor = new LivenessMonitor({ progressWindowMs: 1e9 });
    const agents = [
      agent({ id: 'busy', status: 'BUSY', currentTaskId: 'other' }),
      agent({ id: 'stale', health: 'STALE' }),
      agent({ id: 'crashed', health: 'CRASHED' }),
      agent({ id: 'elsewhere', org: 'globex' }),
    ];
    const other = task({ id: 'other', status: 'CODING', phase: null, assignedAgentId: 'busy' });
    run(monitor, 0, 60, (s) => ({ tasks: [task(), { ...other, version: s }], agents }));
    expect(monitor.violations).toEqual([]);
    expect(monitor.summary().longestQueued).toEqual({ seconds: 60, taskId: 'task-1' });
    expect(monitor.summary().longestIdleWait.seconds).toBe(0);
  });

  it('starts the wait over when, at some sample, no eligible agent was idle', () => {
    const monitor = new LivenessMonitor({ progressWindowMs: 1e9 });
    run(monitor, 0, 30, (s) => ({ tasks: [task()], agents: s % 8 === 7 ? [] : [agent()] }));
    expect(names(monitor)).not.toContain('queued-task-taken');
  });

  it('gives no verdict on an org whose agents it cannot read', () => {
    const monitor = new LivenessMonitor({ progressWindowMs: 1e9 });
    run(monitor, 0, 30, () => ({ tasks: [task()], agents: [agent()], agentOrgs: ['globex'] }));
    expect(monitor.violations).toEqual([]);
  });
});

describe('busy-agent-holds-task', () => {
  const coding = (over: Partial<TaskSample> = {}) => task({ status: 'CODING', phase: null, assignedAgentId: 'agent-1', ...over });

  it('fails on an agent BUSY with a task that is assigned to nobody (the wedge of issue 12)', () => {
    const monitor = new LivenessMonitor({ graceMs: 5000 });
    run(monitor, 0, 10, (s) => ({ tasks: [task({ version: 5 + s })], agents: [agent({ status: 'BUSY', currentTaskId: 'task-1' })] }));
    const found = monitor.violations.filter((v) => v.invariant === 'busy-agent-holds-task');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ agentId: 'agent-1', taskId: 'task-1', at: '2026-12-01T10:00:06.000Z' });
    expect(found[0].message).toMatch(/BUSY for 6\.0 s but holds task task-1 .*assigned to nobody/);
  });

  it('fails on an agent BUSY with no task, with a task of another agent, with an unreadable or finished task', () => {
    const cases: [AgentSample, TaskSample[], RegExp][] = [
      [agent({ status: 'BUSY' }), [], /holds no task/],
      [agent({ status: 'BUSY', currentTaskId: 'task-1' }), [coding({ assignedAgentId: 'agent-2' })], /assigned to agent agent-2/],
      [agent({ status: 'BUSY', currentTaskId: 'ghost' }), [], /none of the checker's users can read/],
      [agent({ status: 'BUSY', currentTaskId: 'task-1' }), [coding({ status: 'PR_OPEN' })], /PR_OPEN and no longer worked/],
    ];
    for (const [a, tasks, why] of cases) {
      const monitor = new LivenessMonitor({ progressWindowMs: 1e9 });
      run(monitor, 0, 8, () => ({ tasks, agents: [a] }));
      const found = monitor.violations.filter((v) => v.invariant === 'busy-agent-holds-task');
      expect(found, String(why)).toHaveLength(1);
      expect(found[0].message).toMatch(why);
    }
  });

  it('allows a disagreement shorter than the grace (the agent and the task are read apart)', () => {
    const monitor = new LivenessMonitor({ graceMs: 5000 });
    run(monitor, 0, 3, () => ({ tasks: [task()], agents: [agent({ status: 'BUSY', currentTaskId: 'task-1' })] }));
    run(monitor, 4, 20, (s) => ({ tasks: [coding({ version: 10 + s })], agents: [agent({ status: 'BUSY', currentTaskId: 'task-1' })] }));
    expect(monitor.violations).toEqual([]);
  });

  it('passes on agents holding tasks they were assigned (taken, or coding)', () => {
    const monitor = new LivenessMonitor();
    run(monitor, 0, 5, () => ({
      tasks: [task({ phase: 'assigned', assignedAgentId: 'agent-1' }), coding({ id: 'task-2', assignedAgentId: 'agent-2' })],
      agents: [agent({ status: 'BUSY', currentTaskId: 'task-1' }), agent({ id: 'agent-2', status: 'BUSY', currentTaskId: 'task-2' })],
    }));
    expect(monitor.violations).toEqual([]);
  });
});

describe('taken-task-moves', () => {
  it('fails on a task taken but not started beyond the bound', () => {
    const monitor = new LivenessMonitor({ assignedWithinMs: 10_000 });
    run(monitor, 0, 12, () => ({ tasks: [task({ phase: 'assigned', assignedAgentId: 'agent-1' })], agents: [agent({ status: 'BUSY', currentTaskId: 'task-1' })] }));
    const found = monitor.violations.filter((v) => v.invariant === 'taken-task-moves');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ taskId: 'task-1', agentId: 'agent-1' });
    expect(found[0].message).toMatch(/taken \(agent agent-1\) but has not started coding for 11\.0 s/);
  });

  it('fails on a coding task without a report for longer than the stuck window, passes while reports come', () => {
    const silent = new LivenessMonitor({ stuckAfterMs: 20_000, graceMs: 5000 });
    const coding = (version: number) => task({ status: 'CODING', phase: null, assignedAgentId: 'agent-1', version });
    const busy = [agent({ status: 'BUSY', currentTaskId: 'task-1' })];
    run(silent, 0, 30, () => ({ tasks: [coding(7)], agents: busy }));
    expect(silent.violations.map((v) => [v.invariant, v.taskId, v.agentId])).toEqual([['taken-task-moves', 'task-1', 'agent-1']]);
    expect(silent.violations[0].message).toMatch(/CODING \(agent agent-1\) without a report for 26\.0 s/);

    const reporting = new LivenessMonitor({ stuckAfterMs: 20_000, graceMs: 5000 });
    run(reporting, 0, 120, (s) => ({ tasks: [coding(7 + Math.floor(s / 10))], agents: busy }));
    expect(reporting.violations).toEqual([]);
  });

  it('fails on a task back in the queue without a REQUEUED entry, or REQUEUED without a reason', () => {
    const monitor = new LivenessMonitor({ progressWindowMs: 1e9 });
    monitor.observe(snap(0, { tasks: [task({ phase: 'assigned', version: 6, assignedAgentId: 'agent-1' })], timelines: { 'task-1': [entry(6, 'ASSIGNED', { agentId: 'agent-1' })] } }));
    monitor.observe(snap(1, { tasks: [task({ version: 7 })], timelines: { 'task-1': [entry(7, 'CODING_STARTED')] } }));
    expect(monitor.violations.map((v) => v.message)).toEqual([expect.stringMatching(/queued at version 7, after it was taken by agent agent-1 \(version 6\), with no REQUEUED/)]);

    const noReason = new LivenessMonitor({ progressWindowMs: 1e9 });
    noReason.observe(snap(0, { tasks: [task({ version: 7 })], timelines: { 'task-1': [entry(6, 'ASSIGNED', { agentId: 'agent-1' }), entry(7, 'REQUEUED', { reason: ' ' })] } }));
    expect(noReason.violations.map((v) => v.message)).toEqual([expect.stringMatching(/REQUEUED, version 7 .*without a reason/)]);
  });

  it('judges a sampled task at its own version: a sample older than its timeline is not a task back in the queue', () => {
    // One user's read saw the task queued (version 5); its timeline, read a moment later, already has ASSIGNED (6).
    const monitor = new LivenessMonitor({ progressWindowMs: 1e9 });
    monitor.observe(snap(0, { tasks: [task({ version: 5 })], timelines: { 'task-1': [entry(5, 'ISSUE_OPENED'), entry(6, 'ASSIGNED', { agentId: 'agent-1' })] } }));
    monitor.observe(snap(1, { tasks: [task({ phase: 'assigned', version: 6, assignedAgentId: 'agent-1' })] }));
    expect(monitor.violations).toEqual([]);
  });

  it('fails on a task given back again and again (a livelock, each requeue with its reason)', () => {
    const monitor = new LivenessMonitor({ maxRequeues: 3, progressWindowMs: 1e9 });
    for (let round = 0; round < 6; round++) {
      const v = 6 + 3 * round;
      monitor.observe(snap(round, {
        tasks: [task({ version: v + 2 })],
        timelines: { 'task-1': [entry(v, 'ASSIGNED', { agentId: `agent-${round % 2}` }), entry(v + 1, 'CODING_STARTED'), entry(v + 2, 'REQUEUED', { reason: 'agent bot-1 reported no progress since <time>' })] },
      }));
    }
    const found = monitor.violations.filter((v) => v.invariant === 'taken-task-moves');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ taskId: 'task-1', agentId: 'agent-1', at: '2026-12-01T10:00:03.000Z' });
    expect(found[0].message).toMatch(/went back to the queue 4 times \(bound 3\).*taken by agent-0, agent-1/);
    expect(monitor.summary()).toMatchObject({ requeued: 6, requeuedTasks: 1 });
  });

  it('passes on a task requeued with its reason, and on tasks that reached an outcome', () => {
    const monitor = new LivenessMonitor({ progressWindowMs: 1e9 });
    monitor.observe(snap(0, { tasks: [task({ version: 7 })], timelines: { 'task-1': [entry(6, 'ASSIGNED', { agentId: 'agent-1' }), entry(7, 'REQUEUED', { reason: 'agent bot-1 crashed (no heartbeat)' })] } }));
    for (const status of ['PR_OPEN', 'MERGED', 'FAILED', 'CANCELLED'] as const) {
      monitor.observe(snap(1, { tasks: [task({ id: status, status, phase: null, version: 9 })], timelines: { [status]: [entry(8, 'ASSIGNED', { agentId: 'a' })] } }));
    }
    run(monitor, 2, 60, () => ({ tasks: [task({ id: 'MERGED', status: 'MERGED', phase: null, version: 9 })] }));
    expect(monitor.violations).toEqual([]);
    expect(monitor.summary()).toMatchObject({ requeued: 1, requeuedTasks: 1, requeueReasons: { 'agent bot-1 crashed (no heartbeat)': 1 } });
  });
});

describe('counts-agree', () => {
  const read = (over: Partial<CountsRead> = {}): CountsRead => ({
    user: 'Ada@acme',
    scope: 'ALL',
    counts: { cursor: '40', byStatus: { DISPATCHED: 1, MERGED: 2 }, active: 1, completed: 2, failed: 0, cancelled: 0, total: 3 },
    pages: [
      { cursor: '40', statuses: ['MERGED', 'DISPATCHED'] },
      { cursor: '40', statuses: ['MERGED'] },
    ],
    ...over,
  });

  it('passes when the counts equal the list at one cursor', () => {
    expect(countsComparable(read())).toBe(true);
    expect(countsDisagreement(read())).toEqual([]);
    const monitor = new LivenessMonitor();
    run(monitor, 0, 3, () => ({ counts: [read(), read({ scope: 'MINE' })] }));
    expect(monitor.violations).toEqual([]);
    expect(monitor.summary().counts).toEqual({ compared: 8, inconclusive: 0 });
  });

  it('fails when the counts disagree with the list read at the same cursor', () => {
    const wrong = read({ pages: [{ cursor: '40', statuses: ['MERGED', 'DISPATCHED', 'DISPATCHED'] }] });
    expect(countsDisagreement(wrong)).toEqual(['DISPATCHED: counts 1, list 2', 'MERGED: counts 2, list 1']);
    const monitor = new LivenessMonitor();
    run(monitor, 0, 5, () => ({ counts: [wrong] }));
    expect(monitor.violations).toHaveLength(1);
    expect(monitor.violations[0]).toMatchObject({ invariant: 'counts-agree', user: 'Ada@acme' });
    expect(monitor.violations[0].message).toMatch(/dashboardCounts\(ALL\) of Ada@acme disagrees with its task list at cursor 40: DISPATCHED: counts 1, list 2/);
  });

  it('fails when the derived figures do not follow from byStatus', () => {
    const wrong = read({ counts: { ...read().counts, total: 4, completed: 1 } });
    expect(countsDisagreement(wrong)).toEqual(['total is 4, byStatus says 3', 'completed is 1, byStatus says 2']);
  });

  it('gives no verdict on a read whose pages are at another cursor than the counts (the log moved)', () => {
    const moved = read({ pages: [{ cursor: '41', statuses: ['MERGED', 'DISPATCHED', 'DISPATCHED'] }] });
    expect(countsComparable(moved)).toBe(false);
    const monitor = new LivenessMonitor();
    run(monitor, 0, 3, () => ({ counts: [moved] }));
    expect(monitor.violations).toEqual([]);
    expect(monitor.summary().counts).toEqual({ compared: 0, inconclusive: 4 });
  });
});

describe('work-keeps-moving', () => {
  it('fails when tasks stay workable for W with no step of work, though new tasks keep coming', () => {
    const monitor = new LivenessMonitor({ progressWindowMs: 30_000 });
    // Every agent wedged on its task (issue 12): tasks are still created and analysed, nothing is worked.
    run(monitor, 0, 40, (s) => ({
      tasks: [task({ id: 'q' }), task({ id: `new-${s}`, status: s % 2 ? 'ANALYZING' : 'RECEIVED', phase: null })],
      agents: [agent({ status: 'BUSY', currentTaskId: 'stuck', health: 'HEALTHY' })],
      timelines: { [`new-${s}`]: [entry(1, 'CREATED'), entry(2, 'ANALYSIS_STARTED')] },
    }));
    const found = monitor.violations.filter((v) => v.invariant === 'work-keeps-moving');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ at: '2026-12-01T10:00:31.000Z', taskId: 'q', agentId: 'agent-1' });
    expect(found[0].message).toMatch(/no task took a step of work for 31\.0 s .* 1 task\(s\) were workable: q \(acme\); agents: bot-1 BUSY\/HEALTHY on stuck/);
  });

  it('passes while some task takes a step every window, and when nothing is workable', () => {
    const moving = new LivenessMonitor({ progressWindowMs: 30_000 });
    run(moving, 0, 120, (s) => ({
      tasks: [task({ id: 'q' })],
      timelines: s % 20 === 0 ? { [`t${s}`]: [entry(9, 'PR_MERGED')] } : {},
    }));
    expect(moving.violations.filter((v) => v.invariant === 'work-keeps-moving')).toEqual([]);
    expect(moving.summary().longestStallSeconds).toBe(19);

    const idle = new LivenessMonitor({ progressWindowMs: 30_000 });
    run(idle, 0, 120, () => ({ tasks: [task({ status: 'MERGED', phase: null })], agents: [agent()] }));
    expect(idle.violations).toEqual([]);
  });

  it('counts a status change seen between samples as a step, but not a task going back to the queue', () => {
    const monitor = new LivenessMonitor({ progressWindowMs: 10_000, stuckAfterMs: 1e9, takeWithinMs: 1e9 });
    run(monitor, 0, 20, (s) => ({
      tasks: [task({ id: 'q' }), task({ id: 'w', status: s % 2 ? 'CODING' : 'DISPATCHED', phase: s % 2 ? null : 'queued' })],
    }));
    // DISPATCHED → CODING every other second is a step; CODING → DISPATCHED (requeue) is not.
    expect(monitor.violations).toEqual([]);

    const bouncing = new LivenessMonitor({ progressWindowMs: 10_000, stuckAfterMs: 1e9, takeWithinMs: 1e9 });
    run(bouncing, 0, 20, (s) => ({
      tasks: [task({ id: 'q' })],
      timelines: { q: [entry(2 * s, 'ASSIGNED', { agentId: 'a' }), entry(2 * s + 1, 'REQUEUED', { reason: 'released by its worker' })] },
    }));
    // Nothing moves forward (and the task is given back far more often than the bound allows).
    expect(bouncing.violations.map((v) => v.invariant)).toEqual(['taken-task-moves', 'work-keeps-moving']);
  });
});

describe('a whole run', () => {
  it('a healthy pipeline: tasks queued, taken, coded, merged; figures add up and nothing is reported', () => {
    const monitor = new LivenessMonitor();
    const agents = (busyWith: string | null) => [agent({ status: busyWith ? 'BUSY' : 'IDLE', currentTaskId: busyWith })];
    // Task k is created at 10k s, queued for a second, then coded for 6 s (a report every 2 s), then merged.
    for (let s = 0; s < 60; s++) {
      const tasks: TaskSample[] = [];
      const timelines: Record<string, TimelineEntry[]> = {};
      let busy: string | null = null;
      for (let k = 0; 10 * k <= s; k++) {
        const age = s - 10 * k;
        const id = `t${k}`;
        const t = task({ id, private: k % 2 === 1 });
        if (age === 0) {
          tasks.push(t);
          timelines[id] = [entry(1, 'CREATED'), entry(5, 'ISSUE_OPENED')];
        } else if (age === 1) {
          tasks.push({ ...t, phase: 'assigned', assignedAgentId: 'agent-1', version: 6 });
          timelines[id] = [entry(6, 'ASSIGNED', { agentId: 'agent-1' })];
          busy = id;
        } else if (age <= 7) {
          const version = 7 + Math.floor(age / 2);
          tasks.push({ ...t, status: 'CODING', phase: null, assignedAgentId: 'agent-1', version });
          if (age % 2 === 0) timelines[id] = [entry(version, age === 2 ? 'CODING_STARTED' : 'PROGRESS')];
          busy = id;
        } else if (age === 8) {
          tasks.push({ ...t, status: 'PR_OPEN', phase: null, version: 11 });
          timelines[id] = [entry(11, 'PR_OPENED')];
        } else {
          tasks.push({ ...t, status: 'MERGED', phase: null, version: 12 });
          if (age === 9) timelines[id] = [entry(12, 'PR_MERGED')];
        }
      }
      monitor.observe(snap(s, { tasks, agents: agents(busy), timelines }));
    }
    expect(monitor.violations).toEqual([]);
    expect(monitor.summary()).toMatchObject({
      samples: 60,
      tasks: 6,
      createdDuringRun: 5,
      worked: 6,
      merged: 6,
      failed: 0,
      requeued: 0,
      longestIdleWait: { seconds: 0 },
      byOrg: { acme: { tasks: 6, worked: 6, merged: 6, privateTasks: 3, privateReachedPr: 3 } },
    });
  });

  it('the wedge of issue 12: a private task assigned to an agent that cannot start it; everything after waits', () => {
    const monitor = new LivenessMonitor();
    const wedged = task({ id: 'private-1', private: true, phase: 'assigned', assignedAgentId: 'agent-1', version: 6 });
    run(monitor, 0, 45, (s) => ({
      tasks: [wedged, ...Array.from({ length: Math.floor(s / 4) }, (_, k) => task({ id: `q${k}` }))],
      agents: [agent({ status: 'BUSY', currentTaskId: 'private-1' })],
    }));
    expect(new Set(names(monitor))).toEqual(new Set(['taken-task-moves', 'work-keeps-moving']));
    expect(monitor.violations.find((v) => v.invariant === 'taken-task-moves')).toMatchObject({ taskId: 'private-1', agentId: 'agent-1' });
  });
});

describe('sessions-agree', () => {
  const usage = (costMicros: number) => ({ inputTokens: costMicros * 2, outputTokens: costMicros, costMicros });
  const session = (attempt: number, outcome: string, costMicros = 0, agentId = 'agent-1') => ({ attempt, agentId, outcome, usage: usage(costMicros) });
  const coding = (over: Partial<TaskSample> = {}) =>
    task({ status: 'CODING', phase: null, assignedAgentId: 'agent-1', sessions: [session(1, 'CRASHED', 5, 'agent-0'), session(2, 'RUNNING', 7)], usage: usage(12), ...over });

  it('holds while sessions agree with their task', () => {
    expect(sessionsDisagree(coding())).toBeNull();
    expect(sessionsDisagree(task({ status: 'HELD', phase: null, sessions: [session(1, 'BUDGET', 9)], usage: usage(9) }))).toBeNull();
    expect(sessionsDisagree(task({ sessions: [], usage: usage(0) }))).toBeNull(); // queued, never worked
    expect(sessionsDisagree(task())).toBeNull(); // a sample without sessions is not about them
  });

  it('says what disagrees', () => {
    expect(sessionsDisagree(coding({ usage: usage(11) }))).toMatch(/inputTokens is 22, its sessions' add up to 24/);
    expect(sessionsDisagree(coding({ assignedAgentId: 'agent-9' }))).toMatch(/running session is agent agent-1's, the task is assigned to agent-9/);
    expect(sessionsDisagree(coding({ sessions: [session(1, 'RUNNING', 5), session(2, 'RUNNING', 7)] }))).toMatch(/2 running sessions/);
    expect(sessionsDisagree(coding({ sessions: [session(1, 'CRASHED', 12)] }))).toMatch(/CODING with no running session/);
    expect(sessionsDisagree(task({ sessions: [session(1, 'RUNNING', 0)], usage: usage(0) }))).toMatch(/session 1 is running while the task is DISPATCHED \(queued\)/);
    expect(sessionsDisagree(coding({ sessions: [session(2, 'RUNNING', 12)] }))).toMatch(/attempts are 2, not 1…1/);
    expect(sessionsDisagree(task({ status: 'HELD', phase: null, assignedAgentId: 'agent-1', sessions: [session(1, 'BUDGET', 9)], usage: usage(9) }))).toMatch(/HELD but assigned/);
  });

  it('is reported once per task version by the monitor', () => {
    const monitor = new LivenessMonitor({ graceMs: 5_000 });
    run(monitor, 0, 3, () => ({ tasks: [coding({ usage: usage(1) })] }));
    expect(monitor.violations.filter((v) => v.invariant === 'sessions-agree')).toHaveLength(1);
    expect(monitor.violations.find((v) => v.invariant === 'sessions-agree')).toMatchObject({ taskId: 'task-1' });
  });
});
