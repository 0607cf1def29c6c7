/**
 * Sessions, usage and budgets end to end (issue 16): a real server on port 0 and the worker CLI
 * running an `--exec` script that prints iterations and usage. The task is held at its budget
 * (the worker's command is stopped), resumes when the budget is raised, and every figure agrees
 * between the task, its sessions, its timeline and the agent's sessions.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gql, gqlOk, startServer, timelineOfTask, type TestServer } from '../utils/server.js';
import { spawnWorker } from '../utils/worker.js';

let server: TestServer;
let ada: string;
let bob: string;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  server = await startServer();
  ada = await server.token({ name: 'Ada', org: 'acme' });
  bob = await server.token({ name: 'Bob', org: 'acme' });
});
afterEach(() => {
  for (const p of processes.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});
afterAll(() => server.dispose());

const SESSION = `attempt agentId agentName startedAt endedAt durationMs queuedMs outcome reason iterations lastIteration { n summary at } usage { inputTokens outputTokens costMicros } model taskId`;
const TASK = `query($id: ID!) { task(id: $id) { id status heldReason version budgetMicros budgetWarning { at percent } usage { inputTokens outputTokens costMicros } sessions { ${SESSION} } assignedAgentId } }`;
const taskOf = async (id: string) => (await gqlOk(server, TASK, { id }, ada)).task;
const CREATE = `mutation($input: CreateTaskInput!) { createTask(input: $input) { id budgetMicros } }`;
const SET_BUDGET = `mutation($t: ID!, $b: Float) { setTaskBudget(taskId: $t, budgetMicros: $b) { id status budgetMicros } }`;

/** A command that works in six steps, each an iteration that cost 3,000 micro-units. */
function script(): string {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-sessions-'));
  const path = join(dir, 'agent.sh');
  writeFileSync(
    path,
    [
      'for i in 1 2 3 4 5 6; do',
      '  echo "step $i of $TASK_TITLE"',
      '  echo "conveyor:iteration step $i"',
      `  echo 'conveyor:usage {"inputTokens":1000,"outputTokens":200,"costMicros":3000,"model":"gpt-test"}'`,
      '  sleep 0.4',
      'done',
    ].join('\n'),
  );
  return `sh ${path}`;
}

describe('sessions, usage and budgets', () => {
  it('a worker running --exec: usage adds up, 80 % warns, 100 % holds and stops it, a raise resumes it', async () => {
    const w = await spawnWorker(server.url, 'llm-1', ada, ['--heartbeat', '200', '--exec', script()], processes);
    const { createTask } = await gqlOk(server, CREATE, { input: { title: 'Budgeted work', description: CLEAR_DESCRIPTION, budgetMicros: 10_000 } }, ada);
    const id = createTask.id as string;
    expect(createTask.budgetMicros).toBe(10_000);

    // Four steps reach the budget (12,000 ≥ 10,000): held, the agent let go, the command stopped.
    await eventually(async () => (await taskOf(id)).status === 'HELD', 20_000);
    let task = await taskOf(id);
    expect(task).toMatchObject({ heldReason: 'budget reached', assignedAgentId: null, usage: { inputTokens: 4000, outputTokens: 800, costMicros: 12_000 } });
    expect(task.budgetWarning.percent).toBe(80);
    expect(task.sessions).toHaveLength(1);
    const first = task.sessions[0];
    expect(first).toMatchObject({ attempt: 1, agentName: 'llm-1', outcome: 'BUDGET', reason: 'budget reached', iterations: 4, model: 'gpt-test', taskId: id });
    expect(first.usage).toEqual(task.usage);
    expect(first.lastIteration).toMatchObject({ n: 4, summary: 'step 4' });
    expect(Date.parse(first.endedAt)).toBeGreaterThanOrEqual(Date.parse(first.startedAt));
    expect(first.durationMs).toBe(Date.parse(first.endedAt) - Date.parse(first.startedAt));
    expect(first.queuedMs).toBeGreaterThanOrEqual(0); // opened its issue, joined the queue, then taken
    await eventually(async () => /taken back by the server \(held: budget reached\)/.test(w.output()), 5_000);
    const agent = (await gqlOk(server, `query($a: ID!) { agent(id: $a) { status currentTaskId } }`, { a: first.agentId }, ada)).agent;
    expect(agent).toEqual({ status: 'IDLE', currentTaskId: null });
    // The command's own output passed through; its report lines did not.
    expect(w.output()).toContain('step 1 of Budgeted work');
    expect(w.output()).not.toContain('conveyor:usage');

    // The timeline says it, in order, each usage report its own entry.
    const types = (await timelineOfTask(server, id, ada)).map((e) => e.type);
    const order = ['ASSIGNED', 'CODING_STARTED', 'ITERATION', 'USAGE_REPORTED', 'BUDGET_WARNING', 'BUDGET_REACHED'];
    let at = -1;
    for (const type of order) {
      at = types.indexOf(type, at + 1);
      expect(at, `${type} in ${types.join(',')}`).toBeGreaterThanOrEqual(0);
    }
    expect(types.filter((t) => t === 'USAGE_REPORTED' || t === 'BUDGET_WARNING' || t === 'BUDGET_REACHED')).toHaveLength(4);

    // Nothing moves while held: a raise that does not cover what was spent keeps it held.
    expect((await gqlOk(server, SET_BUDGET, { t: id, b: 12_000 }, ada)).setTaskBudget).toMatchObject({ status: 'HELD', budgetMicros: 12_000 });
    // Raised past it: back to the queue, assigned again (attempt 2), and this time it finishes.
    expect((await gqlOk(server, SET_BUDGET, { t: id, b: 1_000_000 }, ada)).setTaskBudget.status).toBe('DISPATCHED');
    await eventually(async () => (await taskOf(id)).status === 'PR_OPEN', 20_000);
    task = await taskOf(id);
    expect(task.sessions.map((s: any) => [s.attempt, s.outcome, s.iterations, s.usage.costMicros])).toEqual([
      [1, 'BUDGET', 4, 12_000],
      [2, 'PR_OPENED', 6, 18_000],
    ]);
    expect(task.usage).toEqual({ inputTokens: 10_000, outputTokens: 2_000, costMicros: 30_000 });
    const timeline = (await gqlOk(server, `query($id: ID!) { timeline(taskId: $id) { type at payload } }`, { id }, ada)).timeline as { type: string; at: string; payload: any }[];
    const resumed = timeline.find((e) => e.type === 'RESUMED' && e.payload.reason === 'budget raised');
    expect(resumed).toBeDefined();
    // Session 2 waited in the queue from the raise to its assignment: the timeline's two times.
    const reassigned = timeline.filter((e) => e.type === 'ASSIGNED').at(-1)!;
    expect(task.sessions[1].queuedMs).toBe(Date.parse(reassigned.at) - Date.parse(resumed!.at));

    // The agent's own view: its sessions, newest first, agree with the task's.
    const { agentSessions } = await gqlOk(server, `query($a: ID!) { agentSessions(agentId: $a) { ${SESSION} } }`, { a: first.agentId }, ada);
    expect(agentSessions).toEqual([...task.sessions].reverse().map((s: any) => ({ ...s, durationMs: expect.any(Number) })));
    w.process.kill('SIGINT');
    await w.exited;
  }, 60_000);

  it('a failure is structured: code, details, its session, the lines before it; errorSummary counts it', async () => {
    const w = await spawnWorker(server.url, 'failing-1', ada, ['--heartbeat', '200', '--exec', 'echo "building $TASK_BRANCH"; echo "error: 3 tests failed" >&2; exit 3'], processes);
    const { createTask } = await gqlOk(server, CREATE, { input: { title: 'Fails with a code', description: CLEAR_DESCRIPTION } }, ada);
    const id = createTask.id as string;
    const FAILURE = `query($id: ID!) { task(id: $id) { status error failure { code message details logsUrl at attempt } sessions { attempt outcome reason } } }`;
    await eventually(async () => (await gqlOk(server, FAILURE, { id }, ada)).task.status === 'FAILED', 20_000);
    const { task } = await gqlOk(server, FAILURE, { id }, ada);
    expect(task.failure).toMatchObject({ code: 'EXIT_CODE', message: 'command exited with code 3', details: { exitCode: 3 }, logsUrl: null, attempt: 1 });
    expect(task.error).toBe('command exited with code 3');
    expect(task.sessions).toEqual([{ attempt: 1, outcome: 'FAILED', reason: 'command exited with code 3' }]);
    // The last lines its session printed, for the failure's page.
    await eventually(async () => (await gqlOk(server, `query($t: ID!) { taskLogs(taskId: $t, attempt: 1, last: 20) { lines { text } } }`, { t: id }, ada)).taskLogs.lines.length === 2, 5_000);
    const last = (await gqlOk(server, `query($t: ID!) { taskLogs(taskId: $t, attempt: 1, last: 1) { lines { text stream } } }`, { t: id }, ada)).taskLogs.lines;
    expect(last).toHaveLength(1);
    expect(['error: 3 tests failed', expect.stringMatching(/^building conveyor\//)]).toContainEqual(last[0].text);
    w.process.kill('SIGINT');
    await w.exited;

    // Through the API, with the worker's own code, details and a link; a retry clears it.
    const other = (await gqlOk(server, CREATE, { input: { title: 'Fails by API', description: CLEAR_DESCRIPTION } }, ada)).createTask.id as string;
    const fail = `mutation($t: ID!, $c: String, $d: JSON, $u: String) { failTask(taskId: $t, error: "lint failed", code: $c, details: $d, logsUrl: $u) { failure { code details logsUrl } } }`;
    expect((await gql(server, fail, { t: other, c: 'lint failed' }, ada)).errors?.[0]?.message).toMatch(/code must be A-Z, 0-9 and _/);
    expect((await gql(server, fail, { t: other, c: 'LINT', d: { blob: 'x'.repeat(9000) } }, ada)).errors?.[0]?.message).toMatch(/details must be at most 8 KB/);
    expect((await gql(server, fail, { t: other, c: 'LINT', u: 'ftp://x' }, ada)).errors?.[0]?.message).toMatch(/logsUrl must be an http\(s\) URL/);
    const failed = (await gqlOk(server, fail, { t: other, c: 'LINT', d: { rule: 'no-unused-vars', files: 3 }, u: 'https://ci.example/jobs/7' }, ada)).failTask;
    expect(failed.failure).toEqual({ code: 'LINT', details: { rule: 'no-unused-vars', files: 3 }, logsUrl: 'https://ci.example/jobs/7' });

    const summary = (await gqlOk(server, `{ errorSummary(hours: 24) { total more byCode { code count lastTaskId lastMessage } } }`, {}, ada)).errorSummary;
    expect(summary.total).toBe(2);
    expect(summary.byCode).toEqual(
      expect.arrayContaining([
        { code: 'EXIT_CODE', count: 1, lastTaskId: id, lastMessage: 'command exited with code 3' },
        { code: 'LINT', count: 1, lastTaskId: other, lastMessage: 'lint failed' },
      ]),
    );
    // Another org sees none of it; a bad window is refused.
    expect((await gqlOk(server, `{ errorSummary { total } }`, {}, await server.token({ name: 'Carol', org: 'globex' }))).errorSummary.total).toBe(0);
    expect((await gql(server, `{ errorSummary(hours: 0) { total } }`, {}, ada)).errors?.[0]?.message).toMatch(/hours/);
    // Retried, a task is not failed any more: not counted, no failure.
    await gqlOk(server, `mutation($t: ID!) { retryTask(taskId: $t) { id } }`, { t: other }, ada);
    expect((await gqlOk(server, FAILURE, { id: other }, ada)).task.failure).toBeNull();
    expect((await gqlOk(server, `{ errorSummary { total } }`, {}, ada)).errorSummary.total).toBe(1);
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id: other }, ada);
  }, 60_000);

  it('bad reports and budgets get clear errors and change nothing', async () => {
    const { createTask } = await gqlOk(server, CREATE, { input: { title: 'Checked', description: CLEAR_DESCRIPTION } }, ada);
    const id = createTask.id as string;
    const bad = await gql(server, CREATE, { input: { title: 'x', budgetMicros: -1 } }, ada);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.errors?.[0].message).toMatch(/input\.budgetMicros must be 0 or more/);
    expect((await gql(server, SET_BUDGET, { t: id, b: 1.5 }, ada)).errors?.[0].message).toMatch(/budgetMicros must be a whole number/);
    // Only its creator sets a task's budget.
    expect((await gql(server, SET_BUDGET, { t: id, b: 5 }, bob)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await taskOf(id)).budgetMicros).toBeNull();
    // Cancelled first, so that no agent can be given it while the reports below are refused.
    await gqlOk(server, `mutation($id: ID!) { cancelTask(taskId: $id) { id } }`, { id }, ada);

    // Reports from an agent that does not hold the task are refused, as are bad figures.
    const { registerAgent } = await gqlOk(server, `mutation { registerAgent(name: "idle-bot") { id } }`, {}, ada);
    const usage = `mutation($t: ID!, $a: ID!, $u: UsageInput!) { reportUsage(taskId: $t, agentId: $a, usage: $u) { id } }`;
    const wrongAgent = await gql(server, usage, { t: id, a: registerAgent.id, u: { inputTokens: 1, outputTokens: 1, costMicros: 1 } }, ada);
    expect(wrongAgent.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const fraction = await gql(server, usage, { t: id, a: registerAgent.id, u: { inputTokens: 0.5, outputTokens: 1, costMicros: 1 } }, ada);
    expect(fraction.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(fraction.errors?.[0].message).toMatch(/usage\.inputTokens must be a whole number/);
    const iteration = `mutation($t: ID!, $a: ID!) { reportIteration(taskId: $t, agentId: $a, n: 1, summary: "  ") { id } }`;
    expect((await gql(server, iteration, { t: id, a: registerAgent.id }, ada)).errors?.[0].message).toMatch(/summary must not be empty/);
    const types = (await timelineOfTask(server, id, ada)).map((e) => e.type);
    expect(types.at(-1)).toBe('CANCELLED');
    expect(types.filter((t) => /USAGE|ITERATION|BUDGET/.test(t))).toEqual([]);
    expect((await taskOf(id)).usage).toEqual({ inputTokens: 0, outputTokens: 0, costMicros: 0 });
  });
});
