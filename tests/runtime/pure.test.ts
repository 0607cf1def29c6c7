/**
 * PureMachine (src/runtime/pure.ts) against XState's own `initialTransition()` / `transition()`:
 * on the same snapshots and events both must give the same next state (value, context, status,
 * children) and report the same actions (type and parameters). A differential test over a few
 * hundred generated event sequences per machine, with a fixed seed so a failure replays.
 *
 * Three steps in four pick an event the actor accepts (so sequences reach coding, PRs, merges,
 * stuck and crashed agents), one in four any event of the pool (refusals must agree too).
 *
 * Each step starts from the snapshot as the host sees it: persisted as JSON and brought back with
 * `resolveState` (what `ActorHost` does for an entity that is not hot in its cache).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMachine,
  fromPromise,
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
} from 'xstate';
import { agentMachine, taskMachine } from '../../src/machines/index.js';
import { PureMachine, type ActionObject } from '../../src/runtime/pure.js';
import { agentInput, AT, TASK_EVENTS, taskInput } from '../machines/fixtures.js';

/** An event with its payload. */
type Event = EventObject & Record<string, unknown>;

const SEED = 13_013;
const RUNS = 300;

// A budget one usage report of the pool reaches, so sequences also reach `held`.
const TASK_INPUT = taskInput({ private: true, budgetMicros: 4_000 });
const AGENT_INPUT = agentInput({ stuckAfterMs: 5000 });


const AGENT_EVENTS: Event[] = [
  { type: 'HEARTBEAT', at: '2026-01-01T00:00:05.000Z' },
  { type: 'REGISTER', at: '2026-01-01T00:00:06.000Z' },
  { type: 'REGISTER', at: '2026-01-01T00:00:07.000Z', staleAfterMs: 2000, crashAfterMs: 4000, stuckAfterMs: 8000 },
  { type: 'ASSIGN', taskId: 't1', at: '2026-01-01T00:00:08.000Z' },
  { type: 'ASSIGN', taskId: 't2', at: '2026-01-01T00:00:09.000Z' },
  { type: 'RELEASE', taskId: 't1' },
  { type: 'RELEASE', taskId: 't2' },
  { type: 'DEREGISTER' },
  { type: 'REPORT', taskId: 't1', report: 'coding_started', message: 'branch', percent: null, branch: 'conveyor/1', at: AT },
  { type: 'REPORT', taskId: 't1', report: 'progress', message: 'tests', percent: 50, at: AT },
  { type: 'REPORT', taskId: 't2', report: 'progress', message: 'other task', percent: 10 },
];

/** Events that end or undo the work: left out of half the steps so that sequences get far. */
// USAGE and SET_BUDGET can hold a task at its budget (and a budget is always settable): sequences
// that go deep leave them out like the ends of work.
const TASK_SINKS = new Set(['CANCEL', 'FAIL', 'PR_CLOSED', 'REQUEUE', 'USAGE', 'SET_BUDGET', 'xstate.error.actor.analyze', 'xstate.error.actor.openIssue']);
const AGENT_SINKS = new Set(['DEREGISTER', 'RELEASE']);

/** What a snapshot is, for comparison: everything the host reads or persists. */
function shape(snapshot: AnyMachineSnapshot) {
  return {
    value: snapshot.value,
    context: snapshot.context as unknown,
    status: snapshot.status,
    children: Object.keys(snapshot.children).sort(),
  };
}

/** An action as the host interprets it; a spawned child's live ref is compared by id and src. */
function actionShape(action: ActionObject) {
  const params = action.params as Record<string, unknown> | undefined;
  if (!params || typeof params !== 'object') return { type: action.type, params };
  const { actorRef, ...rest } = params as { actorRef?: { id: string; src: unknown } } & Record<string, unknown>;
  return { type: action.type, params: rest, ...(actorRef ? { ref: { id: actorRef.id, src: String(actorRef.src) } } : {}) };
}

/** Persist and reload, as the host does for an entity it has not cached. */
function reload(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): AnyMachineSnapshot {
  const persisted = JSON.parse(JSON.stringify({ value: snapshot.value, context: snapshot.context })) as object;
  return machine.resolveState(persisted as never) as AnyMachineSnapshot;
}

/** Delayed events (`after`) the last actions armed and did not cancel, firing them by hand. */
function armedDeadlines(actions: ActionObject[], armed: Map<string, EventObject>): void {
  for (const action of actions) {
    const params = action.params as Record<string, unknown> | undefined;
    if (action.type === 'xstate.cancel' && params) armed.delete(String(params.sendId));
    if (action.type === 'xstate.raise' && params && typeof params.delay === 'number') {
      const event = params.event as EventObject;
      armed.set(String(params.id ?? event.type), event);
    }
  }
}

function differential(machine: AnyStateMachine, input: unknown, pool: EventObject[], sinks: Set<string>) {
  const pure = new PureMachine(machine);
  let steps = 0;
  let accepted = 0;
  const visited = new Set<string>();
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat()), { minLength: 1, maxLength: 40 }), (choices) => {
      const [expected, expectedActions] = initialTransition(machine, input) as [AnyMachineSnapshot, ActionObject[]];
      const [actual, actualActions] = pure.initial(input);
      expect(shape(actual)).toEqual(shape(expected));
      expect(actualActions.map(actionShape)).toEqual(expectedActions.map(actionShape));

      let snapshot = expected;
      const armed = new Map<string, EventObject>();
      armedDeadlines(expectedActions, armed);
      for (const [mode, choice] of choices) {
        const current = reload(machine, snapshot);
        // The pool plus whatever deadlines are armed now (e.g. `xstate.after.0.task.active.received`);
        // three steps in four pick among the events the actor accepts, half of them leaving out
        // the ones that end the work (cancel, fail…), so sequences get deep.
        const all = [...pool, ...armed.values()];
        const acceptable = all.filter((e) => current.can(e));
        const onward = mode >= 2 ? acceptable.filter((e) => !sinks.has(e.type)) : acceptable;
        const events = mode === 0 || acceptable.length === 0 ? all : onward.length > 0 ? onward : acceptable;
        const event = events[choice % events.length];
        const [next, nextActions] = transition(machine, current as never, event) as [AnyMachineSnapshot, ActionObject[]];
        const [mine, mineActions] = pure.transition(current, event);
        expect(shape(mine), `after ${event.type}`).toEqual(shape(next));
        expect(mineActions.map(actionShape), `actions of ${event.type}`).toEqual(nextActions.map(actionShape));
        // Both agree on what the next state would accept, event by event.
        for (const probe of pool) expect(mine.can(probe), `can ${probe.type}`).toBe(next.can(probe));
        steps++;
        if (current.can(event)) accepted++;
        armedDeadlines(nextActions, armed);
        visited.add(JSON.stringify(next.value));
        snapshot = next;
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  return { steps, accepted, visited };
}

describe('PureMachine agrees with XState transition()', () => {
  it('task machine: same states, contexts and actions over generated event sequences', () => {
    const { steps, accepted, visited } = differential(taskMachine, TASK_INPUT, TASK_EVENTS, TASK_SINKS);
    expect(steps).toBeGreaterThan(RUNS);
    // Deep states are reached too (the sequences are long enough to get a task to a PR).
    for (const state of ['{"active":"coding"}', '{"active":"pr_open"}', '{"active":"held"}', '"merged"', '"failed"', '"cancelled"']) {
      expect(visited).toContain(state);
    }
    // Both accepted and refused events are compared.
    expect(accepted).toBeGreaterThan(steps / 2);
    expect(accepted).toBeLessThan(steps);
  });

  it('agent machine: same states, contexts and actions over generated event sequences', () => {
    const { steps, accepted, visited } = differential(agentMachine, AGENT_INPUT, AGENT_EVENTS, AGENT_SINKS);
    expect(steps).toBeGreaterThan(RUNS);
    for (const state of ['{"work":{"busy":"stuck"},"health":"healthy"}', '{"work":"idle","health":"crashed"}', '{"work":"idle","health":"offline"}']) {
      expect(visited).toContain(state);
    }
    expect(accepted).toBeGreaterThan(steps / 2);
    expect(accepted).toBeLessThan(steps);
  });

  it('reuses one scope without leaking actions from one call into the next', () => {
    const pure = new PureMachine(taskMachine);
    const [s0, first] = pure.initial(TASK_INPUT);
    expect(first.map((a) => a.type)).toEqual(['xstate.raise']);
    const [s1, second] = pure.transition(s0, { type: 'xstate.after.0.task.active.received' });
    expect(second.map((a) => a.type)).toEqual(['xstate.cancel', 'xstate.spawnChild']);
    // A refused event reports no actions (not the previous call's).
    const [same, none] = pure.transition(s1, { type: 'PR_MERGED', sha: 'x', mergedAt: AT } as Event);
    expect(none).toEqual([]);
    expect(same.value).toEqual(s1.value);
    expect(first).toHaveLength(1); // earlier results are not mutated by later calls
  });

  it('refuses a machine that invokes with a systemId (it would collide in the one shared system)', () => {
    const machine = createMachine({
      initial: 'a',
      states: { a: { states: { b: { invoke: { id: 'job', src: fromPromise(async () => 1), systemId: 'job' } } }, initial: 'b' } },
    });
    expect(() => new PureMachine(machine)).toThrow(/systemId.*#job/);
  });
});
