/**
 * api-write scenario's load (issue 15: through the API, PostgreSQL at ≥ 0.8× the embedded
 * store): `clients` HTTP clients, each a user with an agent of its own, send `agentHeartbeat`
 * back to back over keep-alive connections for `seconds`; a heartbeat counts once its response
 * says it committed. Prints one JSON line.
 *
 * With a fifth argument `streamers` (the logs scenario, issue 16), that many workers of another
 * org each hold a task and stream 100 log lines a second to it (`appendTaskLogs`, 50 lines every
 * 500 ms, as the worker CLI batches) during the same window: the heartbeats' rate with them is
 * compared with the rate without.
 */
import { SignJWT } from 'jose';

const [url, secret, clientsArg, secondsArg, streamersArg] = process.argv.slice(2);
const clients = Number(clientsArg ?? 64);
const seconds = Number(secondsArg ?? 10);
const streamers = Number(streamersArg ?? 0);

const sign = (i: number, org = 'acme') =>
  new SignJWT({ name: `w${i}`, org })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`${org}/w${i}`)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

async function gql(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data!;
}

const HEARTBEAT = `mutation($id: ID!) { agentHeartbeat(agentId: $id) { id } }`;
const users = await Promise.all(
  Array.from({ length: clients }, async (_, i) => {
    const token = await sign(i);
    const agent = (await gql(token, `mutation($n: String!) { registerAgent(name: $n) { id } }`, { n: `w${i}` })).registerAgent.id as string;
    return { token, agent };
  }),
);
// The streamers: an agent each, in an org of their own (so their tasks go to them), each
// holding a task before the window opens.
const streams = await Promise.all(
  Array.from({ length: streamers }, async (_, i) => {
    const token = await sign(i, 'logs');
    const agent = (await gql(token, `mutation($n: String!) { registerAgent(name: $n) { id } }`, { n: `s${i}` })).registerAgent.id as string;
    return { token, agent };
  }),
);
const held = new Map<string, string>();
if (streamers > 0) {
  const desc = 'Stream the build output of the nightly job to the dashboard, for the log scenario of the bench.';
  for (let i = 0; i < streamers; i++) await gql(streams[0].token, `mutation($t: String!, $d: String!) { createTask(input: { title: $t, description: $d }) { id } }`, { t: `stream ${i}`, d: desc });
  const deadline = Date.now() + 30_000;
  while (held.size < streamers && Date.now() < deadline) {
    for (const { token, agent } of streams) {
      const { agent: a } = await gql(token, `query($a: ID!) { agent(id: $a) { currentTaskId } }`, { a: agent });
      if (a.currentTaskId) held.set(agent, a.currentTaskId);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (held.size < streamers) throw new Error(`only ${held.size} of ${streamers} streamers got a task`);
}

let committed = 0;
let errors = 0;
let lines = 0;
let logErrors = 0;
const started = performance.now();
const until = started + seconds * 1000;
const APPEND = `mutation($t: ID!, $a: ID!, $l: [LogLineInput!]!) { appendTaskLogs(taskId: $t, agentId: $a, lines: $l) { lines } }`;
const streaming = streams.map(async ({ token, agent }, s) => {
  for (let batch = 0; performance.now() < until; batch++) {
    const next = started + (batch + 1) * 500;
    const l = Array.from({ length: 50 }, (_, i) => ({ text: `[stream ${s}] step ${batch * 50 + i}: compiling src/module-${i}.ts (${i * 7} ms)`, stream: i % 10 === 0 ? 'STDERR' : 'STDOUT' }));
    try {
      // Read before adding: `lines += await …` would add to the value `lines` had before the wait.
      const stored = (await gql(token, APPEND, { t: held.get(agent), a: agent, l })).appendTaskLogs.lines as number;
      lines += stored;
    } catch (error) {
      if (process.env.BENCH_DEBUG) console.error(`stream ${s}: ${(error as Error).message}`);
      logErrors++;
    }
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
});
await Promise.all(
  users.map(async ({ token, agent }) => {
    while (performance.now() < until) {
      try {
        await gql(token, HEARTBEAT, { id: agent });
        committed++;
      } catch {
        errors++;
      }
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
await Promise.all(streaming);
const logs = streamers > 0 ? { streamers, linesPerSecond: Math.round(lines / elapsed), logErrors } : {};
console.log(JSON.stringify({ clients, seconds: Number(elapsed.toFixed(2)), committed, errors, committedPerSecond: Math.round(committed / elapsed), ...logs }));
