/**
 * GitHubIssueTracker against a real local HTTP server that answers like GitHub's REST API.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { GitHubIssueTracker } from '../../src/effects/github-tracker.js';
import type { OpenIssueInput } from '../../src/machines/index.js';
import { fakeHttp, type Reply } from '../utils/fake-http.js';
import { rejectionWithout } from '../utils/rejection.js';

const TOKEN = 'ghp_TESTsecretToken0123456789abcdefABCD';

/** A fake GitHub API. */
const fakeGitHub = (...replies: Reply[]) => fakeHttp(...replies);

const json =
  (status: number, body: unknown, headers: OutgoingHttpHeaders = {}): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
  };
/** GitHub's 201 for POST /repos/{owner}/{repo}/issues (trimmed to the usual top-level fields). */
const created = (number: number): Reply =>
  json(201, {
    id: 1_000_000 + number,
    node_id: 'I_kwDOTEST',
    url: `https://api.github.com/repos/acme/app/issues/${number}`,
    html_url: `https://github.com/acme/app/issues/${number}`,
    number,
    state: 'open',
    title: 'Export invoices as CSV',
    body: '…',
    user: { login: 'conveyor-bot', id: 1 },
    labels: [],
    created_at: '2024-01-01T00:00:00Z',
  });
const badGateway = json(502, { message: 'Server Error' });
const never: Reply = () => {
  // Deliberately never answers: the per-attempt timeout or the caller's abort must end it.
};

const input: OpenIssueInput = {
  taskId: 'task_01HX',
  title: 'Export invoices as CSV',
  description: 'Add a CSV export button to the invoices page.',
};

const tracker = (apiUrl: string, extra: Partial<ConstructorParameters<typeof GitHubIssueTracker>[0]> = {}) =>
  new GitHubIssueTracker({ token: TOKEN, repo: 'acme/app', apiUrl, ...extra });

const failure = (promise: Promise<unknown>) => rejectionWithout(TOKEN, promise);

describe('GitHubIssueTracker', () => {
  it('creates the issue with the task marker and GitHub headers', async () => {
    const github = await fakeGitHub(created(42));
    const issue = await tracker(github.url).openIssue(input, new AbortController().signal);

    expect(issue).toEqual({ number: 42, url: 'https://github.com/acme/app/issues/42' });
    expect(github.received).toHaveLength(1);
    const [req] = github.received;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/repos/acme/app/issues');
    expect(req.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'conveyor',
      'content-type': 'application/json',
    });
    expect(JSON.parse(req.body)).toEqual({
      title: 'Export invoices as CSV',
      body: 'Add a CSV export button to the invoices page.\n\n<!-- conveyor-task:task_01HX -->',
    });
  });

  it('sends just the marker when the task has no description', async () => {
    const github = await fakeGitHub(created(7));
    await tracker(github.url).openIssue({ ...input, description: null }, new AbortController().signal);
    expect(JSON.parse(github.received[0].body).body).toBe('<!-- conveyor-task:task_01HX -->');
  });

  it('retries 502s with backoff, then succeeds', async () => {
    const github = await fakeGitHub(badGateway, badGateway, created(43));
    const issue = await tracker(github.url).openIssue(input, new AbortController().signal);
    expect(issue.number).toBe(43);
    expect(github.received).toHaveLength(3);
  });

  it('gives up after the configured retries and says how many attempts it made', async () => {
    const github = await fakeGitHub(badGateway);
    const error = await failure(tracker(github.url, { retries: 1 }).openIssue(input, new AbortController().signal));
    expect(error.message).toBe('GitHub answered 502 Bad Gateway: Server Error (repo acme/app, after 2 attempts)');
    expect(github.received).toHaveLength(2);
  });

  it('does not retry a 422 and says what GitHub rejected', async () => {
    const github = await fakeGitHub(
      json(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
        documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
        status: '422',
      }),
    );
    const error = await failure(tracker(github.url).openIssue(input, new AbortController().signal));
    expect(error.message).toBe(
      'GitHub answered 422 Unprocessable Entity: Validation Failed — title: missing_field (repo acme/app)',
    );
    expect(github.received).toHaveLength(1);
  });

  it('does not retry a 401 and never shows the token, even if echoed back', async () => {
    const github = await fakeGitHub(json(401, { message: `Bad credentials for ${TOKEN}` }));
    const error = await failure(tracker(github.url).openIssue(input, new AbortController().signal));
    expect(error.message).toBe(
      'GitHub answered 401 Unauthorized: Bad credentials for *** (repo acme/app); check the configured token',
    );
    expect(github.received).toHaveLength(1);
  });

  it('waits out a rate-limit 403 as told by Retry-After, then succeeds', async () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    const github = await fakeGitHub(
      json(
        403,
        { message: 'API rate limit exceeded for installation ID 1.' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': '1' },
      ),
      created(44),
    );
    const started = Date.now();
    const issue = await tracker(github.url).openIssue(input, new AbortController().signal);
    expect(issue.number).toBe(44);
    expect(github.received).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('fails at once when the rate limit resets too far ahead to wait for', async () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 30 * 60);
    const github = await fakeGitHub(
      json(403, { message: 'API rate limit exceeded for user ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
    );
    const error = await failure(tracker(github.url).openIssue(input, new AbortController().signal));
    expect(error.message).toMatch(
      /^GitHub answered 403 Forbidden: API rate limit exceeded for user ID 1\. \(repo acme\/app\); it asks to wait (29|30) min, retry the task then$/,
    );
    expect(github.received).toHaveLength(1);
  });

  it('does not retry a 403 that is not a rate limit', async () => {
    const github = await fakeGitHub(json(403, { message: 'Resource not accessible by personal access token' }));
    const error = await failure(tracker(github.url).openIssue(input, new AbortController().signal));
    expect(error.message).toBe(
      'GitHub answered 403 Forbidden: Resource not accessible by personal access token (repo acme/app)',
    );
    expect(github.received).toHaveLength(1);
  });

  it('reports a refused connection with the attempt count', async () => {
    const closed = await fakeGitHub(never);
    await closed.close();
    const error = await failure(tracker(closed.url, { retries: 2 }).openIssue(input, new AbortController().signal));
    expect(error.message).toBe('GitHub unreachable after 3 attempts: ECONNREFUSED (repo acme/app)');
  });

  it('times out each attempt and retries', async () => {
    const github = await fakeGitHub(never);
    const started = Date.now();
    const error = await failure(
      tracker(github.url, { retries: 1, timeoutMs: 200 }).openIssue(input, new AbortController().signal),
    );
    expect(error.message).toBe('GitHub did not answer within 200 ms after 2 attempts (repo acme/app)');
    expect(github.received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('stops when the caller aborts', async () => {
    const github = await fakeGitHub(never);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(tracker(github.url).openIssue(input, controller.signal));
    expect(error.message).toBe('opening the issue was cancelled');
    expect(github.received).toHaveLength(1);
  });

  it('rejects a 201 without an issue number or URL', async () => {
    const github = await fakeGitHub(json(201, { id: 1, html_url: 'not a url' }));
    const error = await failure(tracker(github.url).openIssue(input, new AbortController().signal));
    expect(error.message).toBe('GitHub returned an unexpected response (bad number, html_url) (repo acme/app)');
    expect(github.received).toHaveLength(1);
  });

  it('validates its options', () => {
    for (const repo of ['acme', 'acme/app/extra', '/app', 'acme/', 'acme/..', 'ac me/app']) {
      expect(() => new GitHubIssueTracker({ token: TOKEN, repo })).toThrow(
        `GitHubIssueTracker: repo must look like "owner/name", got "${repo}"`,
      );
    }
    expect(() => new GitHubIssueTracker({ token: ' ', repo: 'acme/app' })).toThrow(/token must not be empty/);
    expect(() => new GitHubIssueTracker({ token: TOKEN, repo: 'acme/app', retries: -1 })).toThrow(/retries/);
    expect(() => new GitHubIssueTracker({ token: TOKEN, repo: 'acme/app.js' })).not.toThrow();
  });
});
