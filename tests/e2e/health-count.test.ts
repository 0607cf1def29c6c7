/**
 * /healthz counts subscribers' subscriptions only (issue 15): a fresh server, whose orchestrator
 * and fan-out dispatcher follow the feed too, says 0; each subscription adds one, and a
 * subscription that ends takes it back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, gqlOk, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { JWT_SECRET: '' } });
});
afterAll(async () => {
  await server.dispose();
});

const subscriptions = async () => ((await (await fetch(`${server.url}/healthz`)).json()) as { subscriptions: number }).subscriptions;

it('reports 0 subscriptions with none open, then one per open subscription', async () => {
  expect(await subscriptions()).toBe(0);
  const { token } = (await gqlOk(server, `mutation { devSignIn(name: "Ada", org: "acme") { token } }`)).devSignIn;
  const ws = wsClient(server, token);
  try {
    const agents = subscribe(ws, `subscription { agentUpdated(after: "0") { cursor } }`);
    const timeline = subscribe(ws, `subscription { taskUpdated { cursor } }`);
    await eventually(async () => (await subscriptions()) === 2);
    agents.unsubscribe();
    await eventually(async () => (await subscriptions()) === 1);
    timeline.unsubscribe();
    await eventually(async () => (await subscriptions()) === 0);
  } finally {
    await ws.dispose();
  }
});
