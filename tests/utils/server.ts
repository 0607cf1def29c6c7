/**
 * Real servers on port 0 for tests, with the real graphql-ws client (no socket mocks).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphql, type GraphqlResponse } from '../../src/shared/graphql-http.js';
import { buildApp, type App, type AppOverrides } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/env.js';
import type { Viewer } from '../../src/store/types.js';

export interface TestServer {
  app: App;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** A signed token for this viewer (valid for an hour unless told otherwise). */
  token(viewer: Partial<Viewer> & { name: string; org: string }, ttlMs?: number): Promise<string>;
  /** Stop the server (the data directory stays, so a new server can reopen it). */
  stop(): Promise<void>;
  /** Stop and delete the data directory. */
  dispose(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'conveyor-test-'));
}

export async function startServer(
  options: { dataDir?: string; env?: Record<string, string>; overrides?: AppOverrides; port?: number } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = loadConfig({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256!!',
    ...options.env,
  });
  const app = await buildApp(config, options.overrides);
  const url = await app.start(options.port ?? 0);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.stop();
  };
  return {
    app,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    dataDir,
    token: (viewer, ttlMs = 3_600_000) =>
      app.auth.sign(
        { id: viewer.id ?? `${viewer.org}/${viewer.name}`, name: viewer.name, org: viewer.org },
        Date.now() + ttlMs,
      ),
    stop,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type GqlResponse<T = Record<string, unknown>> = GraphqlResponse<T>;

/** A GraphQL request over HTTP (src/shared/graphql-http.ts): the status and the whole body. */
export async function gql<T = Record<string, any>>(
  server: { url: string },
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GqlResponse<T>> {
  return postGraphql<T>(server.url, query, variables, { token });
}

/** Like `gql` but throws on errors and returns `data`. */
export async function gqlOk<T = Record<string, any>>(
  server: { url: string },
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await gql<T>(server, query, variables, token);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

export interface WsClient {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

/** The real graphql-ws client. It never retries, so a close is visible to the test. */
export function wsClient(server: { wsUrl: string }, token?: string, extra: { origin?: string } = {}): WsClient {
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: server.wsUrl,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, extra.origin ? { origin: extra.origin } : {});
      }
    },
    lazy: false,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => onClosed(event as { code: number; reason: string }) },
    onNonLazyError: () => {},
  });
  return { client, closed, dispose: () => client.dispose() as Promise<void> };
}

export interface Subscription<T> {
  /** Everything received so far, in order. */
  received: T[];
  errors: unknown[];
  /** Resolves when at least `count` results arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  done: Promise<void>;
  unsubscribe(): void;
}

/** Subscribe and collect `data` of every next message. */
export function subscribe<T = Record<string, any>>(
  ws: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
  onEach?: (value: T) => void,
): Subscription<T> {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const check = () => {
    for (const w of [...waiters]) {
      if (received.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const unsubscribe = ws.client.subscribe<T>(
    { query, variables },
    {
      next: (result: ExecutionResult<T>) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) {
          received.push(result.data);
          onEach?.(result.data);
          check();
        }
      },
      error: (error) => {
        errors.push(error);
        finish();
      },
      complete: () => finish(),
    },
  );
  return {
    received,
    errors,
    done,
    unsubscribe,
    waitFor: (count, timeoutMs = 5000) =>
      new Promise<T[]>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `timed out after ${timeoutMs} ms with ${received.length}/${count} results; errors: ${JSON.stringify(errors)}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
        check();
      }),
  };
}

/** The log cursor a viewer's task list is at now: `after` for a subscription that must miss nothing from here on. */
export async function headCursor(server: { url: string }, token: string): Promise<string> {
  return (await gqlOk<{ tasks: { cursor: string } }>(server, `{ tasks(first: 1) { cursor } }`, {}, token)).tasks.cursor;
}

/** A task's timeline over HTTP, oldest first. */
export async function timelineOfTask(server: { url: string }, id: string, token: string) {
  const data = await gqlOk(server, `query($id: ID!) { timeline(taskId: $id) { version type actor payload } }`, { id }, token);
  return data.timeline as { version: number; type: string; actor: string; payload: any }[];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The polling helper lives in tests/utils/poll.ts (with `pollUntil`); re-exported for the many tests importing it from here. */
export { eventually } from './poll.js';
