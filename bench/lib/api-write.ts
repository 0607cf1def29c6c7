/**
 * api-write scenario's load (issue 15: through the API, PostgreSQL at ≥ 0.8× the embedded
 * store): `clients` HTTP clients, each a user with an agent of its own, send `agentHeartbeat`
 * back to back over keep-alive connections for `seconds`; a heartbeat counts once its response
 * says it committed. Prints one JSON line.
 */
import { SignJWT } from 'jose';

const [url, secret, clientsArg, secondsArg] = process.argv.slice(2);
const clients = Number(clientsArg ?? 64);
const seconds = Number(secondsArg ?? 10);

const sign = (i: number) =>
  new SignJWT({ name: `w${i}`, org: 'acme' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`acme/w${i}`)
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
let committed = 0;
let errors = 0;
const started = performance.now();
const until = started + seconds * 1000;
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
console.log(JSON.stringify({ clients, seconds: Number(elapsed.toFixed(2)), committed, errors, committedPerSecond: Math.round(committed / elapsed) }));
