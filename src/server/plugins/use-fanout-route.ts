/**
 * Grouped subscriptions through the same envelop pipeline as every other operation.
 *
 * ws.ts runs a groupable subscription through envelop's `subscribe` like any other operation,
 * marked `fanout` in its context. Every plugin's `onSubscribe` runs as usual (metrics, the
 * storable-text check, rate limits, a tracing or audit plugin added later) and may refuse it;
 * then this plugin, last in the list, ends the pipeline with a pass token instead of executing
 * the operation. ws/ws.ts, seeing the token, joins the subscriber to its fan-out group (ws/fanout.ts);
 * any other result (a plugin's refusal) goes to the client as it would for any operation.
 *
 * Why not let the engine's stream flow back through the pipeline: plugins with result hooks
 * wrap a subscription's stream for its whole life, and those wrappers cost 3.5 KB per idle
 * subscriber (bench idle: 10.6 → 14.1 KB per connection). What plugins therefore do not see, by
 * design: a grouped stream's results — executed once per event for all members, not per
 * subscriber (an ungrouped subscription's events do not pass `onExecute` either).
 * `tests/e2e/differential.test.ts` proves grouped and ungrouped answers are the same;
 * `tests/e2e/plugins.test.ts` that a plugin sees and can refuse every operation.
 */
import type { Plugin } from 'graphql-yoga';

const PASSED = Symbol('conveyor.fanout.passed');

/** The context of a groupable WebSocket subscription is marked for this plugin. */
export interface FanoutRouted {
  fanout?: true;
}

/** Whether a subscribe result is this plugin's pass token (every plugin let it through). */
export function passedToFanout(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { [PASSED]?: boolean })[PASSED] === true;
}

/** Must be the last plugin: a later `setSubscribeFn` would take the operation off the engine. */
export function useFanoutRoute(): Plugin {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      if ((args.contextValue as FanoutRouted).fanout) setSubscribeFn((() => ({ [PASSED]: true })) as never);
    },
  };
}
