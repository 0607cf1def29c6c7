import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { agentMachine, describeAgentEvent } from '../../src/machines/index.js';

const input = { id: 'a1', name: 'w1', org: 'acme', ownerId: 'u1', registeredAt: '2026-01-01T00:00:00.000Z', staleAfterMs: 1000, crashAfterMs: 3000 };
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
    expect(busy.value).toEqual({ work: 'busy', health: 'healthy' });
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
});
