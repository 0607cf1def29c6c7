/**
 * A server with some stored state to protect: tasks in several states and orgs (one private), an
 * agent holding a task. `snapshot()` reads everything a fuzz batch must not change: the log head
 * and every user's view of tasks, counts and agents.
 */
import { eventually, gqlOk, startServer, type TestServer } from '../utils/server.js';
import { pollUntil, untilSteady } from '../utils/poll.js';
import { seedUsers } from '../utils/seed.js';
import { RawSocket } from './raw-ws.js';

/** Limits the fuzz must reach through input validation, not through the rate limiter. */
export const FUZZ_ENV = {
  RATE_LIMIT_MUTATIONS: '1000000',
  // Nothing may change by itself during a batch: no agent goes stale mid-test.
  AGENT_STALE_AFTER_MS: '3600000',
  AGENT_CRASH_AFTER_MS: '7200000',
};

export interface Fixture {
  server: TestServer;
  /** The fuzzing user (org `fuzz`), who owns most of the stored state. */
  token: string;
  /** Every fixture user: the fuzzer, a teammate, someone of another org. */
  tokens: string[];
  /** Stored task ids (the fuzzer's own, in different states). */
  taskIds: { dispatched: string; clarifying: string; private: string };
  agentId: string;
}

export const VIEW = `{
  tasks(first: 500) { cursor nodes { id title description status version private org creator { id }
    clarifications { questions answers } issue { number } branch pullRequest { number } error assignedAgentId } }
  dashboardCounts { active completed failed cancelled total cursor byStatus { status count } }
  agents { id name status health version currentTaskId }
}`;

export interface Load {
  /** /healthz: open graphql-ws connections. */
  connections: number;
  /**
   * /healthz: live feed cursors, the server's own readers included (the orchestrator's, and the
   * fan-out dispatcher's once a grouped subscription has run), so an idle server is not at 0; a
   * leaked cursor shows here. Compare it with an idle baseline taken when no group exists.
   */
  feedSubscriptions: number;
  fanoutGroups: number;
  /** /metrics `conveyor_subscriptions`: subscriptions clients hold, on every transport. */
  clientSubscriptions: number;
}

export async function load(baseUrl: string): Promise<Load> {
  const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as { connections: number; subscriptions: number; fanoutGroups: number };
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  const gauge = /^conveyor_subscriptions (\S+)$/m.exec(metrics);
  if (!gauge) throw new Error('no conveyor_subscriptions in /metrics');
  return { connections: health.connections, feedSubscriptions: health.subscriptions, fanoutGroups: health.fanoutGroups, clientSubscriptions: Number(gauge[1]) };
}

/** Nothing held for clients, and no more feed cursors than at `idle` (taken with no groups). */
export function isIdle(now: Load, idle: Load): boolean {
  return now.connections === 0 && now.clientSubscriptions === 0 && now.fanoutGroups === 0 && now.feedSubscriptions === idle.feedSubscriptions;
}

/** Wait until the server is idle again (see isIdle); fail with what is still held. */
export async function waitIdle(baseUrl: string, idle: Load, timeoutMs = 5000): Promise<void> {
  const last = await pollUntil(() => load(baseUrl), (now) => isIdle(now, idle), timeoutMs, 50);
  if (!isIdle(last, idle)) throw new Error(`not idle after ${timeoutMs} ms: ${JSON.stringify(last)} (idle: ${JSON.stringify(idle)})`);
}

export async function snapshot(f: { server: { url: string }; tokens: string[] }) {
  const health = (await (await fetch(`${f.server.url}/healthz`)).json()) as { cursor: number };
  const views = [];
  for (const token of f.tokens) views.push(await gqlOk(f.server, VIEW, {}, token));
  return { head: health.cursor, views };
}

/** Wait until nothing is being analysed and the log has not grown for a while. */
async function settle(f: Pick<Fixture, 'server' | 'tokens'>): Promise<void> {
  const busy = (now: Awaited<ReturnType<typeof snapshot>>) =>
    now.views.some((v) => v.tasks.nodes.some((t: { status: string }) => t.status === 'RECEIVED' || t.status === 'ANALYZING'));
  await untilSteady(() => snapshot(f), (last, now) => !busy(now) && now.head === last.head, { everyMs: 150, times: 3 });
}

export async function startFixture(env: Record<string, string> = {}): Promise<Fixture> {
  const server = await startServer({ env: { ...FUZZ_ENV, ...env } });
  const { fuzzer, mate, other } = await seedUsers(server, { fuzzer: ['Fuzzer', 'fuzz'], mate: ['Mate', 'fuzz'], other: ['Other', 'other'] });
  const token = fuzzer.token;
  const tokens = [token, mate.token, other.token];
  const agentId = await fuzzer.registerAgent('fuzz-worker');
  const dispatched = await fuzzer.createTask('Dark mode');
  const clarifying = await fuzzer.createTask('Vague', { description: 'fix it' });
  const hidden = await fuzzer.createTask('Secret', { private: true });
  await other.createTask('Theirs', { description: 'fix it' });
  const f: Fixture = { server, token, tokens, taskIds: { dispatched, clarifying, private: hidden }, agentId };
  await eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { status } }`, { id: clarifying }, token)).task.status === 'NEEDS_CLARIFICATION');
  await settle(f);
  await warmFanout(server.url, server.wsUrl, token);
  return f;
}

/**
 * Start the fan-out engine's dispatcher (it reads the feed from the first grouped subscription on
 * and never stops), so that /healthz's feed count is at its idle value before a baseline is taken.
 */
export async function warmFanout(baseUrl: string, wsUrl: string, token: string): Promise<void> {
  const socket = await RawSocket.open(wsUrl);
  await socket.init(token);
  socket.sendJson({ id: 'warm', type: 'subscribe', payload: { query: 'subscription { taskUpdated { cursor } }' } });
  await socket.roundTrip();
  await socket.close();
  await eventually(async () => (await load(baseUrl)).fanoutGroups === 0);
}
