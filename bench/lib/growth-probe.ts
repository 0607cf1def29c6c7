/**
 * growth scenario, the probe: what the dashboard's users feel on a data dir of a given size,
 * measured from its own process (pinned away from the server by run.ts) against a running
 * conveyor:
 *
 * - the first page of the task list as the dashboard asks for it (`tasks(first: 50)`), unfiltered,
 *   filtered by status (NEEDS_CLARIFICATION) and `scope: MINE`; the `dashboardCounts` query:
 *   `requests` sequential requests each, round robin over the 8 users, p50/p99 wall time;
 * - time from subscribing to the first message of a `dashboardCounts` subscription (graphql-ws,
 *   a fresh connection each time, timed from the subscribe once the connection is acknowledged);
 * - commit throughput at this size: `burst` task creations through the API (clear descriptions,
 *   5 transitions each, 32 in flight), transitions committed per second from the first create
 *   until the log head has all of them (read through `agentList`, which costs nothing per task).
 *
 * Usage: JWT_SECRET=… node dist/bench/lib/growth-probe.js <url> <requests> <subscriptions> <burst>
 * Prints one JSON line.
 */
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { GROWTH_USERS, growthUser } from './growth-data.js';

const [url, requestsArg, subscriptionsArg, burstArg] = process.argv.slice(2);
const REQUESTS = Number(requestsArg ?? 30);
const SUBSCRIPTIONS = Number(subscriptionsArg ?? 10);
const BURST = Number(burstArg ?? 1000);
const secret = new TextEncoder().encode(process.env.JWT_SECRET!);

const tokens = await Promise.all(
  Array.from({ length: GROWTH_USERS }, (_, u) => {
    const v = growthUser(u);
    return new SignJWT({ name: v.name, org: v.org }).setProtectedHeader({ alg: 'HS256' }).setSubject(v.id).setExpirationTime('2h').sign(secret);
  }),
);

async function gql(query: string, variables: Record<string, unknown>, bearer: string): Promise<Record<string, any>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  return body.data!;
}

/** Nearest-rank percentile of a few samples (of 30, p99 is the slowest). */
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
const summary = (samples: number[]) => ({ p50: round(percentile(samples, 0.5)), p99: round(percentile(samples, 0.99)), n: samples.length });
const round = (ms: number) => Number(ms.toFixed(2));

const LIST = `query($filter: TaskFilter) {
  tasks(first: 50, filter: $filter) {
    cursor
    pageInfo { hasNextPage endCursor }
    nodes { id version title description status org private createdAt updatedAt creator { id name } issue { number url } }
  }
}`;
const COUNTS = `query { dashboardCounts { cursor active completed failed cancelled total byStatus { status count } } }`;

/** `REQUESTS` sequential requests after 3 unmeasured ones, round robin over the users. */
async function timed(query: string, variables: Record<string, unknown>, check?: (data: Record<string, any>) => void) {
  const samples: number[] = [];
  for (let i = -3; i < REQUESTS; i++) {
    const t0 = performance.now();
    const data = await gql(query, variables, tokens[(i + 3) % tokens.length]);
    const ms = performance.now() - t0;
    check?.(data);
    if (i >= 0) samples.push(ms);
  }
  return summary(samples);
}

/** Every page must be a full one: a size whose lists come back short measures nothing. */
const fullPage = (data: Record<string, any>) => {
  if (data.tasks.nodes.length === 0) throw new Error('empty first page');
};

async function firstCountsMessage(bearer: string): Promise<number> {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${bearer}` },
    onNonLazyError: () => {},
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve());
      client.on('closed', (e) => reject(new Error(`closed ${(e as { code?: number }).code}`)));
    });
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe(
        { query: `subscription { dashboardCounts { cursor total byStatus { status count } } }` },
        {
          next: () => (stop(), resolve()),
          error: (e) => reject(new Error(JSON.stringify(e).slice(0, 300))),
          complete: () => {},
        },
      );
    });
    return performance.now() - t0;
  } finally {
    await client.dispose();
  }
}

const head = async () => Number((await gql(`{ agentList { cursor } }`, {}, tokens[0])).agentList.cursor);
const CLEAR = 'Add a dark theme toggle to the settings page, persisted per user, following the system preference.';
const CREATE = `mutation($t: String!, $p: Boolean) { createTask(input: { title: $t, description: "${CLEAR}", private: $p }) { id } }`;

async function burst(): Promise<{ creates: number; transitions: number; seconds: number; transitionsPerSecond: number }> {
  const start = await head();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(32, BURST) }, async () => {
      while (next < BURST) {
        const i = next++;
        await gql(CREATE, { t: `burst ${start}-${i}`, p: i % 7 === 0 }, tokens[i % tokens.length]);
      }
    }),
  );
  // Each create is followed by its analysis, issue and wait reason (5 transitions in all).
  const want = start + 5 * BURST;
  let last = start;
  let lastChange = performance.now();
  let at = performance.now();
  for (;;) {
    const now = await head();
    if (now !== last) {
      last = now;
      at = lastChange = performance.now();
    }
    if (now >= want || performance.now() - lastChange > 10_000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (at - t0) / 1000;
  return { creates: BURST, transitions: last - start, seconds: Number(seconds.toFixed(2)), transitionsPerSecond: Math.round((last - start) / seconds) };
}

const list = await timed(LIST, {}, fullPage);
const byStatus = await timed(LIST, { filter: { status: ['NEEDS_CLARIFICATION'] } }, fullPage);
const mine = await timed(LIST, { filter: { scope: 'MINE' } }, fullPage);
// Two words of one of growth-data.ts's twelve areas: about 1 task in 12 matches, ranked.
const search = await timed(LIST, { filter: { search: 'webhook retries' } }, fullPage);
const counts = await timed(COUNTS, {});
const subscription: number[] = [];
for (let i = 0; i < SUBSCRIPTIONS; i++) subscription.push(await firstCountsMessage(tokens[i % tokens.length]));
const commit = BURST > 0 ? await burst() : null;
console.log(JSON.stringify({ list, byStatus, mine, search, counts, subscription: summary(subscription), commit }));
process.exit(0);
