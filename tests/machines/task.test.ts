import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describeTaskEvent, taskMachine, taskStatus } from '../../src/machines/index.js';
import { TASK_EVENTS, taskInput } from './fixtures.js';

const input = taskInput();

type Actions = { type: string; params?: any }[];
const start = () => initialTransition(taskMachine, input) as [AnyMachineSnapshot, Actions];
const send = (s: AnyMachineSnapshot, event: any) => transition(taskMachine, s as never, event) as [AnyMachineSnapshot, Actions];
/** Persist and restore the way the host does (through JSON). */
const roundTrip = (s: AnyMachineSnapshot) =>
  taskMachine.resolveState(JSON.parse(JSON.stringify({ value: s.value, context: s.context }))) as AnyMachineSnapshot;

function toAnalyzing() {
  const [s0, a0] = start();
  const raise = a0.find((a) => a.type === 'xstate.raise');
  return { s0, a0, raise, s1: send(roundTrip(s0), raise!.params.event) };
}

describe('task machine (pure transitions)', () => {
  it('starts in received and schedules analysis as a delayed (durable) event, not a timer', () => {
    const { s0, raise } = toAnalyzing();
    expect(s0.value).toEqual({ active: 'received' });
    expect(raise?.params).toMatchObject({ delay: 0, event: { type: expect.stringContaining('xstate.after') } });
  });

  it('entering analyzing asks the host to run the analyze effect with the task text', () => {
    const { s1: [s1, actions] } = toAnalyzing();
    expect(s1.value).toEqual({ active: 'analyzing' });
    const spawn = actions.find((a) => a.type === 'xstate.spawnChild');
    expect(spawn?.params).toMatchObject({ src: 'analyze', id: 'analyze', input: { title: 'Dark mode', description: 'Add a dark theme' } });
    expect(describeTaskEvent({ type: actions[0]?.params?.event?.type ?? 'xstate.after.0.task.active.received' }, s1 as never).type).toBe('ANALYSIS_STARTED');
  });

  it('clarify → answers → analyzing → dispatch → issue opened → coding → PR → merged', () => {
    let [s] = toAnalyzing().s1;
    [s] = send(roundTrip(s), { type: 'xstate.done.actor.analyze', output: { verdict: 'clarify', questions: ['What?', 'When?'] } });
    expect(s.value).toEqual({ active: 'needs_clarification' });
    expect(s.context.clarifications).toEqual([{ questions: ['What?', 'When?'], answers: null }]);

    // Wrong number of answers is not accepted; nothing changes.
    expect(roundTrip(s).can({ type: 'ANSWER', answers: ['only one'] })).toBe(false);
    [s] = send(roundTrip(s), { type: 'ANSWER', answers: ['This', 'Now'] });
    expect(s.value).toEqual({ active: 'analyzing' });
    expect(s.context.clarifications[0].answers).toEqual(['This', 'Now']);

    const [dispatched, actions] = send(roundTrip(s), { type: 'xstate.done.actor.analyze', output: { verdict: 'dispatch' } });
    s = dispatched;
    expect(s.value).toEqual({ active: { dispatched: 'openingIssue' } });
    expect(actions.find((a) => a.type === 'xstate.spawnChild')?.params.src).toBe('openIssue');
    expect(roundTrip(s).can({ type: 'START_CODING', agentId: 'a', branch: 'b' })).toBe(false);

    [s] = send(roundTrip(s), { type: 'xstate.done.actor.openIssue', output: { number: 7, url: 'https://x/issues/7' } });
    expect(s.value).toEqual({ active: { dispatched: 'queued' } });
    expect(s.context.issue).toEqual({ number: 7, url: 'https://x/issues/7' });
    expect(roundTrip(s).can({ type: 'START_CODING', agentId: 'a1', branch: 'b' })).toBe(false); // not assigned yet

    [s] = send(roundTrip(s), { type: 'ASSIGN', agentId: 'a1' });
    expect(s.value).toEqual({ active: { dispatched: 'assigned' } });
    expect(roundTrip(s).can({ type: 'START_CODING', agentId: 'someone-else', branch: 'b' })).toBe(false);
    [s] = send(roundTrip(s), { type: 'START_CODING', agentId: 'a1', branch: 'task/7' });
    expect(taskStatus(s.value)).toBe('coding');
    expect(s.context).toMatchObject({ agentId: 'a1', branch: 'task/7' });

    [s] = send(roundTrip(s), { type: 'PROGRESS', message: 'tests pass', percent: 60 });
    expect(s.context.progress).toEqual({ message: 'tests pass', percent: 60 });
    expect(taskStatus(s.value)).toBe('coding');
    [s] = send(roundTrip(s), { type: 'PR_OPENED', number: 12, url: 'https://x/pull/12', title: 'Dark mode' });
    expect(s.value).toEqual({ active: 'pr_open' });
    [s] = send(roundTrip(s), { type: 'PR_MERGED', sha: 'abc1234', mergedAt: '2026-01-02T00:00:00.000Z' });
    expect(s.value).toBe('merged');
    expect(s.status).toBe('done');
    expect(s.context).toMatchObject({ mergeCommitSha: 'abc1234', agentId: null, pr: { number: 12 } });
  });

  it('cancel and fail are shared transitions of the parent `active` state', () => {
    const active = taskMachine.getStateNodeById('task.active');
    expect(Object.keys(active.on)).toEqual(expect.arrayContaining(['CANCEL', 'FAIL']));
    const [s] = send(roundTrip(toAnalyzing().s1[0]), { type: 'FAIL', error: 'worker lost' });
    expect(s.value).toBe('failed');
    expect(s.context.error).toBe('worker lost');
  });

  it('fails from any working state with a message, and retry goes back to analyzing', () => {
    let [s] = toAnalyzing().s1;
    [s] = send(roundTrip(s), { type: 'xstate.error.actor.analyze', error: { message: 'model timed out' } });
    expect(s.value).toBe('failed');
    expect(s.context.error).toBe('Analysis failed: model timed out');
    const [retried, actions] = send(roundTrip(s), { type: 'RETRY' });
    expect(retried.value).toEqual({ active: 'analyzing' });
    expect(retried.context.error).toBeNull();
    expect(actions.some((a) => a.type === 'xstate.spawnChild')).toBe(true);
  });

  it("a crashed agent's task goes back to the queue; a stale one is held, then resumed", () => {
    const context = { ...start()[0].context, agentId: 'a1', branch: 'task/7' };
    const coding = taskMachine.resolveState({ value: { active: 'coding' }, context } as never) as AnyMachineSnapshot;
    const [held] = send(coding, { type: 'HOLD', reason: 'agent w1 went stale' });
    expect(held.value).toEqual({ active: 'coding' });
    expect(held.context.heldReason).toBe('agent w1 went stale');
    const [resumed] = send(held, { type: 'RESUME' });
    expect(resumed.context.heldReason).toBeNull();
    expect(resumed.can({ type: 'RESUME' })).toBe(false);
    const [requeued] = send(resumed, { type: 'REQUEUE', reason: 'agent w1 crashed' });
    expect(requeued.value).toEqual({ active: { dispatched: 'queued' } });
    expect(requeued.context).toMatchObject({ agentId: null, branch: null, progress: null });
    // Nothing to hold without an agent.
    expect(requeued.can({ type: 'HOLD', reason: 'x' })).toBe(false);
  });

  it('PR closed unmerged fails the task with "PR closed"', () => {
    const s = taskMachine.resolveState({ value: { active: 'pr_open' }, context: { ...start()[0].context, agentId: 'a1' } }) as AnyMachineSnapshot;
    const [next] = send(s, { type: 'PR_CLOSED' });
    expect(next.value).toBe('failed');
    expect(next.context).toMatchObject({ error: 'PR closed', agentId: null });
  });

  it('cancel is allowed from every non-final state and from failed, never from merged or cancelled', () => {
    const context = start()[0].context;
    for (const value of [...['received', 'analyzing', 'needs_clarification', { dispatched: 'openingIssue' }, { dispatched: 'queued' }, { dispatched: 'assigned' }, 'coding', 'pr_open'].map((v) => ({ active: v })), 'failed']) {
      const s = taskMachine.resolveState({ value, context } as never) as AnyMachineSnapshot;
      expect(s.can({ type: 'CANCEL' }), JSON.stringify(value)).toBe(true);
      expect(send(s, { type: 'CANCEL' })[0].value).toBe('cancelled');
    }
    for (const value of ['merged', 'cancelled']) {
      const s = taskMachine.resolveState({ value, context } as never) as AnyMachineSnapshot;
      expect(s.can({ type: 'CANCEL' })).toBe(false);
      expect(s.can({ type: 'RETRY' })).toBe(false);
    }
  });

  it('rejects events that do not apply in the current state', () => {
    const [s] = start();
    for (const event of [{ type: 'RETRY' }, { type: 'PR_MERGED', sha: 'abc1234', mergedAt: 'x' }, { type: 'ANSWER', answers: ['a'] }, { type: 'START_CODING', agentId: 'a', branch: 'b' }]) {
      expect(s.can(event as never), event.type).toBe(false);
    }
  });

  it('leaving analyzing stops the effect (the host drops its late result)', () => {
    const [s] = toAnalyzing().s1;
    const [cancelled, actions] = send(roundTrip(s), { type: 'CANCEL' });
    expect(cancelled.value).toBe('cancelled');
    expect(actions.some((a) => a.type === 'xstate.stopChild')).toBe(true);
    expect(cancelled.can({ type: 'xstate.done.actor.analyze', output: { verdict: 'dispatch' } } as never)).toBe(false);
  });

  it('a private task grants its agent\'s user read access while the agent holds it, and takes it back', () => {
    const queued = (ctx: object) =>
      taskMachine.resolveState({ value: { active: { dispatched: 'queued' } }, context: { ...start()[0].context, ...ctx } } as never) as AnyMachineSnapshot;
    const assign = { type: 'ASSIGN', agentId: 'a1', agentName: 'bot-1', agentOwnerId: 'u9' };
    const [held] = send(queued({ private: true }), assign);
    expect(held.context.grant).toEqual({ agentId: 'a1', agentName: 'bot-1', userId: 'u9' });
    expect(describeTaskEvent(assign, held as never).payload).toEqual({ agentId: 'a1', agentName: 'bot-1', grantedTo: 'u9' });
    expect(send(queued({ private: false }), assign)[0].context.grant).toBeNull(); // public: nothing to grant

    const [requeued] = send(held, { type: 'REQUEUE', reason: 'agent bot-1 stopped' });
    expect(requeued.context).toMatchObject({ grant: null, agentId: null, previousAgentId: 'a1' });
    const [coding] = send(held, { type: 'START_CODING', agentId: 'a1', branch: 'b' });
    expect(coding.context.grant).not.toBeNull();
    const [prOpen] = send(coding, { type: 'PR_OPENED', number: 1, url: 'u', title: 't' });
    expect(prOpen.context).toMatchObject({ grant: null, agentId: 'a1' });
    expect(send(coding, { type: 'FAIL', error: 'x' })[0].context.grant).toBeNull();
    expect(send(coding, { type: 'CANCEL' })[0].context.grant).toBeNull();
  });

  it('a task that lets go of its agent sends it RELEASE (for the host to commit with it); one without an agent sends nothing', () => {
    const at = (value: object | string, ctx: object = {}) =>
      taskMachine.resolveState({ value, context: { ...start()[0].context, agentId: 'a1', ...ctx } } as never) as AnyMachineSnapshot;
    const released = (s: AnyMachineSnapshot, event: object) =>
      send(s, event)[1].filter((a) => a.type === 'xstate.emit').map((a) => a.params.event);
    const message = { type: 'actor.send', to: { entityType: 'agent', id: 'a1' }, event: { type: 'RELEASE', taskId: 't1' } };
    const assigned = at({ active: { dispatched: 'assigned' } });
    const coding = at({ active: 'coding' });
    const prOpen = at({ active: 'pr_open' });
    for (const [s, event] of [
      [assigned, { type: 'REQUEUE', reason: 'r' }],
      [assigned, { type: 'CANCEL' }],
      [coding, { type: 'REQUEUE', reason: 'r' }],
      [coding, { type: 'FAIL', error: 'x' }],
      [coding, { type: 'PR_OPENED', number: 1, url: 'u', title: 't' }],
      [prOpen, { type: 'PR_MERGED', sha: 'abc1234', mergedAt: 'x' }],
      [prOpen, { type: 'PR_CLOSED' }],
    ] as const) {
      expect(released(s, event), event.type).toEqual([message]);
    }
    expect(released(assigned, { type: 'START_CODING', agentId: 'a1', branch: 'b' })).toEqual([]);
    expect(released(coding, { type: 'PROGRESS', message: 'm', percent: null })).toEqual([]);
    expect(released(at({ active: 'analyzing' }, { agentId: null }), { type: 'CANCEL' })).toEqual([]);
  });

  it('a queued task records why it waits, only when the reason changes, and forgets it when assigned', () => {
    const queued = taskMachine.resolveState({ value: { active: { dispatched: 'queued' } }, context: start()[0].context } as never) as AnyMachineSnapshot;
    const wait = { type: 'WAIT', code: 'all_agents_busy', reason: 'every online agent of acme is busy', since: '2026-01-01T00:05:00.000Z' };
    const [waiting] = send(queued, wait);
    expect(waiting.context.waiting).toEqual({ code: 'all_agents_busy', reason: wait.reason, since: wait.since });
    expect(describeTaskEvent(wait, waiting as never)).toEqual({ type: 'WAITING', payload: { code: 'all_agents_busy', reason: wait.reason } });
    expect(waiting.can(wait)).toBe(false); // the same reason again is refused: no event per sweep
    const [other] = send(waiting, { ...wait, code: 'no_agent_online', since: 'later' });
    expect(other.context.waiting).toMatchObject({ code: 'no_agent_online', since: wait.since }); // since: first wait
    const [assigned] = send(other, { type: 'ASSIGN', agentId: 'a1' });
    expect(assigned.context.waiting).toBeNull();
    const [back] = send(send(assigned, { type: 'START_CODING', agentId: 'a1', branch: 'b' })[0], { type: 'REQUEUE', reason: 'r' });
    expect(back.context.waiting).toBeNull();
    expect(queued.can({ ...wait, type: 'WAIT' })).toBe(true);
    const coding = send(assigned, { type: 'START_CODING', agentId: 'a1', branch: 'b' })[0];
    expect(coding.can(wait)).toBe(false); // only a queued task waits
  });

  it('never changes a task’s fixed keys, whatever it is sent (the log leaves them to the task’s row: view-patch.ts FIXED_KEYS)', () => {
    const events = TASK_EVENTS;
    const fixed = (s: AnyMachineSnapshot) => {
      const { title, description, creator, org, private: isPrivate } = s.context as Record<string, unknown>;
      return { title, description, creator, org, private: isPrivate };
    };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: events.length }), { maxLength: 40 }), fc.boolean(), (picks, isPrivate) => {
        const [s0, a0] = initialTransition(taskMachine, taskInput({ private: isPrivate })) as [AnyMachineSnapshot, Actions];
        const first = fixed(s0);
        let s = s0;
        let raised = a0.find((a) => a.type === 'xstate.raise')?.params.event;
        for (const pick of picks) {
          // The last pick stands for a delayed event the machine raised (analysis starting).
          const event = pick === events.length ? raised : events[pick];
          if (event === undefined || !roundTrip(s).can(event)) continue;
          let actions: Actions;
          [s, actions] = send(roundTrip(s), event);
          raised = actions.find((a) => a.type === 'xstate.raise')?.params.event ?? raised;
          expect(fixed(s)).toEqual(first);
        }
      }),
      { numRuns: 300 },
    );
  });
});
