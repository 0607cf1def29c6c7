import type { EventObject } from 'xstate';

/**
 * An event one actor sends another, emitted with XState's `emit()`. The actor host
 * (src/runtime/host.ts) plans it into the same transaction, right after the event that emitted
 * it, and skips it when the receiver does not accept it in its state: the sender's transition
 * stands either way. So a rule that spans two actors (a task that ends frees its agent) lives in
 * the machine that knows it, not in every caller that might end the task.
 */
export interface ActorMessage<E extends EventObject = EventObject> {
  type: 'actor.send';
  to: { entityType: 'task' | 'agent'; id: string };
  event: E;
}

export const ACTOR_MESSAGE = 'actor.send';
