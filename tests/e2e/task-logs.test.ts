/**
 * Task logs end to end (issue 16): a worker's --exec output streamed to the server and followed
 * over graphql-ws from the start, then resumed by cursor without loss or repeats; the query and
 * the subscription agree; secrets are masked; a session keeps LOG_MAX_BYTES_PER_SESSION with a
 * marker where its oldest lines went; bad batches change nothing; the task's visibility rules.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gql, gqlOk, startServer, subscribe, wsClient, type TestServer } from '../utils/server.js';
import { spawnWorker } from '../utils/worker.js';

const MAX = 16_384;
let server: TestServer;
let ada: string;
let bob: string;
let carol: string;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  server = await startServer({ env: { LOG_MAX_BYTES_PER_SESSION: String(MAX) } });
  ada = await server.token({ name: 'Ada', org: 'acme' });
  bob = await server.token({ name: 'Bob', org: 'acme' });
  carol = await server.token({ name: 'Carol', org: 'globex' });
});
afterEach(() => {
  for (const p of processes.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});
afterAll(() => server.dispose());

type Line = { cursor: string; attempt: number; stream: string; text: string; at: string };
const LINE = 'cursor attempt stream text at';
const LOGS_QUERY = `query($t: ID!, $after: String, $first: Int, $attempt: Int) { taskLogs(taskId: $t, after: $after, first: $first, attempt: $attempt) { cursor lines { ${LINE} } sessions { attempt lines bytes droppedLines droppedBytes } } }`;
const LOGS_SUB = `subscription($t: ID!, $after: String) { taskLogs(taskId: $t, after: $after) { ${LINE} } }`;
const APPEND = `mutation($t: ID!, $a: ID!, $l: [LogLineInput!]!) { appendTaskLogs(taskId: $t, agentId: $a, lines: $l) { cursor lines dropped } }`;
const create = async (token: string, title: string, extra: Record<string, unknown> = {}) =>
  (await gqlOk(server, `mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }`, { i: { title, description: CLEAR_DESCRIPTION, ...extra } }, token)).createTask.id as string;
const status = async (id: string) => (await gqlOk(server, `query($id: ID!) { task(id: $id) { status } }`, { id }, ada)).task?.status;

/** All of a task's lines through the query, page by page. */
async function allLines(token: string, taskId: string, pageSize = 7): Promise<Line[]> {
  const out: Line[] = [];
  for (let after: string | null = null; ; ) {
    const page: { cursor: string | null; lines: Line[] } = (await gqlOk(server, LOGS_QUERY, { t: taskId, after, first: pageSize }, token)).taskLogs;
    out.push(...page.lines);
    if (page.lines.length < pageSize) return out;
    after = page.cursor;
  }
}

describe('task logs', () => {
  it('a worker streams its command output; followed live from the start, resumed by cursor, masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-logs-'));
    writeFileSync(
      join(dir, 'build.sh'),
      [
        'echo "cloning with token ghp_abcdefghijklmnopqrstuvwxyz0123456789"',
        'for i in $(seq 1 30); do echo "compiling module $i"; sleep 0.02; done',
        'echo "warning: 2 deprecated calls" >&2',
        'echo "conveyor:iteration built"',
        'echo "tests passed"',
      ].join('\n'),
    );
    const id = await create(ada, 'Build with logs');
    const ws = wsClient(server, ada);
    const live = subscribe<{ taskLogs: Line }>(ws, LOGS_SUB, { t: id });
    const w = await spawnWorker(server.url, 'builder', ada, ['--heartbeat', '200', '--exec', `sh ${join(dir, 'build.sh')}`], processes);
    await eventually(async () => (await status(id)) === 'PR_OPEN', 20_000);
    await live.waitFor(33, 10_000);

    const lines = live.received.map((r) => r.taskLogs);
    // Every line the command printed, once (stdout and stderr interleave as the worker read them).
    const printed = ['cloning with token [masked]', ...Array.from({ length: 30 }, (_, i) => `compiling module ${i + 1}`), 'warning: 2 deprecated calls', 'tests passed'];
    expect(lines.map((l) => l.text).sort()).toEqual([...printed].sort());
    // Order within each stream is kept; the stderr line is marked as such; the report line is not a log line.
    const stdout = lines.filter((l) => l.stream === 'STDOUT').map((l) => l.text);
    expect(stdout).toEqual(['cloning with token [masked]', ...Array.from({ length: 30 }, (_, i) => `compiling module ${i + 1}`), 'tests passed']);
    expect(lines.filter((l) => l.stream === 'STDERR').map((l) => l.text)).toEqual(['warning: 2 deprecated calls']);
    expect(lines.every((l) => l.attempt === 1)).toBe(true);
    const cursors = lines.map((l) => Number(l.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(cursors.length);
    // The secret never reached the store: not in the query's answer either.
    expect(JSON.stringify(await allLines(ada, id))).not.toContain('ghp_');

    // The query (paged) and the subscription answer the same.
    expect(await allLines(ada, id)).toEqual(lines);
    // Resumed after the 10th line: exactly the rest, no repeat.
    const again = subscribe<{ taskLogs: Line }>(ws, LOGS_SUB, { t: id, after: lines[9].cursor });
    await again.waitFor(lines.length - 10, 5_000);
    await new Promise((r) => setTimeout(r, 300)); // a repeat would have come by now
    expect(again.received.map((r) => r.taskLogs)).toEqual(lines.slice(10));
    // Teammates may read a public task's log; another org may not.
    expect((await allLines(bob, id)).length).toBe(lines.length);
    const other = await gql(server, LOGS_QUERY, { t: id }, carol);
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(w.output()).toContain('compiling module 30');
    await ws.dispose();
    w.process.kill('SIGINT');
    await w.exited;
  }, 60_000);

  it('a session keeps its newest LOG_MAX_BYTES_PER_SESSION, with a marker where the oldest lines went', async () => {
    const id = await create(ada, 'Chatty agent', { private: true });
    const { registerAgent } = await gqlOk(server, `mutation { registerAgent(name: "chatty") { id } }`, {}, ada);
    const agent = registerAgent.id as string;
    await eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { assignedAgentId } }`, { id }, ada)).task.assignedAgentId === agent, 10_000);
    const ws = wsClient(server, ada);
    const live = subscribe<{ taskLogs: Line }>(ws, LOGS_SUB, { t: id });

    // 200 lines of 100 bytes (20,000 bytes) in batches of 40: over the 16,384-byte bound.
    const text = (n: number) => `line ${String(n).padStart(4, '0')} `.padEnd(100, '.');
    let dropped = 0;
    for (let b = 0; b < 5; b++) {
      const batch = Array.from({ length: 40 }, (_, i) => ({ text: text(b * 40 + i), stream: i % 10 === 0 ? 'STDERR' : 'STDOUT' }));
      dropped += (await gqlOk(server, APPEND, { t: id, a: agent, l: batch }, ada)).appendTaskLogs.dropped;
    }
    const page = (await gqlOk(server, LOGS_QUERY, { t: id, first: 500 }, ada)).taskLogs;
    const [marker, ...kept] = page.lines as Line[];
    expect(marker.stream).toBe('DROPPED');
    const session = page.sessions[0];
    expect(session.droppedLines).toBe(dropped);
    expect(marker.text).toMatch(new RegExp(`^… ${dropped} earlier lines \\(\\d+ KB\\) dropped`));
    expect(session.bytes).toBeLessThanOrEqual(MAX);
    expect(session.bytes).toBe(kept.length * 100);
    expect(session.lines + session.droppedLines).toBe(200);
    // The newest lines are the ones kept, in order, without a gap.
    expect(kept.map((l) => l.text)).toEqual(Array.from({ length: kept.length }, (_, i) => text(200 - kept.length + i)));
    // Resuming after the marker does not show it again; the live follower saw every line once.
    const after = (await gqlOk(server, LOGS_QUERY, { t: id, after: marker.cursor, first: 500 }, ada)).taskLogs.lines as Line[];
    expect(after).toEqual(kept);
    await eventually(() => live.received.length >= 200, 10_000);
    const seen = live.received.map((r) => r.taskLogs).filter((l) => l.stream !== 'DROPPED').map((l) => l.text);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(-kept.length)).toEqual(kept.map((l) => l.text));
    // A private task's log: its creator only (no agent of Bob's holds it).
    expect((await gql(server, LOGS_QUERY, { t: id }, bob)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await ws.dispose();
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, ada);
    await gqlOk(server, `mutation($a: ID!) { deregisterAgent(agentId: $a) { id } }`, { a: agent }, ada); // not given the next test's task
  });

  it('bad batches get clear errors and store nothing', async () => {
    const id = await create(ada, 'Guarded log');
    const { registerAgent } = await gqlOk(server, `mutation { registerAgent(name: "guard") { id } }`, {}, ada);
    const agent = registerAgent.id as string;
    await eventually(async () => (await gqlOk(server, `query($id: ID!) { task(id: $id) { assignedAgentId } }`, { id }, ada)).task.assignedAgentId === agent, 10_000);
    const tooMany = await gql(server, APPEND, { t: id, a: agent, l: Array.from({ length: 1001 }, () => ({ text: 'x' })) }, ada);
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(tooMany.errors?.[0]?.message).toMatch(/at most 1000 lines/);
    const marker = await gql(server, APPEND, { t: id, a: agent, l: [{ text: 'x', stream: 'DROPPED' }] }, ada);
    expect(marker.errors?.[0]?.message).toMatch(/must be STDOUT or STDERR/);
    const empty = await gql(server, APPEND, { t: id, a: agent, l: [] }, ada);
    expect(empty.errors?.[0]?.message).toMatch(/at least one line/);
    // Only the agent that holds the task, through the user who runs it.
    expect((await gql(server, APPEND, { t: id, a: agent, l: [{ text: 'x' }] }, bob)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { registerAgent: other } = await gqlOk(server, `mutation { registerAgent(name: "bystander") { id } }`, {}, ada);
    expect((await gql(server, APPEND, { t: id, a: other.id, l: [{ text: 'x' }] }, ada)).errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect((await gqlOk(server, LOGS_QUERY, { t: id }, ada)).taskLogs.lines).toEqual([]);
    // A long line is cut, and says so; embedded newlines do not make two lines.
    const long = await gqlOk(server, APPEND, { t: id, a: agent, l: [{ text: 'y'.repeat(9000) }, { text: 'one\ntwo' }] }, ada);
    expect(long.appendTaskLogs.lines).toBe(2);
    const stored = (await gqlOk(server, LOGS_QUERY, { t: id }, ada)).taskLogs.lines as Line[];
    expect(stored[0].text).toBe(`${'y'.repeat(8000)} … [line cut at 8,000 characters]`);
    expect(stored[1].text).toBe('one two');
    expect((await gql(server, LOGS_QUERY, { t: id, after: 'abc' }, ada)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, ada);
  });
});
