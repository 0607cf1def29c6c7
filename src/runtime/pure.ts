/**
 * Pure transitions without XState's per-call setup cost.
 *
 * `transition(machine, snapshot, event)` and `initialTransition(machine, input)` from XState build
 * a throwaway "inert" actor scope on every call, and constructing its actor computes the
 * machine's initial snapshot: ~130 µs per transition for our agent machine, four times the
 * transition itself (measured; see the issue 6 note). The host only needs what `transition()`
 * returns, so PureMachine makes the same logic-level calls `transition()` makes
 * (`machine.transition(snapshot, event, scope)`, `machine.getInitialSnapshot(scope, input)`, both
 * public methods of StateMachine) with one scope built once per machine.
 *
 * What it still takes from XState's inside, and what would break without it (checked by
 * tests/runtime/pure.test.ts, which compares every step with XState's own `transition()`):
 * - The scope's shape: what XState's unexported `createInertActorScope` builds, an `ActorScope`
 *   whose `actionExecutor` collects the actions instead of running them. `ActorScope` is an
 *   exported type, but that the machine hands every action to `actionExecutor` (and runs none
 *   itself) is XState's internal behaviour; were it to change, actions would go missing here.
 * - One actor system for every call, where XState 5.33 gives each call a fresh one. Nothing
 *   accumulates in it as long as no actor is started (XState registers an actor in its system
 *   when it starts, and the host never starts one) — except an invoked or spawned actor with a
 *   `systemId`, which registers on creation: the second transition to create it would throw
 *   "Actor with system ID … already exists". The constructor refuses a machine that invokes
 *   with a `systemId`; our machines invoke by name only and spawn nothing.
 */
import {
  createActor,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
} from 'xstate';

export interface ActionObject {
  type: string;
  params?: unknown;
}

export class PureMachine {
  private actions: ActionObject[] = [];
  private readonly scope: AnyActorScope;

  constructor(readonly machine: AnyStateMachine) {
    const withSystemId = invokesWithSystemId(machine.root);
    if (withSystemId.length > 0) {
      throw new Error(`PureMachine: invokes with a systemId would collide in its shared system: ${withSystemId.join(', ')}`);
    }
    // Its own snapshot is irrelevant (it may even be an error for want of input): it only
    // serves as `self` for the transitions computed below.
    const self = createActor(machine);
    this.scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: (action) => void this.actions.push(action),
    };
  }

  initial(input: unknown): [AnyMachineSnapshot, ActionObject[]] {
    this.actions = [];
    const snapshot = this.machine.getInitialSnapshot(this.scope, input) as AnyMachineSnapshot;
    return [snapshot, this.actions];
  }

  transition(snapshot: AnyMachineSnapshot, event: EventObject): [AnyMachineSnapshot, ActionObject[]] {
    this.actions = [];
    const next = this.machine.transition(snapshot, event, this.scope) as AnyMachineSnapshot;
    return [next, this.actions];
  }
}

/** `state#invoke-id` of every invoke anywhere in the machine that names a `systemId`. */
function invokesWithSystemId(node: AnyStateNode): string[] {
  const here = node.invoke.filter((i) => i.systemId !== undefined).map((i) => `${node.id}#${i.id}`);
  return here.concat(...Object.values(node.states).map((child) => invokesWithSystemId(child)));
}
