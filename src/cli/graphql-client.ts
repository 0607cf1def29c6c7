/**
 * The small GraphQL client the CLI commands use: queries and mutations over HTTP (fetch), and
 * subscriptions over the real graphql-ws client, authenticated like any other client.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { backoffDelay } from '../runtime/retry.js';
import { CloseCode, type ErrorCode } from '../shared/codes.js';

/**
 * A close that retrying cannot fix: the server refused the token (missing, invalid or expired)
 * and will refuse it again, so a client must stop and get a new one instead of reconnecting.
 */
export const tokenRefused = (code: number) => code === CloseCode.Forbidden;

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    /** `extensions.code`: one of ErrorCode, as the server sent it. */
    readonly code: ErrorCode | undefined,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

export class ConveyorClient {
  private ws: Client | null = null;

  constructor(
    readonly url: string,
    private token: string | null = null,
  ) {}

  setToken(token: string): void {
    this.token = token;
  }

  /** Dev sign-in (embedded default) as `name` of `org`: the client uses the token from now on, and returns it. */
  async devSignIn(name: string, org: string): Promise<string> {
    const { devSignIn } = await this.request<{ devSignIn: { token: string } }>(
      `mutation($n: String!, $o: String!) { devSignIn(name: $n, org: $o) { token } }`,
      { n: name, o: org },
    );
    this.setToken(devSignIn.token);
    return devSignIn.token;
  }

  async request<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: ErrorCode } }[] };
    if (body.errors?.length) {
      const first = body.errors[0];
      throw new GraphQLRequestError(first.message, first.extensions?.code);
    }
    if (!body.data) throw new GraphQLRequestError(`HTTP ${response.status} without data`, undefined);
    return body.data;
  }

  /**
   * The graphql-ws client (created on first use), retrying forever with backoff, except after a
   * close for a refused token (`tokenRefused`): then it stops, and `closed` has said why.
   */
  socket(on: { connected?: () => void; closed?: (code: number, reason: string) => void } = {}): Client {
    if (this.ws) return this.ws;
    this.ws = createClient({
      url: `${this.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: (event) => !tokenRefused((event as { code?: number } | undefined)?.code ?? 0),
      // graphql-ws runs the reconnect loop itself; only the wait is ours: 250 ms doubling to 5 s.
      retryWait: (retries) => sleep(backoffDelay(retries + 1, { baseMs: 250, maxMs: 5000 })),
      connectionParams: () => ({ authorization: `Bearer ${this.token}` }),
      on: {
        connected: () => on.connected?.(),
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
          on.closed?.(code ?? 0, reason ?? '');
        },
      },
      onNonLazyError: () => {
        // Reported through `closed`: the client keeps retrying, or stops for a refused token.
      },
    });
    return this.ws;
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = null;
  }
}
