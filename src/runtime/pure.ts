/**
 * Pure transitions without XState's per-call setup cost.
 *
 * `transition(machine, snapshot, event)` from XState builds a throwaway "inert" actor on every
 * call, and constructing an actor computes the machine's initial snapshot: ~130 µs per
 * transition for our agent machine, four times the transition itself (measured; see the issue 6
 * note). The host only needs what `transition()` returns, so it keeps one inert scope per machine
 * and collects the actions per call — the same thing XState's `createInertActorScope` does, once.
 *
 * Safe to reuse because the host never starts an actor: invoked children in the returned
 * snapshot are references only (XState registers actors in the scope's system when they
 * start), so nothing accumulates in the shared scope.
 */
import {
  createActor,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
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
      system: (self as unknown as { system: AnyActorScope['system'] }).system,
      emit: () => {},
      actionExecutor: (action: ActionObject) => void this.actions.push(action),
    } as unknown as AnyActorScope;
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
