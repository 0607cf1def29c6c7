/**
 * What a test starts and must end with it: `afterEach` runs the registered disposals, newest
 * first. Call these at a test file's top level.
 */
import { afterEach } from 'vitest';
import { startServer, wsClient, type TestServer, type WsClient } from './server.js';

/** A `defer(dispose)` whose disposals run after each test, newest first. */
export function disposeAfterEach({ ignoreErrors = false }: { ignoreErrors?: boolean } = {}): (dispose: () => Promise<unknown>) => void {
  const pending: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const dispose of pending.splice(0).reverse()) await (ignoreErrors ? dispose().catch(() => {}) : dispose());
  });
  return (dispose) => void pending.push(dispose);
}

/**
 * Servers (tests/utils/server.ts) and graphql-ws clients that end with the test. `keepData`: the
 * server is stopped but its data directory stays, for a test that restarts on it.
 */
export function serversPerTest({ keepData = false }: { keepData?: boolean } = {}) {
  const defer = disposeAfterEach();
  return {
    defer,
    server: async (options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> => {
      const s = await startServer(options);
      defer(() => (keepData ? s.stop() : s.dispose()));
      return s;
    },
    client: (s: TestServer, token: string): WsClient => {
      const c = wsClient(s, token);
      defer(() => c.dispose());
      return c;
    },
  };
}
