/**
 * GitHub webhooks against the real server: payloads in GitHub's documented shape, signed the
 * way GitHub signs them (HMAC-SHA256 of the raw body, hex, "sha256=" prefix).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK } from '../utils/documents.js';
import { deliverGitHub, signGitHub } from '../utils/github.js';
import { eventually, gqlOk, startServer, timelineOfTask, type TestServer } from '../utils/server.js';

const SECRET = 'webhook-secret-for-tests-0123456789';
let server: TestServer;
let token: string;
let agentId: string;

beforeAll(async () => {
  server = await startServer({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  token = await server.token({ name: 'Ada', org: 'acme' });
  agentId = (await gqlOk(server, `mutation { registerAgent(name: "gh-worker") { id } }`, {}, token)).registerAgent.id;
});
afterAll(() => server.dispose());

const sign = (body: string, secret = SECRET) => signGitHub(body, secret);

function deliver(event: string, payload: unknown, options: { id?: string; signature?: string | null; raw?: string } = {}) {
  return deliverGitHub(server, SECRET, event, options.raw ?? JSON.stringify(payload), options);
}

/** The parts of GitHub's pull_request event payload that matter, in its documented shape. */
function pullRequest(action: string, pr: { number: number; branch: string; merged?: boolean; body?: string }) {
  return {
    action,
    number: pr.number,
    pull_request: {
      url: `https://api.github.com/repos/acme/app/pulls/${pr.number}`,
      id: 1000 + pr.number,
      html_url: `https://github.com/acme/app/pull/${pr.number}`,
      number: pr.number,
      state: action === 'closed' ? 'closed' : 'open',
      title: 'Add dark mode',
      body: pr.body ?? null,
      user: { login: 'conveyor-bot', id: 1 },
      head: { ref: pr.branch, sha: 'a'.repeat(40), label: `acme:${pr.branch}` },
      base: { ref: 'main', sha: 'b'.repeat(40), label: 'acme:main' },
      merged: pr.merged ?? false,
      merged_at: pr.merged ? '2026-11-22T10:00:00Z' : null,
      merge_commit_sha: pr.merged ? 'c0ffee1234567890c0ffee1234567890c0ffee12' : null,
    },
    repository: { id: 42, name: 'app', full_name: 'acme/app' },
    sender: { login: 'octocat', id: 2 },
  };
}

/** A task assigned to our agent and coding on `branch`. */
async function codingTask(title: string, branch: string) {
  const id = (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION } }, token)).createTask.id as string;
  await eventually(async () => (await gqlOk(server, TASK, { id }, token)).task.assignedAgentId === agentId);
  await gqlOk(server, `mutation($t: ID!, $a: ID!, $b: String!) { startCoding(taskId: $t, agentId: $a, branch: $b) { id } }`, { t: id, a: agentId, b: branch }, token);
  return id;
}
const taskOf = async (id: string) => (await gqlOk(server, TASK, { id }, token)).task;
const timelineOf = (id: string) => timelineOfTask(server, id, token);

describe('GitHub webhooks', () => {
  it('answers ping, and ignores other events with 202', async () => {
    expect(await deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1 })).toMatchObject({ status: 200, body: { message: 'pong' } });
    expect((await deliver('issues', { action: 'opened' })).status).toBe(202);
  });

  it('the full life: PR opened and merged by signed webhooks, every step on the timeline in order', async () => {
    const id = await codingTask('Webhook lifecycle', 'conveyor/webhook-life');
    const opened = await deliver('pull_request', pullRequest('opened', { number: 7, branch: 'conveyor/webhook-life' }));
    expect(opened.status).toBe(200);
    expect(await taskOf(id)).toMatchObject({ status: 'PR_OPEN', pullRequest: { number: 7, url: 'https://github.com/acme/app/pull/7' } });
    const merged = await deliver('pull_request', pullRequest('closed', { number: 7, branch: 'conveyor/webhook-life', merged: true }));
    expect(merged.status).toBe(200);
    expect(await taskOf(id)).toMatchObject({
      status: 'MERGED',
      mergeCommitSha: 'c0ffee1234567890c0ffee1234567890c0ffee12',
      mergedAt: '2026-11-22T10:00:00.000Z',
      assignedAgentId: null,
    });
    const timeline = await timelineOf(id);
    expect(timeline.map((e) => e.type)).toEqual([
      'CREATED', 'ANALYSIS_STARTED', 'DISPATCHED', 'ISSUE_OPENED', 'ASSIGNED', 'CODING_STARTED', 'PR_OPENED', 'PR_MERGED',
    ]);
    expect(timeline.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(timeline.at(-1)).toMatchObject({ actor: 'github', payload: { sha: 'c0ffee1234567890c0ffee1234567890c0ffee12' } });
  });

  it('links by "Closes #N" of the tracking issue, and a PR closed unmerged fails the task', async () => {
    const id = await codingTask('Closed unmerged', 'conveyor/closed');
    const issue = (await taskOf(id)).issue.number;
    const opened = await deliver('pull_request', pullRequest('opened', { number: 8, branch: 'someone/else', body: `Work for the task.\n\nCloses #${issue}` }));
    expect(opened.status).toBe(200);
    expect((await taskOf(id)).status).toBe('PR_OPEN');
    await deliver('pull_request', pullRequest('closed', { number: 8, branch: 'someone/else', body: `Closes #${issue}` }));
    expect(await taskOf(id)).toMatchObject({ status: 'FAILED', error: 'PR closed' });
  });

  it('bad or missing signatures, replayed deliveries and malformed payloads change nothing', async () => {
    const id = await codingTask('Hostile deliveries', 'conveyor/hostile');
    const before = await timelineOf(id);
    const payload = pullRequest('opened', { number: 9, branch: 'conveyor/hostile' });
    const body = JSON.stringify(payload);

    expect((await deliver('pull_request', payload, { signature: null })).status).toBe(401);
    expect((await deliver('pull_request', payload, { signature: sign(body, 'wrong-secret-wrong-secret') })).status).toBe(401);
    expect((await deliver('pull_request', payload, { signature: 'sha256=deadbeef' })).status).toBe(401);
    expect((await deliver('pull_request', payload, { signature: sign(body).replace('sha256=', 'sha1=') })).status).toBe(401);
    // Signed for one body, sent with another.
    expect((await deliver('pull_request', payload, { raw: body.replace('"number":9', '"number":10'), signature: sign(body) })).status).toBe(401);
    expect((await deliver('pull_request', null, { raw: '{"action": "opened", "pull_request": ' })).status).toBe(400);
    expect((await deliver('pull_request', { action: 'opened', pull_request: { number: 'nine' } })).status).toBe(400);
    expect(await timelineOf(id)).toEqual(before);

    const delivery = randomUUID();
    expect((await deliver('pull_request', payload, { id: delivery })).status).toBe(200);
    const after = await timelineOf(id);
    expect(after).toHaveLength(before.length + 1);
    const replay = await deliver('pull_request', payload, { id: delivery });
    expect(replay).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await timelineOf(id)).toEqual(after);
    // The same event under a new delivery id is recognised as already applied.
    expect((await deliver('pull_request', payload)).status).toBe(200);
    expect(await timelineOf(id)).toEqual(after);
  });

  it('a PR for no known task is acknowledged and changes nothing', async () => {
    const result = await deliver('pull_request', pullRequest('opened', { number: 99, branch: 'unrelated/branch' }));
    expect(result.status).toBe(202);
    expect(String(result.body.message)).toContain('no task linked');
  });

  it('without GITHUB_WEBHOOK_SECRET the endpoint says it is not configured', async () => {
    const bare = await startServer();
    try {
      const response = await fetch(`${bare.url}/webhooks/github`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(503);
      expect((await response.json()).error).toContain('GITHUB_WEBHOOK_SECRET');
    } finally {
      await bare.dispose();
    }
  });
});
