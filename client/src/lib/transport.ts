/**
 * What the resume forwarder (lib/resume.ts) needs from a subscription transport.
 */
import type { FormattedExecutionResult, Sink } from 'graphql-ws';

/** A subscription message as it arrives off the wire (JSON, so errors are plain objects). */
export type Result = FormattedExecutionResult<Record<string, unknown>, unknown>;

/** One subscription request, as both graphql-ws and graphql-sse send it. */
export interface Payload {
  query: string;
  variables?: Record<string, unknown>;
}

export interface LiveTransport {
  /**
   * Start one subscription; returns its stop. Whenever the transport has to re-establish the
   * stream (reconnect, or a switch to another transport), it starts it again with a fresh
   * `payload()`, so the stream resumes from the cursor the forwarder saw last.
   * Completions are not forwarded: only the user ends a live subscription.
   */
  subscribe(payload: () => Payload, sink: Sink<Result>): () => void;
}
