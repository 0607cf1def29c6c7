/**
 * Secrets and tokens never reach the logs. The server runs as `npm start` runs it (its own
 * process, the real config and `createLogger`) at LOG_LEVEL=trace, its whole stdout and stderr
 * captured, while it is put through everything that handles a secret: startup with JWT_SECRET,
 * Bearer requests, a WebSocket with the token in connectionParams, refused tokens, GitHub
 * webhooks with bad and good signatures, and an analyzer and a GitHub API that echo the key they
 * were sent back in their error (as real ones do). Then dev sign-in, whose key lives in DATA_DIR.
 * The captured text must contain the log lines of those events (so the capture works) and no
 * secret or token, whole or in part; the timelines users see must not contain them either.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLEAR_DESCRIPTION, CREATE_TASK, TASK } from '../utils/documents.js';
import { fakeHttp } from '../utils/fake-http.js';
import { RUNNING, runProcess, userEnv } from '../utils/process.js';
import { eventually, gql, gqlOk, subscribe, timelineOfTask, wsClient } from '../utils/server.js';

const random = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

interface Running {
  url: string;
  wsUrl: string;
  output(): string;
  stop(): Promise<number | NodeJS.Signals>;
}

/** `src/server/index.ts` in its own process, as `npm start` runs it, with only `env` on top of a user's environment. */
async function runServer(env: Record<string, string>): Promise<Running> {
  const server = runProcess(process.execPath, ['--import', 'tsx', 'src/server/index.ts'], {
    env: userEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'trace', ...env }),
  });
  const [, url] = await server.waitFor(RUNNING, 30_000).catch(async (error: Error) => {
    await server.stop('SIGKILL');
    throw error;
  });
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    output: server.output,
    stop: () => server.stop('SIGTERM'),
  };
}

/** Every secret, and a 16-character piece of each from its start, middle and end. */
function pieces(secrets: Record<string, string>): [string, string][] {
  return Object.entries(secrets).flatMap(([name, value]) => {
    const mid = Math.floor(value.length / 2) - 8;
    return [value, value.slice(0, 16), value.slice(mid, mid + 16), value.slice(-16)].map((p) => [name, p] as [string, string]);
  });
}

function expectNoSecrets(text: string, secrets: Record<string, string>): void {
  const found = pieces(secrets).filter(([, piece]) => text.includes(piece)).map(([name]) => name);
  expect([...new Set(found)]).toEqual([]);
}

/** The parts of a JWT that are secret to its holder: the whole token and its signature. */
const tokenParts = (name: string, token: string) => ({ [name]: token, [`${name} signature`]: token.split('.')[2] });

const signedDelivery = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('secrets in logs', () => {
  it('JWT_SECRET, tokens, the webhook secret, the analyzer key and the GitHub token never appear', async () => {
    const secrets = {
      JWT_SECRET: random('jwt-'),
      GITHUB_WEBHOOK_SECRET: random('hook-'),
      ANALYZER_API_KEY: random('sk-'),
      GITHUB_TOKEN: random('ghp_'),
    };
    // An analyzer that refuses the key, echoing it (OpenAI does), then one that dispatches.
    const analyzer = await fakeHttp(
      (res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${secrets.ANALYZER_API_KEY}` } }));
      },
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { content: '{"verdict":"dispatch","questions":[]}' }, finish_reason: 'stop' }] }));
      },
    );
    const github = await fakeHttp((res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Bad credentials (token ${secrets.GITHUB_TOKEN})` }));
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-logs-'));
    // The secrets plus the tokens made below: everything the log must not contain.
    const forbidden: Record<string, string> = { ...secrets };
    const server = await runServer({
      DATA_DIR: dataDir,
      ...secrets,
      ANALYZER_URL: analyzer.url,
      ANALYZER_MODEL: 'test-model',
      GITHUB_REPO: 'acme/app',
      GITHUB_API_URL: github.url,
    });
    try {
      const key = new TextEncoder().encode(secrets.JWT_SECRET);
      const sign = (exp: number, secret = key) =>
        new SignJWT({ name: 'Ada', org: 'acme' }).setProtectedHeader({ alg: 'HS256' }).setSubject('acme/ada').setExpirationTime(exp).sign(secret);
      const now = Math.floor(Date.now() / 1000);
      const token = await sign(now + 600);
      const expired = await sign(now - 60);
      const wrongKey = await sign(now + 600, new TextEncoder().encode(random('other-key-')));
      Object.assign(forbidden, tokenParts('token', token), tokenParts('expired token', expired), tokenParts('wrong-key token', wrongKey));

      // Bearer requests; the analyzer refuses its key (task 1), then GitHub refuses its token (task 2).
      expect((await gqlOk(server, `{ viewer { id } }`, {}, token)).viewer.id).toBe('acme/ada');
      const failedTask = async (title: string) => {
        const { id } = (await gqlOk(server, CREATE_TASK, { input: { title, description: CLEAR_DESCRIPTION } }, token)).createTask;
        return eventually(async () => {
          const task = (await gqlOk(server, TASK, { id }, token)).task;
          return task.status === 'FAILED' ? task : null;
        }, 10_000);
      };
      const analyzerFailed = await failedTask('Analyzer refuses the key');
      expect(analyzerFailed.error).toMatch(/401/);
      const githubFailed = await failedTask('GitHub refuses the token');
      expect(githubFailed.error).toMatch(/GitHub/);
      expect(analyzer.received.map((r) => r.headers.authorization)).toEqual([`Bearer ${secrets.ANALYZER_API_KEY}`, `Bearer ${secrets.ANALYZER_API_KEY}`]);

      // A WebSocket with the token in connectionParams.
      const ws = wsClient(server, token);
      await subscribe(ws, `subscription { dashboardCounts { total } }`).waitFor(1);
      await ws.dispose();

      // Refused tokens, on both transports.
      for (const bad of [expired, wrongKey]) {
        expect((await gql(server, `{ viewer { id } }`, {}, bad)).status).toBe(401);
        const refused = wsClient(server, bad);
        expect((await refused.closed).code).toBe(4403);
        await refused.dispose();
      }

      // Webhooks: a bad signature (made with another secret) and a good one.
      const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
      const deliver = (signature: string, delivery: string) =>
        fetch(`${server.url}/webhooks/github`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
          body,
        });
      expect((await deliver(signedDelivery(random('not-the-secret-'), body), 'bad-1')).status).toBe(401);
      expect((await deliver(signedDelivery(secrets.GITHUB_WEBHOOK_SECRET, body), 'good-1')).status).toBe(200);

      // What users see must not carry the secrets either.
      const timelines = JSON.stringify([
        analyzerFailed,
        githubFailed,
        await timelineOfTask(server, analyzerFailed.id, token),
        await timelineOfTask(server, githubFailed.id, token),
      ]);
      expectNoSecrets(timelines, forbidden);
    } finally {
      expect(await server.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
    const log = server.output();
    // The capture saw the events: startup, the refused webhook, the accepted one, shutdown.
    expect(log).toContain('conveyor listening');
    expect(log).toContain('webhook with a bad or missing signature');
    expect(log).toContain('"event":"ping"');
    expect(log).toContain('shutting down');
    expect(Object.keys(forbidden)).toHaveLength(10);
    expectNoSecrets(log, forbidden);
  }, 60_000);

  it('dev sign-in: neither its tokens nor the dev key in DATA_DIR appear', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-logs-'));
    const server = await runServer({ DATA_DIR: dataDir, JWT_SECRET: '' });
    let secrets: Record<string, string> | undefined;
    try {
      const { token } = (await gqlOk(server, `mutation { devSignIn(name: "Ada", org: "acme") { token } }`)).devSignIn;
      secrets = { 'dev key': readFileSync(join(dataDir, 'dev-jwt-secret'), 'utf8').trim(), ...tokenParts('dev token', token) };
      expect((await gqlOk(server, `{ viewer { id } }`, {}, token)).viewer.id).toBe('acme/ada');
      const ws = wsClient(server, token);
      await subscribe(ws, `subscription { dashboardCounts { total } }`).waitFor(1);
      await ws.dispose();
      // A refused token: the dev token with its signature cut short.
      expect((await gql(server, `{ viewer { id } }`, {}, token.slice(0, -4))).status).toBe(401);
    } finally {
      expect(await server.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
    const log = server.output();
    expect(log).toContain('"devSignIn":true');
    expect(Object.keys(secrets ?? {})).toHaveLength(3);
    expectNoSecrets(log, secrets ?? {});
  }, 60_000);
});
