/**
 * One server for a test file with its cast signed in (seed.ts), and graphql-ws clients that are
 * disposed with it: the set-up the visibility and search tests share.
 */
import { afterAll, beforeAll } from 'vitest';
import { seedUsers, type SeedUser } from './seed.js';
import { startServer, wsClient, type TestServer, type WsClient } from './server.js';

export interface SeededServer<K extends string> {
  /** Set once the file's beforeAll ran. */
  server: TestServer;
  users: Record<K, SeedUser>;
  /** A client for `token`, disposed after the file's tests. */
  client(token: string): WsClient;
}

export function seededServerPerFile<K extends string>(cast: Record<K, readonly [name: string, org: string]>): SeededServer<K> {
  const clients: WsClient[] = [];
  const file = {
    client(token: string) {
      const c = wsClient(file.server, token);
      clients.push(c);
      return c;
    },
  } as SeededServer<K>;
  beforeAll(async () => {
    file.server = await startServer();
    file.users = await seedUsers(file.server, cast);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await file.server?.dispose();
  });
  return file;
}
