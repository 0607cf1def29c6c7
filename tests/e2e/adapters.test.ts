/**
 * The real adapters inside the real server, against local HTTP servers that answer in the
 * OpenAI chat-completions and GitHub REST shapes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CREATE_TASK, TASK } from '../utils/documents.js';
import { eventually, gqlOk, startServer, type TestServer } from '../utils/server.js';
import { disposeAfterEach } from '../utils/per-test.js';

const defer = disposeAfterEach();

async function fake(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function completion(content: string) {
  return JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });
}

async function serverWith(env: Record<string, string>): Promise<{ s: TestServer; token: string }> {
  const s = await startServer({ env });
  defer(() => s.dispose());
  return { s, token: await s.token({ name: 'Ada', org: 'acme' }) };
}

async function createAndSettle(s: TestServer, token: string, until: (task: any) => boolean) {
  // Long enough for the default rule-based analyzer to dispatch (where the tracker is under test).
  const description = 'Add a dark theme toggle to the settings page, persisted per user.';
  const id = (await gqlOk(s, CREATE_TASK, { input: { title: 'Dark mode', description } }, token)).createTask.id;
  return eventually(async () => {
    const task = (await gqlOk(s, TASK, { id }, token)).task;
    return until(task) ? task : null;
  }, 8000);
}

describe('OpenAI-compatible analyzer in the server', () => {
  it('asks the questions the model returns', async () => {
    const url = await fake((_req, _body, res) => res.end(completion(JSON.stringify({ verdict: 'clarify', questions: ['Which settings page?'] }))));
    const { s, token } = await serverWith({ ANALYZER_URL: url, ANALYZER_MODEL: 'test-model' });
    const task = await createAndSettle(s, token, (t) => t.status === 'NEEDS_CLARIFICATION');
    expect(task.openQuestions).toEqual(['Which settings page?']);
  });

  it('a bad answer fails the task with a clear message', async () => {
    const url = await fake((_req, _body, res) => res.end(completion('{"verdict": "maybe"}')));
    const { s, token } = await serverWith({ ANALYZER_URL: url, ANALYZER_MODEL: 'test-model' });
    const task = await createAndSettle(s, token, (t) => t.status === 'FAILED');
    expect(task.error).toMatch(/^Analysis failed: analyzer returned an invalid verdict/);
    expect(task.availableActions).toContain('RETRY');
  });

  it('a model that never answers times out and fails the task instead of hanging', async () => {
    const url = await fake(() => {
      /* never answers */
    });
    const { s, token } = await serverWith({ ANALYZER_URL: url, ANALYZER_MODEL: 'test-model', ANALYZER_TIMEOUT_MS: '300' });
    const task = await createAndSettle(s, token, (t) => t.status === 'FAILED');
    expect(task.error).toMatch(/Analysis failed: analyzer did not answer within 300 ms/);
  });
});

describe('GitHub issue tracker in the server', () => {
  it('opens the tracking issue on GitHub when the task is dispatched', async () => {
    const seen: { path: string; auth: string; body: any }[] = [];
    const url = await fake((req, body, res) => {
      seen.push({ path: req.url ?? '', auth: String(req.headers.authorization), body: JSON.parse(body) });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ number: 4242, html_url: 'https://github.com/acme/app/issues/4242', title: 'x' }));
    });
    const { s, token } = await serverWith({ GITHUB_TOKEN: 'ghp_test', GITHUB_REPO: 'acme/app', GITHUB_API_URL: url });
    const id = (await gqlOk(s, CREATE_TASK, { input: { title: 'Dark mode', description: 'Add a dark theme toggle to the settings page, persisted per user.' } }, token)).createTask.id;
    const task = await eventually(async () => (await gqlOk(s, TASK, { id }, token)).task.issue && (await gqlOk(s, TASK, { id }, token)).task);
    expect(task.issue).toEqual({ number: 4242, url: 'https://github.com/acme/app/issues/4242' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ path: '/repos/acme/app/issues', auth: 'Bearer ghp_test', body: { title: 'Dark mode' } });
  });

  it('a GitHub that keeps failing fails the task with the reason on the timeline', async () => {
    const url = await fake((_req, _body, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Validation Failed', errors: [{ field: 'title', code: 'invalid' }] }));
    });
    const { s, token } = await serverWith({ GITHUB_TOKEN: 'ghp_test', GITHUB_REPO: 'acme/app', GITHUB_API_URL: url });
    const task = await createAndSettle(s, token, (t) => t.status === 'FAILED');
    expect(task.error).toMatch(/^Could not open the tracking issue: GitHub answered 422/);
    expect(task.error).not.toContain('ghp_test');
  });
});
