/**
 * Subscriptions over GraphQL over SSE: graphql-sse's client in distinct connections mode (one
 * streamed `POST /graphql` per subscription, the mode Yoga serves: src/server/plugins/use-sse-subscriptions.ts). Used when
 * WebSocket upgrades are blocked (lib/live.ts decides).
 *
 * The client never retries by itself: its retry would re-send the original payload, old cursor
 * and all. A broken stream is restarted here instead, with a fresh `payload()`.
 */
import { createClient, NetworkError, type Client } from 'graphql-sse';
import { ErrorCode } from '../../../src/shared/codes';
import type { LiveTransport, Result } from './transport';
import { retryDelay } from './ws';

export interface SseEvents {
  /** Every stream is up (again). */
  live(): void;
  /** A stream broke; it is retried with backoff. */
  dropped(reason: string): void;
  /** The server refused the token: only signing in again helps. */
  fatal(reason: string): void;
}

/** `synced` is called for every chunk, the server's keep-alive pings (SSE comments) included. */
export function createSseClient(token: string, synced: () => void): Client {
  return createClient({
    url: '/graphql',
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    fetchFn: async (input: RequestInfo, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!response.body) return response;
      const tap = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          synced();
          controller.enqueue(chunk);
        },
      });
      const { status, statusText, headers } = response;
      return new Response(response.body.pipeThrough(tap), { status, statusText, headers });
    },
  });
}

/** The GraphQL result in the body of a refused stream (`event: next` / `data: {…}`), if any. */
async function refusal(response: Response): Promise<Result | null> {
  const data = /^data: (\{.*\})$/m.exec(await response.text())?.[1];
  return data ? (JSON.parse(data) as Result) : null;
}

function unauthenticated(result: Result | null): string | null {
  const error = result?.errors?.find((e) => e.extensions?.code === ErrorCode.UNAUTHENTICATED);
  return error ? error.message : null;
}

export interface SseTransport extends LiveTransport {
  /** No stream is waiting to be retried. */
  readonly up: boolean;
}

export function sseTransport(client: Client, events: SseEvents): SseTransport {
  // Streams waiting to be retried: the transport is live when there are none.
  const down = new Set<object>();
  return {
    get up() {
      return down.size === 0;
    },
    subscribe(payload, sink) {
      const self = {};
      let attempt = 0;
      let stop: (() => void) | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // A result with errors and no data ends a stream (refused: not found, bad input…): the
      // completion after it is final, not a reason to reconnect.
      let refused = false;
      // Stopped by the user. graphql-sse completes the sink when we abort a stream ourselves;
      // that completion must not look like the server ending it (or it would be restarted).
      let ended = false;

      const up = () => {
        attempt = 0;
        down.delete(self);
        if (down.size === 0) events.live();
      };
      const retry = (reason: string) => {
        stop = null;
        if (ended) return;
        down.add(self);
        events.dropped(reason);
        timer = setTimeout(start, retryDelay(attempt++));
      };
      const refuse = (result: Result) => {
        refused = true;
        const reason = unauthenticated(result);
        if (reason) events.fatal(reason);
        else sink.next(result);
      };
      const failed = async (error: unknown) => {
        stop = null;
        if (ended) return;
        if (!(error instanceof NetworkError)) return sink.error(error);
        const response = (error as NetworkError<Response>).response;
        // No response: the connection broke (network, proxy, server restart). 5xx and 429: the
        // server or a proxy is in trouble for now. Both pass.
        if (!response || response.status >= 500 || response.status === 429) return retry(error.message);
        const result = await refusal(response);
        if (ended) return;
        if (result) return refuse(result);
        if (response.status === 401) return events.fatal(`refused (${response.status})`);
        sink.error(error);
      };
      const start = () => {
        refused = false;
        stop = client.subscribe(
          payload(),
          {
            next: (message) => {
              // graphql-sse types errors as GraphQLError instances; off the wire they are JSON.
              const result = message as Result;
              if (!result.data && result.errors?.length) refuse(result);
              else sink.next(result);
            },
            error: (error) => void failed(error).catch((e: unknown) => sink.error(e)),
            complete: () => {
              stop = null;
              // The server ended a stream it was serving (it is shutting down): resume elsewhere.
              if (!refused) retry('the server ended the stream');
            },
          },
          { connected: up },
        );
      };
      start();
      return () => {
        ended = true;
        clearTimeout(timer);
        stop?.();
        stop = null;
        if (down.delete(self) && down.size === 0) events.live();
      };
    },
  };
}
