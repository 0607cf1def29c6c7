/**
 * Sessions, usage and budgets in the task machine (issue 16), through XState's pure
 * `transition()`, each step persisted and restored through JSON as the host does.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describeTaskEvent, taskMachine, taskStatus, type TaskSession } from '../../src/machines/index.js';
import { taskInput } from './fixtures.js';

type Actions = { type: string; params?: any }[];
const roundTrip = (s: AnyMachineSnapshot) =>
  taskMachine.resolveState(JSON.parse(JSON.stringify({ value: s.value, context: s.context }))) as AnyMachineSnapshot;
/** One step: the next snapshot (restored as the host would), its actions and its timeline entry. */
const step = (s: AnyMachineSnapshot, event: any) => {
  const [next, actions] = transition(taskMachine, roundTrip(s) as never, event) as [AnyMachineSnapshot, Actions];
  return { s: next, actions, entry: describeTaskEvent(event, next as never, roundTrip(s) as never) };
};
const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
const status = (s: AnyMachineSnapshot) => taskStatus(s.value);
const sessions = (s: AnyMachineSnapshot) => s.context.sessions as TaskSession[];
const releases = (actions: Actions) =>
  actions.filter((a) => a.type === 'xstate.emit' && a.params?.event?.event?.type === 'RELEASE').map((a) => a.params.event.to.id);

/** A task in the queue, as the orchestrator finds it. */
function queued(budgetMicros: number | null = null): AnyMachineSnapshot {
  const [s0] = initialTransition(taskMachine, taskInput({ budgetMicros })) as [AnyMachineSnapshot, Actions];
  return taskMachine.resolveState({ value: { active: { dispatched: 'queued' } }, context: s0.context } as never) as AnyMachineSnapshot;
}
const assign = (agentId: string, second: number) => ({ type: 'ASSIGN', agentId, agentName: `bot-${agentId}`, at: at(second) });
const usage = (agentId: string, costMicros: number, second: number, model: string | null = 'gpt-x') => ({
  type: 'USAGE',
  agentId,
  inputTokens: 100,
  outputTokens: 10,
  costMicros,
  model,
  at: at(second),
});

describe('task sessions (pure transitions)', () => {
  it('every assignment is a session: attempt n, its agent, its times, how it ended', () => {
    let { s } = step(queued(), assign('a1', 1));
    expect(sessions(s)).toEqual([
      expect.objectContaining({ attempt: 1, agentId: 'a1', agentName: 'bot-a1', startedAt: at(1), endedAt: null, outcome: 'running', iterations: 0 }),
    ]);
    expect(sessions(s)[0].queuedAt).toBeNull(); // restored straight into the queue: when it joined is unknown
    ({ s } = step(s, { type: 'START_CODING', agentId: 'a1', branch: 'b1', at: at(2) }));
    ({ s } = step(s, { type: 'ITERATION', agentId: 'a1', n: 1, summary: 'wrote the test', at: at(3) }));
    const it2 = step(s, { type: 'ITERATION', agentId: 'a1', n: 2, summary: 'made it pass', at: at(4) });
    expect(it2.entry).toEqual({ type: 'ITERATION', payload: { agentId: 'a1', n: 2, summary: 'made it pass' } });
    s = it2.s;
    expect(sessions(s)[0]).toMatchObject({ iterations: 2, lastIteration: { n: 2, summary: 'made it pass', at: at(4) } });
    // Another agent's report is not this session's (and not accepted).
    expect(roundTrip(s).can({ type: 'ITERATION', agentId: 'a2', n: 1, summary: 'x' } as never)).toBe(false);

    // The agent crashed: the orchestrator takes the task back; the next assignment is attempt 2.
    ({ s } = step(s, { type: 'REQUEUE', reason: 'agent bot-a1 crashed (no heartbeat)', cause: 'crashed', at: at(5) }));
    expect(sessions(s)[0]).toMatchObject({ outcome: 'crashed', endedAt: at(5), reason: 'agent bot-a1 crashed (no heartbeat)' });
    ({ s } = step(s, assign('a2', 6)));
    expect(sessions(s)[1]).toMatchObject({ queuedAt: at(5), startedAt: at(6) }); // back in the queue at 5, taken at 6
    ({ s } = step(s, { type: 'REQUEUE', reason: 'released by its worker', cause: 'released', at: at(7) }));
    ({ s } = step(s, assign('a3', 8)));
    ({ s } = step(s, { type: 'START_CODING', agentId: 'a3', branch: 'b3', at: at(9) }));
    ({ s } = step(s, { type: 'PR_OPENED', number: 4, url: 'https://x/pull/4', title: 'PR', at: at(10) }));
    expect(sessions(s).map((x) => [x.attempt, x.agentId, x.outcome, x.endedAt])).toEqual([
      [1, 'a1', 'crashed', at(5)],
      [2, 'a2', 'released', at(7)],
      [3, 'a3', 'pr_opened', at(10)],
    ]);
    // Past the PR the agent's session is over: no more reports on it.
    expect(roundTrip(s).can({ type: 'ITERATION', agentId: 'a3', n: 3, summary: 'x' } as never)).toBe(false);
  });

  it('a failed, a cancelled and a requeued-without-cause session say so', () => {
    const coding = step(step(queued(), assign('a1', 1)).s, { type: 'START_CODING', agentId: 'a1', branch: 'b', at: at(2) }).s;
    expect(sessions(step(coding, { type: 'FAIL', error: 'tests failed', at: at(3) }).s)[0]).toMatchObject({ outcome: 'failed', reason: 'tests failed', endedAt: at(3) });
    expect(sessions(step(coding, { type: 'CANCEL', reason: 'not needed', at: at(3) }).s)[0]).toMatchObject({ outcome: 'cancelled', reason: 'not needed' });
    expect(sessions(step(coding, { type: 'REQUEUE', reason: 'why not', at: at(3) }).s)[0]).toMatchObject({ outcome: 'requeued', reason: 'why not' });
  });

  it('usage adds up per session and per task; the task keeps it across sessions', () => {
    let { s } = step(queued(), assign('a1', 1));
    ({ s } = step(s, usage('a1', 1_000, 2)));
    const second = step(s, usage('a1', 2_500, 3, null));
    expect(second.entry).toEqual({ type: 'USAGE_REPORTED', payload: { agentId: 'a1', inputTokens: 100, outputTokens: 10, costMicros: 2_500, model: null } });
    s = second.s;
    expect(sessions(s)[0]).toMatchObject({ usage: { inputTokens: 200, outputTokens: 20, costMicros: 3_500 }, model: 'gpt-x' });
    ({ s } = step(s, { type: 'REQUEUE', reason: 'r', cause: 'released', at: at(4) }));
    ({ s } = step(s, assign('a2', 5)));
    ({ s } = step(s, usage('a2', 500, 6)));
    expect(sessions(s).map((x) => x.usage.costMicros)).toEqual([3_500, 500]);
    expect(s.context.usage).toEqual({ inputTokens: 300, outputTokens: 30, costMicros: 4_000 });
    // A report from an agent that holds no session of it is refused.
    expect(roundTrip(s).can(usage('a1', 1, 7) as never)).toBe(false);
  });

  it('80 % warns once; 100 % ends the session, lets the agent go and holds the task; a raise resumes it', () => {
    let { s } = step(queued(10_000), assign('a1', 1));
    ({ s } = step(s, { type: 'START_CODING', agentId: 'a1', branch: 'b', at: at(2) }));
    let r = step(s, usage('a1', 7_000, 3));
    expect(r.entry.type).toBe('USAGE_REPORTED');
    r = step(r.s, usage('a1', 1_000, 4));
    expect(r.entry).toMatchObject({ type: 'BUDGET_WARNING', payload: { percent: 80, budgetMicros: 10_000, totalCostMicros: 8_000 } });
    expect(r.s.context.budgetWarning).toEqual({ at: at(4), percent: 80 });
    r = step(r.s, usage('a1', 500, 5));
    expect(r.entry.type).toBe('USAGE_REPORTED'); // past 80 % already: no second warning

    r = step(r.s, usage('a1', 1_600, 6));
    expect(status(r.s)).toBe('held');
    expect(r.entry).toMatchObject({ type: 'BUDGET_REACHED', payload: { costMicros: 1_600, budgetMicros: 10_000, totalCostMicros: 10_100 } });
    expect(r.s.context).toMatchObject({ agentId: null, heldReason: 'budget reached', usage: { costMicros: 10_100 } });
    expect(sessions(r.s)[0]).toMatchObject({ outcome: 'budget', reason: 'budget reached', endedAt: at(6), usage: { costMicros: 10_100 } });
    expect(releases(r.actions)).toEqual(['a1']); // the agent is let go in the same transaction
    // Held: nobody may report on it, and the orchestrator's ASSIGN is not accepted.
    expect(roundTrip(r.s).can(assign('a2', 7) as never)).toBe(false);

    // Raised, but not past what was spent: still held.
    r = step(r.s, { type: 'SET_BUDGET', budgetMicros: 10_100, at: at(7) });
    expect(status(r.s)).toBe('held');
    expect(r.entry).toEqual({ type: 'BUDGET_SET', payload: { budgetMicros: 10_100, totalCostMicros: 10_100 } });
    r = step(r.s, { type: 'SET_BUDGET', budgetMicros: 20_000, at: at(8) });
    expect(r.s.value).toEqual({ active: { dispatched: 'queued' } });
    expect(r.entry).toEqual({ type: 'RESUMED', payload: { budgetMicros: 20_000, totalCostMicros: 10_100, reason: 'budget raised' } });
    expect(r.s.context.heldReason).toBeNull();
    // Back in the queue: the next assignment is attempt 2, and crossing 80 % of the new budget warns again.
    r = step(r.s, assign('a2', 9));
    r = step(r.s, usage('a2', 6_000, 10));
    expect(r.entry).toMatchObject({ type: 'BUDGET_WARNING', payload: { totalCostMicros: 16_100 } });
    expect(sessions(r.s).map((x) => x.attempt)).toEqual([1, 2]);
  });

  it('a budget lowered to what was spent stops the work at once; no budget never holds', () => {
    let { s } = step(queued(), assign('a1', 1));
    ({ s } = step(s, usage('a1', 5_000, 2)));
    let r = step(s, { type: 'SET_BUDGET', budgetMicros: 5_000, at: at(3) });
    expect(status(r.s)).toBe('held');
    expect(r.entry.type).toBe('BUDGET_REACHED');
    expect(releases(r.actions)).toEqual(['a1']);
    // Without a running session a lower budget is only recorded (the task is not being worked).
    r = step(queued(), { type: 'SET_BUDGET', budgetMicros: 0, at: at(1) });
    expect(r.s.value).toEqual({ active: { dispatched: 'queued' } });
    expect(r.s.context.budgetMicros).toBe(0);
    // No budget: any amount is fine.
    r = step(step(queued(null), assign('a1', 1)).s, usage('a1', 1e12, 2));
    expect(status(r.s)).toBe('dispatched');
  });

  it('held counts as active work, and may be cancelled or failed', () => {
    let { s } = step(queued(1), assign('a1', 1));
    ({ s } = step(s, usage('a1', 1, 2)));
    expect(status(s)).toBe('held');
    expect(step(s, { type: 'CANCEL', at: at(3) }).s.value).toBe('cancelled');
    expect(step(s, { type: 'FAIL', error: 'too expensive', at: at(3) }).s.value).toBe('failed');
    // The agent-health hold does not apply to it (no agent), nor its resume.
    expect(roundTrip(s).can({ type: 'RESUME' } as never)).toBe(false);
    expect(roundTrip(s).can({ type: 'HOLD', reason: 'x' } as never)).toBe(false);
  });

  it('a failure is recorded with its code, details and session; a retry clears it', () => {
    const coding = step(step(queued(), assign('a1', 1)).s, { type: 'START_CODING', agentId: 'a1', branch: 'b', at: at(2) }).s;
    const failed = step(coding, { type: 'FAIL', error: 'tests failed', code: 'TESTS_FAILED', details: { failing: 2 }, logsUrl: 'https://ci/1', at: at(3) });
    expect(failed.s.context.failure).toEqual({ code: 'TESTS_FAILED', message: 'tests failed', details: { failing: 2 }, logsUrl: 'https://ci/1', at: at(3), attempt: 1 });
    expect(sessions(failed.s)[0]).toMatchObject({ outcome: 'failed', code: 'TESTS_FAILED', reason: 'tests failed' });
    expect(failed.entry).toEqual({ type: 'FAILED', payload: { error: 'tests failed', code: 'TESTS_FAILED', details: { failing: 2 }, logsUrl: 'https://ci/1' } });
    expect(step(failed.s, { type: 'RETRY', at: at(4) }).s.context.failure).toBeNull();
    // Without a code, and the pipeline's own failures, get the pipeline's codes.
    expect(step(coding, { type: 'FAIL', error: 'x', at: at(3) }).s.context.failure.code).toBe('FAILED');
    const [s0] = initialTransition(taskMachine, taskInput()) as [AnyMachineSnapshot, Actions];
    const analyzing = taskMachine.resolveState({ value: { active: 'analyzing' }, context: s0.context } as never) as AnyMachineSnapshot;
    const broken = step(analyzing, { type: 'xstate.error.actor.analyze', error: { message: 'model down' }, at: at(1) }).s;
    expect(broken.context.failure).toMatchObject({ code: 'ANALYSIS_FAILED', message: 'Analysis failed: model down', attempt: null });
    // A release with a code keeps it on the session.
    expect(sessions(step(coding, { type: 'REQUEUE', reason: 'no disk', cause: 'released', code: 'NO_DISK', at: at(3) }).s)[0]).toMatchObject({ outcome: 'released', code: 'NO_DISK' });
  });

  it('a task restored from before sessions existed still works (no sessions, no usage)', () => {
    const old = queued();
    const { sessions: _s, usage: _u, budgetMicros: _b, budgetWarning: _w, ...context } = old.context;
    const legacy = taskMachine.resolveState({ value: { active: { dispatched: 'queued' } }, context } as never) as AnyMachineSnapshot;
    const { s } = step(legacy, { type: 'ASSIGN', agentId: 'a1' }); // no time: falls back to creation
    expect(sessions(s)).toEqual([expect.objectContaining({ attempt: 1, startedAt: legacy.context.createdAt })]);
    expect(step(s, usage('a1', 10, 2)).s.context.usage).toEqual({ inputTokens: 100, outputTokens: 10, costMicros: 10 });
  });
});
