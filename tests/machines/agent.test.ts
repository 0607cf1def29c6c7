import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { agentMachine, agentView, describeAgentEvent } from '../../src/machines/index.js';
import { agentInput } from './fixtures.js';

const input = agentInput();
type Actions = { type: string; params?: any }[];
const send = (s: AnyMachineSnapshot, event: any) => transition(agentMachine, s as never, event) as [AnyMachineSnapshot, Actions];

describe('agent machine (pure transitions)', () => {
  it('registers idle and healthy, with the stale deadline as a delayed event', () => {
    const [s, actions] = initialTransition(agentMachine, input) as [AnyMachineSnapshot, Actions];
    expect(s.value).toEqual({ work: 'idle', health: 'healthy' });
    expect(actions).toContainEqual(expect.objectContaining({ type: 'xstate.raise', params: expect.objectContaining({ delay: 1000 }) }));
  });

  it('a heartbeat re-arms the stale deadline (cancel + raise) and records the time', () => {
    const [s0] = initialTransition(agentMachine, input) as [AnyMachineSnapshot, Actions];
    const [s1, actions] = send(s0, { type: 'HEARTBEAT', at: '2026-01-01T00:00:05.000Z' });
    expect(actions.map((a) => a.type)).toEqual(['xstate.cancel', 'xstate.raise']);
    expect(s1.context.lastHeartbeatAt).toBe('2026-01-01T00:00:05.000Z');
  });

  it('missed heartbeats: healthy → stale → crashed; a heartbeat brings a stale agent back', () => {
    const [s0, a0] = initialTransition(agentMachine, input) as [AnyMachineSnapshot, Actions];
    const staleEvent = a0.find((a) => a.type === 'xstate.raise')!.params.event;
    const [stale, a1] = send(s0, staleEvent);
    expect(stale.value).toEqual({ work: 'idle', health: 'stale' });
    expect(describeAgentEvent(staleEvent, stale as never).type).toBe('WENT_STALE');
    // crash deadline is the remainder of crashAfterMs
    const crashRaise = a1.find((a) => a.type === 'xstate.raise')!;
    expect(crashRaise.params.delay).toBe(2000);

    const [back] = send(stale, { type: 'HEARTBEAT', at: 'x' });
    expect(back.value).toEqual({ work: 'idle', health: 'healthy' });

    const [crashed] = send(stale, crashRaise.params.event);
    expect(crashed.value).toEqual({ work: 'idle', health: 'crashed' });
    expect(describeAgentEvent(crashRaise.params.event, crashed as never).type).toBe('CRASHED');
    expect(crashed.can({ type: 'HEARTBEAT', at: 'x' })).toBe(false);
    expect(send(crashed, { type: 'REGISTER', at: 'y' })[0].value).toEqual({ work: 'idle', health: 'healthy' });
  });

  it('takes one task at a time, only while healthy, and releases only the task it holds', () => {
    const [s0] = initialTransition(agentMachine, input) as [AnyMachineSnapshot, Actions];
    const [busy] = send(s0, { type: 'ASSIGN', taskId: 't1', at: '2026-01-01T00:01:00.000Z' });
    expect(busy.value).toEqual({ work: { busy: 'working' }, health: 'healthy' });
    expect(busy.context.lastAssignedAt).toBe('2026-01-01T00:01:00.000Z');
    expect(busy.can({ type: 'ASSIGN', taskId: 't2' })).toBe(false);
    expect(busy.can({ type: 'RELEASE', taskId: 't2' })).toBe(false);
    expect(send(busy, { type: 'RELEASE', taskId: 't1' })[0].value).toEqual({ work: 'idle', health: 'healthy' });

    const stale = agentMachine.resolveState({ value: { work: 'idle', health: 'stale' }, context: s0.context } as never) as AnyMachineSnapshot;
    expect(stale.can({ type: 'ASSIGN', taskId: 't1', at: 'x' })).toBe(false);
  });

  it('signs off cleanly to offline, and registering again brings it back', () => {
    const [s0] = initialTransition(agentMachine, input) as [AnyMachineSnapshot, Actions];
    const [offline, actions] = send(s0, { type: 'DEREGISTER' });
    expect(offline.value).toEqual({ work: 'idle', health: 'offline' });
    expect(actions.some((a) => a.type === 'xstate.cancel')).toBe(true); // no stale deadline left
    expect(offline.can({ type: 'HEARTBEAT', at: 'x' })).toBe(false);
    expect(send(offline, { type: 'REGISTER', at: 'y' })[0].value).toEqual({ work: 'idle', health: 'healthy' });
  });

  it('the stuck watch: busy without a report for stuckAfterMs is stuck, then abandoned; a report re-arms it', () => {
    const watched = { ...input, stuckAfterMs: 5000 };
    const [s0] = initialTransition(agentMachine, watched) as [AnyMachineSnapshot, Actions];
    const [busy, a1] = send(s0, { type: 'ASSIGN', taskId: 't1', at: '2026-01-01T00:01:00.000Z' });
    const watch = a1.find((a) => a.type === 'xstate.raise' && a.params.delay === 5000)!;
    expect(watch, 'ASSIGN arms the stuck watch').toBeDefined();
    expect(busy.context.lastProgressAt).toBe('2026-01-01T00:01:00.000Z');

    // A report cancels and re-schedules it (re-entering `working`), and records the time.
    const report = { type: 'REPORT', taskId: 't1', report: 'progress', message: 'tests', percent: 50, at: '2026-01-01T00:01:03.000Z' };
    const [reported, a2] = send(busy, report);
    expect(a2.map((a) => a.type)).toEqual(['xstate.cancel', 'xstate.raise']);
    expect(reported.context.lastProgressAt).toBe('2026-01-01T00:01:03.000Z');
    expect(send(busy, { ...report, taskId: 't2' })[1]).toEqual([]); // not its task: nothing

    const [stuck, a3] = send(reported, watch.params.event);
    expect(stuck.value).toEqual({ work: { busy: 'stuck' }, health: 'healthy' });
    expect(agentView(stuck as never, 3, 'now').health).toBe('stuck');
    expect(describeAgentEvent(watch.params.event, stuck as never).type).toBe('STUCK');
    const giveUp = a3.find((a) => a.type === 'xstate.raise')!;
    const [abandoned] = send(stuck, giveUp.params.event);
    expect(abandoned.value).toEqual({ work: { busy: 'abandoned' }, health: 'healthy' });
    expect(describeAgentEvent(giveUp.params.event, abandoned as never).type).toBe('ABANDONED');
    expect(agentView(abandoned as never, 4, 'now')).toMatchObject({ status: 'busy', health: 'stuck' });

    // A report brings a stuck agent back to working; releasing its task makes it idle.
    expect(send(stuck, report)[0].value).toEqual({ work: { busy: 'working' }, health: 'healthy' });
    const [idle, a4] = send(abandoned, { type: 'RELEASE', taskId: 't1' });
    expect(idle.value).toEqual({ work: 'idle', health: 'healthy' });
    expect(idle.context.lastProgressAt).toBeNull();
    expect(a4.some((a) => a.type === 'xstate.raise' && a.params.delay === 5000)).toBe(false);
  });

  it('a stale agent that is also silent shows as stale (health wins over the stuck watch)', () => {
    const [s0] = initialTransition(agentMachine, input) as [AnyMachineSnapshot, Actions];
    const state = agentMachine.resolveState({ value: { work: { busy: 'stuck' }, health: 'stale' }, context: s0.context } as never);
    expect(agentView(state as never, 1, 'now').health).toBe('stale');
  });

  it('registering again takes the server\'s current timeouts (the stale deadline is re-armed with them)', () => {
    const [s0] = initialTransition(agentMachine, input) as [AnyMachineSnapshot, Actions];
    const [again, actions] = send(s0, { type: 'REGISTER', at: '2026-01-01T00:09:00.000Z', staleAfterMs: 2500, crashAfterMs: 9000, stuckAfterMs: 7000 });
    expect(again.context).toMatchObject({ lastHeartbeatAt: '2026-01-01T00:09:00.000Z', staleAfterMs: 2500, crashAfterMs: 9000, stuckAfterMs: 7000 });
    expect(actions.find((a) => a.type === 'xstate.raise')?.params.delay).toBe(2500);
    const [busy, a2] = send(again, { type: 'ASSIGN', taskId: 't1', at: 'x' });
    expect(busy.value).toEqual({ work: { busy: 'working' }, health: 'healthy' });
    expect(a2.find((a) => a.type === 'xstate.raise')?.params.delay).toBe(7000);
  });
});
