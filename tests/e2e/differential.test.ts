/**
 * The grouped fan-out path is an optimisation, never a different answer (issue 13).
 *
 * Generated subscription documents (every subscription field, random selections down to
 * `Agent.currentTask` and `Task.assignedAgent`), run as different viewers — a private task's
 * owner, a teammate whose agent holds that private task (its read grant), a teammate with no
 * grant, another org, the owner signed in with another org — over three paths at once: grouped
 * WebSocket (the engine), ungrouped WebSocket (`extensions: { fanout: false }`, envelop's
 * pipeline), and SSE. Each replays the log from cursor 0 once the data is quiet; every message
 * (data and errors) must be identical on the three paths.
 *
 * Seeded: DIFF_SEED=<n> replays a run, DIFF_DOCS=<n> documents per field.
 */
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, CREATE_TASK } from '../utils/documents.js';
import { random } from '../utils/random.js';
import { eventually, gqlOk, headCursor, startServer, type TestServer } from '../utils/server.js';
import { untilSteady } from '../utils/poll.js';

const SEED = Number(process.env.DIFF_SEED ?? 20261201);
const DOCS = Number(process.env.DIFF_DOCS ?? 8);

let server: TestServer;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const wsClients: Client[] = [];
const sseClients: SseClient[] = [];

const TASK_LEAVES = ['id', 'title', 'description', 'status', 'version', 'private', 'org', 'createdAt', 'updatedAt', 'openQuestions', 'branch', 'error', 'heldReason', 'assignedAgentId', 'availableActions', 'state', 'budgetMicros'];
// Sessions without `durationMs`: a running one's is "until now", which differs by when each path ran.
const TASK_OBJECTS = [
  'creator { id name }',
  'clarifications { questions answers }',
  'issue { number url }',
  'pullRequest { number url title }',
  'progress { message percent }',
  'waiting { code reason }',
  'grant { agentId agentName userId }',
  'usage { inputTokens outputTokens costMicros }',
  'budgetWarning { at percent }',
  'failure { code message details logsUrl at attempt }',
  'sessions { attempt agentId agentName startedAt endedAt outcome reason code queuedMs iterations lastIteration { n summary at } usage { inputTokens outputTokens costMicros } model taskId }',
];
const AGENT_LEAVES = ['id', 'name', 'org', 'status', 'health', 'version', 'currentTaskId', 'lastAssignedAt', 'lastActivity', 'registeredAt', 'state'];

function pick(rnd: () => number, pool: string[], min: number): string[] {
  const chosen = pool.filter(() => rnd() < 0.35);
  while (chosen.length < min) chosen.push(pool[Math.floor(rnd() * pool.length)]);
  return [...new Set(chosen)];
}

function taskSelection(rnd: () => number, depth: number): string {
  const fields = [...pick(rnd, TASK_LEAVES, 2), ...pick(rnd, TASK_OBJECTS, 0)];
  if (depth > 0 && rnd() < 0.5) fields.push(`assignedAgent { ${agentSelection(rnd, depth - 1)} }`);
  return fields.join(' ');
}

function agentSelection(rnd: () => number, depth: number): string {
  const fields = pick(rnd, AGENT_LEAVES, 2);
  // The field whose answer depends on who asks: always in play.
  if (depth > 0 && rnd() < 0.7) fields.push(`currentTask { ${taskSelection(rnd, depth - 1)} }`);
  return fields.join(' ');
}

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

function cases(): Case[] {
  const rnd = random(SEED);
  const out: Case[] = [];
  const filters = [undefined, { scope: 'MINE' }, { status: ['DISPATCHED', 'CODING'] }, { creatorId: 'acme/Ada' }];
  for (let i = 0; i < DOCS; i++) {
    const filter = filters[i % filters.length];
    out.push({
      name: `taskUpdated#${i}`,
      query: `subscription T($f: TaskFilter, $after: String) { taskUpdated(filter: $f, after: $after) { cursor event task { ${taskSelection(rnd, 2)} } } }`,
      variables: { f: filter ?? null, after: '0' },
    });
    const taskId = ['secret', 'public', 'vague', 'globex'][i % 4];
    const timelineFields = pick(rnd, ['cursor', 'version', 'type', 'at', 'actor', 'payload', 'state'], 2).join(' ');
    out.push({
      name: `timeline#${i}(${taskId})`,
      query: `subscription L($id: ID!, $after: String) { timeline(taskId: $id, after: $after) { ${timelineFields} } }`,
      variables: { id: ids[taskId], after: i % 5 === 4 ? '999999999' : '0' },
    });
    out.push({
      name: `agentUpdated#${i}`,
      query: `subscription A($a: ID, $after: String) { agentUpdated(agentId: $a, after: $after) { cursor event agent { ${agentSelection(rnd, 2)} } } }`,
      variables: { a: i % 3 === 0 ? ids.bobBot : null, after: '0' },
    });
  }
  return out;
}

interface Stream {
  messages: string[];
  ended: boolean;
}

/** What a graphql-ws or graphql-sse `subscribe` delivers, each message as JSON text. */
function collect(subscribe: (sink: { next: (r: unknown) => void; error: (e: unknown) => void; complete: () => void }) => unknown): Stream {
  const stream: Stream = { messages: [], ended: false };
  subscribe({
    next: (result) => stream.messages.push(JSON.stringify(result)),
    error: (error) => {
      stream.messages.push(`error ${JSON.stringify(error)}`);
      stream.ended = true;
    },
    complete: () => (stream.ended = true),
  });
  return stream;
}

const viaWs = (client: Client, c: Case, grouped: boolean) =>
  collect((sink) => client.subscribe({ query: c.query, variables: c.variables, ...(grouped ? {} : { extensions: { fanout: false } }) }, sink));
const viaSse = (client: SseClient, c: Case) => collect((sink) => client.subscribe({ query: c.query, variables: c.variables }, sink));

/**
 * Until the replays are done: nothing new for `quietMs`, something arrived, and each path of a
 * run has as many messages as the others (so a slow start under load is not taken for the end;
 * a real difference still shows after `maxMs`).
 */
async function settle(trios: Stream[][], quietMs = 600, maxMs = 20_000): Promise<void> {
  const read = async () => ({
    total: trios.flat().reduce((n, s) => n + s.messages.length, 0),
    even: trios.every(([a, ...rest]) => rest.every((s) => s.messages.length === a.messages.length)),
  });
  await untilSteady(read, (last, now) => now.total === last.total && now.total > 0 && now.even, { everyMs: quietMs, timeoutMs: maxMs });
}

async function quiet(): Promise<void> {
  let head = '';
  await eventually(async () => {
    const now = await headCursor(server, tokens.ada);
    const same = now === head;
    head = now;
    return same;
  }, 15_000, 400);
}

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_MUTATIONS: '100000', WS_MAX_SUBSCRIPTIONS: '500' } });
  tokens.ada = await server.token({ name: 'Ada', org: 'acme' });
  tokens.bob = await server.token({ name: 'Bob', org: 'acme' });
  tokens.dan = await server.token({ name: 'Dan', org: 'acme' });
  tokens.carol = await server.token({ name: 'Carol', org: 'globex' });
  // The owner of acme's tasks, signed in with another org: sees their own tasks only.
  tokens.adaAtGlobex = await server.token({ id: 'acme/Ada', name: 'Ada', org: 'globex' });

  const create = async (token: string, title: string, extra: Record<string, unknown> = {}) =>
    (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION, ...extra } }, token)).createTask.id as string;
  const waiting = (token: string, id: string) =>
    eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { waiting { code } } }`, { id }, token)).task?.waiting, 10_000);

  // Ada's private task waits, then Bob's agent takes it (Bob may read it by its grant).
  ids.secret = await create(tokens.ada, 'Rotate the signing keys', { private: true });
  await waiting(tokens.ada, ids.secret);
  ids.bobBot = (await gqlOk(server, `mutation { registerAgent(name: "bob-bot") { id } }`, {}, tokens.bob)).registerAgent.id;
  await eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { assignedAgentId } }`, { id: ids.secret }, tokens.ada)).task.assignedAgentId === ids.bobBot, 10_000);
  await gqlOk(server, `mutation($t: ID!, $a: ID!) { startCoding(taskId: $t, agentId: $a, branch: "conveyor/keys") { id } }`, { t: ids.secret, a: ids.bobBot }, tokens.bob);
  await gqlOk(server, `mutation($t: ID!, $a: ID!) { reportProgress(taskId: $t, agentId: $a, message: "keys rotated", percent: 60) { id } }`, { t: ids.secret, a: ids.bobBot }, tokens.bob);
  await gqlOk(server, `mutation($t: ID!, $a: ID!) { reportIteration(taskId: $t, agentId: $a, n: 1, summary: "old keys listed") { id } }`, { t: ids.secret, a: ids.bobBot }, tokens.bob);
  await gqlOk(server, `mutation($t: ID!) { setTaskBudget(taskId: $t, budgetMicros: 10000) { id } }`, { t: ids.secret }, tokens.ada);
  const spend = `mutation($t: ID!, $a: ID!) { reportUsage(taskId: $t, agentId: $a, usage: { inputTokens: 900, outputTokens: 100, costMicros: 4500, model: "gpt-test" }) { id } }`;
  await gqlOk(server, spend, { t: ids.secret, a: ids.bobBot }, tokens.bob);
  await gqlOk(server, spend, { t: ids.secret, a: ids.bobBot }, tokens.bob); // crosses 80 %
  // A public task waits behind it; a vague one asks questions; globex works one to a PR.
  ids.public = await create(tokens.dan, 'Speed up CSV export');
  ids.vague = (await gqlOk(server, CREATE_TASK, { input: { title: 'Fix the login', description: 'fix it' } }, tokens.ada)).createTask.id;
  ids.globex = await create(tokens.carol, 'Archive old projects');
  const carolBot = (await gqlOk(server, `mutation { registerAgent(name: "carol-bot") { id } }`, {}, tokens.carol)).registerAgent.id;
  await eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { assignedAgentId } }`, { id: ids.globex }, tokens.carol)).task.assignedAgentId === carolBot, 10_000);
  await gqlOk(server, `mutation($t: ID!, $a: ID!) { startCoding(taskId: $t, agentId: $a, branch: "conveyor/archive") { id } }`, { t: ids.globex, a: carolBot }, tokens.carol);
  await waiting(tokens.dan, ids.public);
  // And one failed with a structured failure.
  ids.flaky = await create(tokens.dan, 'Flaky build');
  await gqlOk(server, `mutation($t: ID!) { failTask(taskId: $t, error: "flaky test", code: "FLAKY", details: { test: "login", runs: 3 }, logsUrl: "https://ci.example/7") { id } }`, { t: ids.flaky }, tokens.dan);
  await quiet();

  for (const token of Object.values(tokens)) {
    wsClients.push(createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, lazy: false, retryAttempts: 0 }));
    sseClients.push(createSseClient({ url: `${server.url}/graphql`, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 }));
  }
}, 60_000);

afterAll(async () => {
  for (const c of wsClients) await c.dispose();
  for (const c of sseClients) c.dispose();
  await server.dispose();
});

describe('grouped WebSocket, ungrouped WebSocket and SSE answer the same', () => {
  it(`every generated subscription, as every viewer, on all three paths (seed ${SEED})`, async () => {
    const all = cases();
    const viewers = Object.keys(tokens);
    const runs = all.flatMap((c) =>
      viewers.map((viewer, v) => ({
        label: `${c.name} as ${viewer}`,
        c,
        grouped: viaWs(wsClients[v], c, true),
        ungrouped: viaWs(wsClients[v], c, false),
        sse: viaSse(sseClients[v], c),
      })),
    );
    await settle(runs.map((r) => [r.grouped, r.ungrouped, r.sse]));

    const differences: string[] = [];
    let messages = 0;
    for (const run of runs) {
      messages += run.grouped.messages.length;
      const same = (a: string[], b: string[]) => a.length === b.length && a.every((m, i) => m === b[i]);
      if (!same(run.grouped.messages, run.ungrouped.messages) || !same(run.ungrouped.messages, run.sse.messages)) {
        const first = run.grouped.messages.findIndex((m, i) => m !== run.ungrouped.messages[i] || m !== run.sse.messages[i]);
        differences.push(
          `${run.label}: ${run.grouped.messages.length}/${run.ungrouped.messages.length}/${run.sse.messages.length} messages; first difference at ${first}:\n` +
            `  grouped:   ${run.grouped.messages[first]?.slice(0, 400)}\n  ungrouped: ${run.ungrouped.messages[first]?.slice(0, 400)}\n  sse:       ${run.sse.messages[first]?.slice(0, 400)}\n  query: ${run.c.query}`,
        );
      }
    }
    expect(differences, differences.slice(0, 3).join('\n')).toEqual([]);
    // The comparison had material: replays with data, errors (not visible, cursor ahead) too.
    expect(messages).toBeGreaterThan(runs.length * 2);
    const joined = runs.flatMap((r) => r.grouped.messages).join('\n');
    expect(joined).toContain('NOT_FOUND');
    expect(joined).toContain('BAD_USER_INPUT');
    expect(joined).toContain('"grant":{"agentId"');
  }, 90_000);
});
