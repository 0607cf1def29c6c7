/**
 * `conveyor demo`: the server on the embedded default, a few workers in two orgs, and a stream
 * of realistic tasks from several users — some vague (their authors answer the questions a few
 * seconds later), some failing — with GitHub simulated by signed webhooks that merge (or close)
 * the pull requests the workers open. The dashboard is alive within seconds.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { resolveUsers } from '../liveness/api.js';
import { LivenessChecker } from '../liveness/checker.js';
import { formatSummary, formatViolation } from '../liveness/format.js';
import { buildApp } from '../server/app.js';
import { loadConfigOrExit } from '../server/env.js';
import { parseCommandLine, printStamped } from './command-line.js';
import { ConveyorClient } from './graphql-client.js';
import { Worker, parseWorkerArgs } from './worker.js';

/**
 * The tasks the demo's users create, in turn: a title and its description per line. The vague
 * ones ("fix it") get clarification questions, which their authors answer.
 */
const TASKS = `
Add dark mode to settings | Add a dark theme toggle to the settings page, persisted per user and following the system preference by default.
Speed up CSV export | Exporting 10k invoice rows to CSV takes 40 seconds; stream the rows instead of building the file in memory so it finishes under 2 seconds.
Fix the login | fix it
Rate-limit the public API | Limit each API key to 100 requests per minute and answer 429 with a Retry-After header when exceeded.
Better errors | make errors nicer
Paginate the audit log | The audit log page loads every entry at once; paginate it with 50 rows per page and keep the filters in the URL.
Slack notifications for failed deploys | Post to the #deploys Slack channel when a production deploy fails, with the commit, author and a link to the logs.
Improve onboarding | stuff for new users
Add SSO with Okta | Let enterprise orgs sign in with Okta over SAML, mapping Okta groups to our admin and member roles.
Archive old projects | Projects without activity for 12 months should be archived automatically, with an email to their owners a week before.
Typo on pricing page | The pricing page says "anually" in the yearly plan card; it should say "annually" in all three locales.
Cache the dashboard query | asap
`
  .trim()
  .split('\n')
  .map((line) => {
    const [title, description] = line.split(' | ');
    return { title, description };
  });
const USERS = [
  { name: 'Ada', org: 'acme' },
  { name: 'Grace', org: 'acme' },
  { name: 'Linus', org: 'acme' },
  { name: 'Margaret', org: 'globex' },
  { name: 'Dennis', org: 'globex' },
];

const ORGS = ['acme', 'globex'];

const USAGE = `Usage: conveyor demo [--port 4000] [--workers 3] [--every 4000] [--data-dir ./data/demo] [--check]

  --workers <n>   simulated workers per org (default 3)
  --check         watch the pipeline with the liveness checker (as conveyor check does) as the
                  demo's users: violations as they happen, a summary every minute

Starts the server with simulated workers, users and GitHub. Open the printed URL and sign in
with any name in org "acme" or "globex" to watch.`;

export async function runDemo(argv: string[]): Promise<void> {
  const values = parseCommandLine(argv, ['port', 'workers', 'every', 'data-dir'], ['check']);
  if (values.help) return void console.log(USAGE);
  const workers = Math.max(1, Number(values.workers ?? 3));
  const every = Math.max(500, Number(values.every ?? 4000));
  const secret = randomBytes(24).toString('hex');

  const config = loadConfigOrExit({
      ...process.env,
      PORT: values.port ?? process.env.PORT ?? '4000',
      DATA_DIR: values['data-dir'] ?? join(process.env.DATA_DIR ?? './data', 'demo'),
      GITHUB_WEBHOOK_SECRET: secret,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Demo agents heartbeat every 2 s: declare them stale/crashed sooner than production would.
      AGENT_STALE_AFTER_MS: process.env.AGENT_STALE_AFTER_MS ?? '8000',
      AGENT_CRASH_AFTER_MS: process.env.AGENT_CRASH_AFTER_MS ?? '20000',
      // Simulated work reports every few seconds: 20 s without a report is stuck here.
      AGENT_STUCK_AFTER_MS: process.env.AGENT_STUCK_AFTER_MS ?? '20000',
  });
  if (!config.devSignIn) {
    console.error('The demo needs dev sign-in: run it without JWT_SECRET on a loopback HOST.');
    process.exit(1);
  }
  const app = await buildApp(config);
  const url = await app.start();
  let checker: LivenessChecker | null = null;
  const log = (line: string) => {
    checker?.logLine(line);
    printStamped(line);
  };
  log(`conveyor demo running: ${url}  — sign in as anyone in org "acme" or "globex"`);

  const agents: Worker[] = [];
  for (let i = 0; i < workers * ORGS.length; i++) {
    const org = ORGS[i % ORGS.length];
    const options = parseWorkerArgs(['--url', url, '--name', `bot-${i + 1}`, '--org', org, '--user', `bot-${i + 1}`, '--heartbeat', '2000', '--work', String(3000 + i * 1500), '--fail-rate', '0.15']);
    const worker = new Worker({ ...options, log: (line) => log(`[bot-${i + 1}] ${line.trim()}`) });
    await worker.start();
    agents.push(worker);
  }

  const clients = new Map<string, ConveyorClient>();
  const tokens: string[] = [];
  for (const user of USERS) {
    const client = new ConveyorClient(url);
    tokens.push(await client.devSignIn(user.name, user.org));
    clients.set(user.name, client);
  }
  let summaries: NodeJS.Timeout | null = null;
  if (values.check) {
    checker = new LivenessChecker({ url, users: await resolveUsers(url, tokens), onViolation: (v) => log(`✗ liveness: ${formatViolation(v)}`) });
    checker.start();
    summaries = setInterval(() => formatSummary(checker!.summary()).forEach((line) => log(line)), 60_000);
    log('liveness checker watching as every demo user (a summary every minute)');
  }

  let n = 0;
  const timers: NodeJS.Timeout[] = [];
  const createOne = async () => {
    const user = USERS[n % USERS.length];
    const task = TASKS[n % TASKS.length];
    n++;
    const client = clients.get(user.name)!;
    const { createTask } = await client.request<{ createTask: { id: string } }>(
      `mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }`,
      { i: { ...task, private: n % 7 === 0 } },
    );
    log(`+ ${user.name} (${user.org}) created "${task.title}"`);
    follow(client, createTask.id, user.name);
  };

  // Each author answers open questions after a few seconds; GitHub merges most PRs, closes a few.
  const follow = (client: ConveyorClient, id: string, author: string) => {
    const check = async () => {
      const { task } = await client.request<{ task: { status: string; title: string; openQuestions: string[]; branch: string | null; pullRequest: { number: number; url: string } | null } | null }>(
        `query($id: ID!) { task(id: $id) { status title openQuestions branch pullRequest { number url } } }`,
        { id },
      );
      if (!task || ['MERGED', 'FAILED', 'CANCELLED'].includes(task.status)) return;
      if (task.status === 'NEEDS_CLARIFICATION' && task.openQuestions.length > 0) {
        const answers = task.openQuestions.map((q) => `For "${task.title}": ${answerFor(q)}`);
        await client.request(`mutation($id: ID!, $a: [String!]!) { answerClarification(taskId: $id, answers: $a) { id } }`, { id, a: answers });
        log(`  ${author} answered ${answers.length} question(s) on "${task.title}"`);
      } else if (task.status === 'PR_OPEN' && task.pullRequest && task.branch) {
        const merged = Math.random() < 0.9;
        await simulateGitHub(url, secret, task.pullRequest.number, task.branch, task.title, merged);
        log(`  github: PR #${task.pullRequest.number} ${merged ? 'merged' : 'closed without merging'}`);
        return;
      }
      timers.push(setTimeout(() => void check().catch((e: Error) => log(`  ! ${e.message}`)), 3000 + Math.random() * 3000));
    };
    timers.push(setTimeout(() => void check().catch((e: Error) => log(`  ! ${e.message}`)), 3000));
  };

  for (let i = 0; i < 4; i++) await createOne();
  const stream = setInterval(() => void createOne().catch((e: Error) => log(`  ! ${e.message}`)), every);
  const status = setInterval(async () => {
    const counts = await clients.get('Ada')!.request<{ dashboardCounts: { active: number; completed: number; failed: number; total: number } }>(
      `{ dashboardCounts { active completed failed total } }`,
    );
    const c = counts.dashboardCounts;
    log(`= acme: ${c.total} tasks · ${c.active} active · ${c.completed} merged · ${c.failed} failed`);
  }, 10_000);

  const stop = async () => {
    clearInterval(stream);
    clearInterval(status);
    if (summaries) clearInterval(summaries);
    if (checker) formatSummary(await checker.stop()).forEach((line) => log(line));
    for (const t of timers) clearTimeout(t);
    for (const worker of agents) await worker.stop();
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function answerFor(question: string): string {
  if (/acceptance|done/i.test(question)) return 'it is done when the change is covered by a test and visible on staging';
  if (/vague|which specific/i.test(question)) return 'the sign-in form on the web app, not the mobile app';
  return 'the form should accept passwords with spaces and show a clear error for wrong ones';
}

/** What GitHub would send when a PR is closed, signed with the webhook secret. */
async function simulateGitHub(url: string, secret: string, number: number, branch: string, title: string, merged: boolean) {
  const body = JSON.stringify({
    action: 'closed',
    number,
    pull_request: {
      number,
      html_url: `https://github.com/acme/app/pull/${number}`,
      title,
      body: null,
      head: { ref: branch },
      merged,
      merged_at: merged ? new Date().toISOString() : null,
      merge_commit_sha: merged ? randomBytes(20).toString('hex') : null,
    },
  });
  const response = await fetch(`${url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
}
