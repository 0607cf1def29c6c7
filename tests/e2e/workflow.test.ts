/**
 * The whole lifecycle through the public API, as a newcomer and a worker would drive it:
 * dev sign-in, create, clarify, dispatch, an agent codes it, PR opened and merged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER, CREATE_TASK, TASK, TIMELINE, type TimelineData } from '../utils/documents.js';
import { eventually, gql, gqlOk, startServer, subscribe, wsClient, type TestServer, type WsClient } from '../utils/server.js';

let server: TestServer;
const clients: WsClient[] = [];
beforeAll(async () => {
  // The embedded default: no JWT_SECRET, loopback → dev sign-in.
  server = await startServer({ env: { JWT_SECRET: '' } });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await server.dispose();
});

describe('lifecycle through the API', () => {
  it('dev sign-in, clarification, dispatch, coding by an agent, PR merged; agents follow along', async () => {
    expect((await gqlOk(server, `{ devSignInEnabled }`)).devSignInEnabled).toBe(true);
    const signIn = await gqlOk(server, `mutation { devSignIn(name: "Ada Lovelace", org: "acme") { token viewer { id name org } } }`);
    const token = signIn.devSignIn.token as string;
    expect(signIn.devSignIn.viewer).toEqual({ id: 'acme/ada-lovelace', name: 'Ada Lovelace', org: 'acme' });
    expect((await gqlOk(server, `{ viewer { id } }`, {}, token)).viewer.id).toBe('acme/ada-lovelace');
    const bad = await gql(server, `mutation { devSignIn(name: "", org: "a b") { token } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const ws = wsClient(server, token);
    clients.push(ws);
    const agents = subscribe<any>(ws, `subscription($after: String) { agentUpdated(after: $after) { cursor event agent { id name status health currentTaskId } } }`, { after: '0' });

    const { createTask } = await gqlOk(server, CREATE_TASK, { input: { title: 'Dark mode', description: 'make it dark' } }, token);
    const timeline = subscribe<TimelineData>(ws, TIMELINE, { taskId: createTask.id });
    await eventually(async () => (await gqlOk(server, TASK, { id: createTask.id }, token)).task.status === 'NEEDS_CLARIFICATION');
    let task = (await gqlOk(server, TASK, { id: createTask.id }, token)).task;
    expect(task.openQuestions.length).toBeGreaterThan(0);
    expect(task.availableActions).toEqual(expect.arrayContaining(['ANSWER', 'CANCEL']));
    expect(task.availableActions).not.toContain('RETRY');

    const answers = task.openQuestions.map((_: string, i: number) => `Answer ${i + 1}: the settings page gets a dark theme toggle`);
    await gqlOk(server, ANSWER, { taskId: task.id, answers }, token);
    await eventually(async () => (await gqlOk(server, TASK, { id: task.id }, token)).task.issue !== null);
    task = (await gqlOk(server, TASK, { id: task.id }, token)).task;
    expect(task).toMatchObject({ status: 'DISPATCHED', issue: { number: expect.any(Number), url: expect.stringMatching(/^https:\/\/.*\/issues\/\d+$/) } });
    expect(task.state).toEqual({ active: { dispatched: 'queued' } });
    // No agent in the org: the task says why it waits, and since when.
    await eventually(async () => (await gqlOk(server, TASK, { id: task.id }, token)).task.waiting !== null);
    task = (await gqlOk(server, TASK, { id: task.id }, token)).task;
    expect(task.waiting).toEqual({ code: 'NO_AGENT_ONLINE', reason: 'no agent of acme is online', since: expect.any(String) });
    expect(Date.parse(task.waiting.since)).toBeLessThanOrEqual(Date.now());

    // A worker registers; the orchestrator assigns the queued task to it.
    const agent = (await gqlOk(server, `mutation { registerAgent(name: "worker-1") { id status health } }`, {}, token)).registerAgent;
    await eventually(async () => (await gqlOk(server, TASK, { id: task.id }, token)).task.assignedAgentId === agent.id);
    task = (await gqlOk(server, TASK, { id: task.id }, token)).task;
    expect(task.state).toEqual({ active: { dispatched: 'assigned' } });
    expect(task.waiting).toBeNull();
    expect(task.availableActions).toContain('START_CODING');
    const coding = await gqlOk(server, `mutation($t: ID!, $a: ID!) { startCoding(taskId: $t, agentId: $a, branch: "conveyor/dark-mode") { status branch assignedAgent { id status currentTask { id } } } }`, { t: task.id, a: agent.id }, token);
    expect(coding.startCoding).toMatchObject({ status: 'CODING', branch: 'conveyor/dark-mode', assignedAgent: { id: agent.id, status: 'BUSY', currentTask: { id: task.id } } });
    const progress = await gqlOk(server, `mutation($t: ID!, $a: ID!) { reportProgress(taskId: $t, agentId: $a, message: "tests written", percent: 50) { progress { message percent } } }`, { t: task.id, a: agent.id }, token);
    expect(progress.reportProgress.progress).toEqual({ message: 'tests written', percent: 50 });

    // One task at a time: a second dispatched task waits in the queue, and cannot be started.
    const second = (await gqlOk(server, CREATE_TASK, { input: { title: 'Other', description: 'Add a dark theme toggle to the settings page, persisted per user, thanks.' } }, token)).createTask;
    await eventually(async () => (await gqlOk(server, TASK, { id: second.id }, token)).task.issue !== null);
    await new Promise((r) => setTimeout(r, 200));
    expect((await gqlOk(server, TASK, { id: second.id }, token)).task).toMatchObject({ state: { active: { dispatched: 'queued' } }, assignedAgentId: null });
    const busy = await gql(server, `mutation($t: ID!, $a: ID!) { startCoding(taskId: $t, agentId: $a, branch: "b2") { id } }`, { t: second.id, a: agent.id }, token);
    expect(busy.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');

    await gqlOk(server, `mutation($t: ID!) { reportPullRequestOpened(taskId: $t, number: 42, url: "https://github.com/acme/app/pull/42", title: "Dark mode") { status } }`, { t: task.id }, token);
    const merged = await gqlOk(server, `mutation($t: ID!) { reportPullRequestMerged(taskId: $t, sha: "0123abcd", mergedAt: "2026-11-22T10:00:00Z") { status mergeCommitSha mergedAt pullRequest { number url } assignedAgentId } }`, { t: task.id }, token);
    expect(merged.reportPullRequestMerged).toEqual({
      status: 'MERGED', mergeCommitSha: '0123abcd', mergedAt: '2026-11-22T10:00:00.000Z',
      pullRequest: { number: 42, url: 'https://github.com/acme/app/pull/42' }, assignedAgentId: null,
    });
    // The agent was released in the same transaction, and the orchestrator gave it the queued task.
    await eventually(async () => (await gqlOk(server, TASK, { id: second.id }, token)).task.assignedAgentId === agent.id);
    expect((await gqlOk(server, `query($id: ID!) { agent(id: $id) { status currentTaskId } }`, { id: agent.id }, token)).agent).toEqual({ status: 'BUSY', currentTaskId: second.id });

    await timeline.waitFor(12);
    await new Promise((r) => setTimeout(r, 100)); // room for anything extra to (wrongly) arrive
    expect(timeline.received.map((d) => d.timeline.type)).toEqual([
      'CREATED', 'ANALYSIS_STARTED', 'CLARIFICATION_REQUESTED', 'CLARIFICATION_ANSWERED', 'DISPATCHED',
      'ISSUE_OPENED', 'WAITING', 'ASSIGNED', 'CODING_STARTED', 'PROGRESS', 'PR_OPENED', 'PR_MERGED',
    ]);

    await eventually(() => agents.received.filter((d) => d.agentUpdated.agent.id === agent.id).length >= 6);
    const agentEvents = ['REGISTERED', 'TASK_ASSIGNED', 'CODING_STARTED', 'PROGRESS', 'TASK_RELEASED', 'TASK_ASSIGNED'];
    expect(agents.received.map((d) => d.agentUpdated.event)).toEqual(agentEvents);
    // The agent's own timeline tells the same story.
    const agentTimeline = await gqlOk(server, `query($id: ID!) { agentTimeline(agentId: $id) { type payload } }`, { id: agent.id }, token);
    expect(agentTimeline.agentTimeline.map((e: any) => e.type)).toEqual(agentEvents);
    expect(agentTimeline.agentTimeline[3].payload).toMatchObject({ taskId: task.id, message: 'tests written', percent: 50 });
  });

  it('/healthz and /metrics report live figures', async () => {
    const health = await fetch(`${server.url}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', connections: expect.any(Number), subscriptions: expect.any(Number), messagesPerSecond: expect.any(Number), errors: expect.any(Number) });
    expect(health.cursor).toBeGreaterThan(0);
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/conveyor_events_committed_total\{entity="task"\} \d+/);
    expect(metrics).toContain('conveyor_ws_messages_sent_total');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
