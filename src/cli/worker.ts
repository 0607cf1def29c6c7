/**
 * `conveyor worker`: a worker agent. Registers, heartbeats, learns about assignments from its
 * `agentUpdated` subscription (no polling), starts coding, reports progress and the PR it opens,
 * and on Ctrl-C signs off so its task goes back to the queue instead of waiting for a crash
 * timeout.
 *
 * By default the coding is simulated (a few progress steps, then a PR on --repo). With
 * `--exec "<command>"` each task runs that command through the shell, with TASK_ID, TASK_TITLE,
 * TASK_DESCRIPTION, TASK_BRANCH and TASK_ISSUE in its environment; exit 0 reports a PR, any other
 * exit fails the task with the exit status. The command reports iterations and usage by printing
 * `conveyor:` lines (worker-reports.ts), in order; a task that reaches its budget is taken back
 * by the server, and the command is stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ErrorCode } from '../shared/codes.js';
import { parseCommandLine, printStamped } from './command-line.js';
import { ConveyorClient, GraphQLRequestError, tokenRefused } from './graphql-client.js';
import { LineSplitter, parseReportLine, type UsageReport } from './worker-reports.js';

export interface WorkerOptions {
  url: string;
  name: string;
  token?: string;
  /** Dev sign-in (embedded default) as this user of this org when no token is given. */
  devOrg: string;
  devUser?: string;
  heartbeatMs: number;
  workMs: number;
  exec?: string;
  repo: string;
  /** Fraction of simulated tasks that fail (the demo uses it). */
  failRate: number;
  log: (line: string) => void;
  /** The server refused the token (bad or expired): the worker has stopped itself and said why. */
  onFatal?: (reason: string) => void;
}

const USAGE = `Usage: conveyor worker --name <agent name> [options]

  --url <url>          server (default http://127.0.0.1:4000, or CONVEYOR_URL)
  --name <name>        agent name, unique in your org (default worker-<host>-<pid>)
  --token <jwt>        bearer token (or CONVEYOR_TOKEN); without one, dev sign-in is used
  --org <org>          org for dev sign-in (default acme)
  --user <name>        user for dev sign-in (default: the agent name)
  --heartbeat <ms>     heartbeat interval (default 5000)
  --work <ms>          duration of simulated coding (default 4000)
  --exec "<command>"   run this shell command per task instead of simulating; it reports by
                       printing lines (or appending them to $CONVEYOR_REPORT_FILE):
                         conveyor:iteration <summary>
                         conveyor:usage {"inputTokens":1200,"outputTokens":340,"costMicros":5100,"model":"gpt-4o"}
  --repo <owner/name>  repository for simulated pull request URLs (default acme/app)
  --fail-rate <0..1>   share of simulated tasks that fail (default 0)
`;

export function parseWorkerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): WorkerOptions {
  const values = parseCommandLine(argv, ['url', 'name', 'token', 'org', 'user', 'heartbeat', 'work', 'exec', 'repo', 'fail-rate']);
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (value: string | undefined, fallback: number, what: string, max = Number.MAX_SAFE_INTEGER) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > max) throw new Error(`--${what} must be a number between 0 and ${max}`);
    return n;
  };
  return {
    url: (values.url ?? env.CONVEYOR_URL ?? 'http://127.0.0.1:4000').replace(/\/$/, ''),
    name: values.name ?? `worker-${hostname()}-${process.pid}`,
    token: values.token ?? env.CONVEYOR_TOKEN,
    devOrg: values.org ?? 'acme',
    devUser: values.user,
    heartbeatMs: number(values.heartbeat, 5000, 'heartbeat'),
    workMs: number(values.work, 4000, 'work'),
    exec: values.exec,
    repo: values.repo ?? 'acme/app',
    failRate: number(values['fail-rate'], 0, 'fail-rate', 1),
    log: printStamped,
  };
}

/** How a task's work ended: a PR, or a failure with its code (failTask). */
type Outcome = { ok: true } | { ok: false; error: string; code: string; details?: Record<string, unknown> };

interface AgentAssignment {
  currentTaskId: string | null;
  lastAssignedAt: string | null;
}

interface TaskInfo {
  id: string;
  title: string;
  description: string | null;
  status: string;
  issue: { number: number } | null;
}

export class Worker {
  private readonly client: ConveyorClient;
  private agentId = '';
  private heartbeat: NodeJS.Timeout | null = null;
  /** `finishing`: its outcome (PR or failure) is being reported, which itself releases the agent. */
  private current: { key: string; taskId: string; abort: AbortController; child?: ChildProcess; finishing?: boolean } | null = null;
  private stopping = false;
  /**
   * Assignments (task and time) this worker already finished: a late update naming one again is
   * not a new job. Keyed by assignment, not task: a task given back and later assigned to this
   * agent again is new work.
   */
  private readonly finished = new Set<string>();

  constructor(private readonly options: WorkerOptions) {
    this.client = new ConveyorClient(options.url, options.token ?? null);
  }

  async start(): Promise<void> {
    const { log } = this.options;
    if (!this.options.token) {
      await this.client.devSignIn(this.options.devUser ?? this.options.name, this.options.devOrg);
    }
    const { registerAgent } = await this.client.request<{ registerAgent: { id: string; org: string } }>(
      `mutation($n: String!) { registerAgent(name: $n) { id org } }`,
      { n: this.options.name },
    );
    this.agentId = registerAgent.id;
    log(`▸ ${this.options.name} registered in ${registerAgent.org} (agent ${this.agentId})`);

    this.heartbeat = setInterval(() => {
      this.client
        .request(`mutation($a: ID!) { agentHeartbeat(agentId: $a) { id } }`, { a: this.agentId })
        .catch((error: Error) => {
          if (error instanceof GraphQLRequestError && error.code === ErrorCode.UNAUTHENTICATED) return void this.refused(error.message);
          log(`  heartbeat failed: ${error.message}`);
        });
    }, this.options.heartbeatMs);

    // Assignments arrive on the agent's own subscription. After every (re)connect the agent's
    // current state is read once, so an assignment made while disconnected is not missed.
    const ws = this.client.socket({
      connected: () => void this.checkAssignment(),
      closed: (code, reason) => {
        if (this.stopping) return;
        if (tokenRefused(code)) return void this.refused(`connection closed with ${code}${reason ? ` (${reason})` : ''}`);
        log(`  connection closed (${code}); reconnecting…`);
      },
    });
    ws.subscribe(
      {
        query: `subscription($a: ID!) { agentUpdated(agentId: $a) { event agent { currentTaskId lastAssignedAt } } }`,
        variables: { a: this.agentId },
      },
      {
        next: (result) => {
          const update = (result.data as { agentUpdated?: { agent: AgentAssignment } } | null)?.agentUpdated;
          if (update) this.follow(update.agent);
        },
        error: (error) => {
          if (!this.stopping) log(`  subscription error: ${JSON.stringify(error)}`);
        },
        complete: () => {},
      },
    );
    log(`  waiting for tasks (heartbeat every ${this.options.heartbeatMs} ms)…`);
  }

  /**
   * The server refused this worker's token (missing, invalid or expired): it will refuse every
   * retry, so stop, say so, and let the caller exit instead of reconnecting forever.
   */
  private async refused(why: string): Promise<void> {
    if (this.stopping) return;
    const fix = this.options.token ? 'pass a valid one with --token or CONVEYOR_TOKEN' : 'start the worker again to sign in anew';
    this.options.log(`✗ the server refused this worker's token: ${why}. It is invalid or has expired; stopping (${fix})`);
    await this.stop();
    this.options.onFatal?.(why);
  }

  /** Ctrl-C: stop working, sign off (the task goes back to the queue), exit. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    const taskId = this.current && !this.current.finishing ? this.current.taskId : undefined;
    this.current?.abort.abort();
    this.current?.child?.kill('SIGTERM');
    if (this.agentId) {
      try {
        await this.client.request(`mutation($a: ID!) { deregisterAgent(agentId: $a) { id health } }`, { a: this.agentId });
        this.options.log(`▸ signed off${taskId ? `; task ${taskId} went back to the queue` : ''}`);
      } catch (error) {
        this.options.log(`  could not sign off cleanly: ${(error as Error).message}`);
      }
    }
    await this.client.close();
  }

  private async checkAssignment(): Promise<void> {
    const { agent } = await this.client.request<{ agent: AgentAssignment | null }>(
      `query($a: ID!) { agent(id: $a) { currentTaskId lastAssignedAt } }`,
      { a: this.agentId },
    );
    if (agent) this.follow(agent);
  }

  /** Act on the agent's current assignment: take a new one, drop one the server took back. */
  private follow(agent: AgentAssignment): void {
    const key = agent.currentTaskId ? `${agent.currentTaskId}@${agent.lastAssignedAt}` : null;
    if (this.current && this.current.key !== key) {
      // Withdrawn by the orchestrator (stuck, held too long) or given to this agent anew. The
      // release that reporting the outcome causes arrives here before that mutation's answer:
      // not a withdrawal.
      if (!this.current.finishing) this.saySeized(this.current.taskId);
      this.current.abort.abort();
      this.current.child?.kill('SIGTERM');
      this.current = null;
    }
    if (key && agent.currentTaskId) this.take(agent.currentTaskId, key);
  }

  /** Say that the server took the task back, and why when the task says (e.g. held at its budget). */
  private saySeized(taskId: string): void {
    void this.client
      .request<{ task: { status: string; heldReason: string | null } | null }>(`query($t: ID!) { task(id: $t) { status heldReason } }`, { t: taskId })
      .then(({ task }) => (task?.heldReason ? ` (${task.status.toLowerCase()}: ${task.heldReason})` : ''))
      .catch(() => '')
      .then((why) => this.options.log(`▸ task ${taskId} was taken back by the server${why}; stopping work on it`));
  }

  private take(taskId: string, key: string): void {
    if (this.stopping || this.current?.key === key || this.finished.has(key)) return;
    const abort = new AbortController();
    this.current = { key, taskId, abort };
    this.work(taskId, abort.signal)
      .catch(async (error: Error) => {
        if (abort.signal.aborted) return;
        const holder = await this.client
          .request<{ agent: AgentAssignment | null }>(`query($a: ID!) { agent(id: $a) { currentTaskId lastAssignedAt } }`, { a: this.agentId })
          .catch(() => null); // could not ask: assume it is still ours, and give it back below
        if (holder && holder.agent?.currentTaskId !== taskId) {
          // The task ended or was taken back while we worked (cancelled, requeued): not a failure.
          this.options.log(`▸ task ${taskId} is no longer ours (${error.message}); moving on`);
          return;
        }
        // Never keep the agent BUSY on a task it cannot work: give it back with the reason, so
        // the task is requeued (its timeline says why) and this worker takes the next one.
        const reason = `worker ${this.options.name}: ${error.message}`.slice(0, 500);
        this.options.log(`  ! task ${taskId}: ${error.message}; releasing it`);
        await this.client
          .request(`mutation($t: ID!, $a: ID!, $r: String) { releaseTask(taskId: $t, agentId: $a, reason: $r, code: "UNWORKABLE") { id } }`, { t: taskId, a: this.agentId, r: reason })
          .catch((releaseError: Error) => this.options.log(`  ! task ${taskId}: could not release it: ${releaseError.message}`));
      })
      .finally(() => {
        this.finished.add(key);
        if (this.current?.key === key) this.current = null;
      });
  }

  private async work(taskId: string, signal: AbortSignal): Promise<void> {
    const { log } = this.options;
    const { task } = await this.client.request<{ task: TaskInfo | null }>(
      `query($t: ID!) { task(id: $t) { id title description status issue { number } } }`,
      { t: taskId },
    );
    if (!task) throw new Error('the assigned task is not readable by this worker');
    const branch = `conveyor/${task.issue ? `issue-${task.issue.number}` : task.id.slice(0, 8)}`;
    log(`▸ assigned: "${task.title}" → branch ${branch}`);
    await this.client.request(
      `mutation($t: ID!, $a: ID!, $b: String!) { startCoding(taskId: $t, agentId: $a, branch: $b) { id } }`,
      { t: taskId, a: this.agentId, b: branch },
    );
    const report = (message: string, percent: number | null) =>
      this.client.request(
        `mutation($t: ID!, $a: ID!, $m: String!, $p: Int) { reportProgress(taskId: $t, agentId: $a, message: $m, percent: $p) { id } }`,
        { t: taskId, a: this.agentId, m: message, p: percent },
      );

    let outcome: Outcome;
    if (this.options.exec) {
      const logs = new LogShipper(this.client, taskId, this.agentId, signal, this.options.log);
      outcome = await this.runCommand(task, branch, report, this.reporter(taskId, signal, () => logs.drain()), logs, signal);
    } else {
      outcome = await this.simulate(taskId, report, signal);
    }
    if (signal.aborted) return;
    if (this.current?.taskId === taskId) this.current.finishing = true;
    if (outcome.ok) {
      const number = task.issue ? 1000 + task.issue.number : Math.floor(Math.random() * 9000) + 1000;
      await this.client.request(
        `mutation($t: ID!, $n: Int!, $u: String!, $title: String!) { reportPullRequestOpened(taskId: $t, number: $n, url: $u, title: $title) { id } }`,
        { t: taskId, n: number, u: `https://github.com/${this.options.repo}/pull/${number}`, title: task.title },
      );
      log(`  ✓ PR #${number} opened for "${task.title}"`);
    } else {
      await this.client.request(`mutation($t: ID!, $e: String!, $c: String, $d: JSON) { failTask(taskId: $t, error: $e, code: $c, details: $d) { id } }`, {
        t: taskId,
        e: outcome.error,
        c: outcome.code,
        d: outcome.details ?? null,
      });
      log(`  ✗ "${task.title}" failed: ${outcome.error}`);
    }
  }

  /**
   * Simulated coding, as an LLM agent would report it: per step its output lines (to the task's
   * log), an iteration and the tokens it spent (sent as an --exec command's report lines are).
   */
  private async simulate(taskId: string, report: (message: string, percent: number | null) => Promise<unknown>, signal: AbortSignal): Promise<Outcome> {
    const logs = new LogShipper(this.client, taskId, this.agentId, signal, this.options.log);
    const reports = this.reporter(taskId, signal, () => logs.drain());
    const steps = [
      { step: 'reading the code', lines: ['$ git log --oneline -5', 'reading src/ (42 files)'] },
      { step: 'writing the change', lines: ['editing src/settings/theme.ts', 'editing src/settings/theme.test.ts'] },
      { step: 'running the tests', lines: ['$ npm test', 'Test Files  12 passed (12)', 'Tests  148 passed (148)'] },
    ];
    for (const [i, { step, lines }] of steps.entries()) {
      await sleep(this.options.workMs / steps.length, signal);
      if (signal.aborted) return { ok: true };
      for (const line of lines) logs.push('STDOUT', line);
      const input = 800 + Math.floor(Math.random() * 2200);
      const output = 100 + Math.floor(Math.random() * 500);
      // Priced like a mid-range model: 2.5 micro-units a token in, 10 out.
      reports.line(`conveyor:iteration ${step}`);
      reports.line(`conveyor:usage ${JSON.stringify({ inputTokens: input, outputTokens: output, costMicros: Math.round(input * 2.5 + output * 10), model: 'sim-model' })}`);
      const percent = Math.round(((i + 1) / steps.length) * 100);
      await report(step, percent);
      this.options.log(`  ${String(percent).padStart(3)}% ${step}`);
    }
    await Promise.all([reports.flush(), logs.drain()]);
    if (Math.random() < this.options.failRate) {
      logs.push('STDERR', '  ✗ settings › theme › follows the system preference');
      await logs.drain();
      return { ok: false, error: 'tests failed: 2 of 148 failing', code: 'TESTS_FAILED', details: { failing: 2, total: 148 } };
    }
    return { ok: true };
  }

  /**
   * Sends a command's `conveyor:` lines as the mutations they stand for, one at a time and in the
   * order printed, each after the log lines printed before it; `flush` waits for the last. Once the server has taken the task back, what the
   * command still prints is not sent: this agent may be given the same task again, and a late
   * line of the old command would count in the new session.
   */
  private reporter(taskId: string, signal: AbortSignal, logsFirst: () => Promise<void>): { line: (line: string) => boolean; flush: () => Promise<void> } {
    let chain: Promise<unknown> = Promise.resolve();
    let iterations = 0;
    const send = (what: string, query: string, variables: Record<string, unknown>) => {
      // The lines printed before the report go first: a usage report may end the session (its
      // budget), after which no line of it is taken.
      const logged = logsFirst();
      chain = Promise.all([chain, logged]).then(() => {
        if (signal.aborted) return;
        return this.client.request(query, variables).catch((error: Error) => this.options.log(`  ! task ${taskId}: could not report ${what}: ${error.message}`));
      });
    };
    const usage = (u: UsageReport) =>
      send('usage', `mutation($t: ID!, $a: ID!, $u: UsageInput!) { reportUsage(taskId: $t, agentId: $a, usage: $u) { id } }`, { t: taskId, a: this.agentId, u: u });
    return {
      line: (line) => {
        const parsed = parseReportLine(line);
        if (!parsed) return false;
        if (parsed.kind === 'invalid') this.options.log(`  ! ${parsed.problem} (not sent)`);
        else if (parsed.kind === 'usage') usage(parsed.usage);
        else {
          iterations++;
          send('an iteration', `mutation($t: ID!, $a: ID!, $n: Int!, $s: String!) { reportIteration(taskId: $t, agentId: $a, n: $n, summary: $s) { id } }`, {
            t: taskId,
            a: this.agentId,
            n: iterations,
            s: parsed.summary,
          });
        }
        return true;
      },
      flush: () => chain.then(() => undefined),
    };
  }

  private runCommand(
    task: TaskInfo,
    branch: string,
    report: (message: string, percent: number | null) => Promise<unknown>,
    reports: { line: (line: string) => boolean; flush: () => Promise<void> },
    logs: LogShipper,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-worker-'));
    const reportFile = join(dir, 'reports');
    writeFileSync(reportFile, '');
    const file = new ReportFile(reportFile, (line) => void reports.line(line));
    const poll = setInterval(() => file.read(), 500);
    const done = (outcome: Outcome) => {
      clearInterval(poll);
      file.read();
      file.close();
      rmSync(dir, { recursive: true, force: true });
      // Its last lines and reports are in before the outcome ends the session.
      return Promise.all([reports.flush(), logs.drain()]).then(() => outcome);
    };
    return new Promise<Outcome>((resolve) => {
      this.options.log(`  $ ${this.options.exec}`);
      void report(`running: ${this.options.exec}`.slice(0, 500), null).catch((error: Error) =>
        this.options.log(`  could not report that the command started: ${error.message}`),
      );
      const child = spawn(this.options.exec!, {
        shell: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CONVEYOR_REPORT_FILE: reportFile,
          TASK_ID: task.id,
          TASK_TITLE: task.title,
          TASK_DESCRIPTION: task.description ?? '',
          TASK_BRANCH: branch,
          TASK_ISSUE: task.issue ? String(task.issue.number) : '',
        },
      });
      if (this.current) this.current.child = child;
      // Its output is passed through as it was and shipped to the task's log, but for the
      // report lines, which are sent as what they report.
      const out = new LineSplitter((line) => {
        if (reports.line(line)) return;
        process.stdout.write(`${line}\n`);
        logs.push('STDOUT', line);
      });
      const err = new LineSplitter((line) => {
        process.stderr.write(`${line}\n`);
        logs.push('STDERR', line);
      });
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
      child.stdout?.on('end', () => out.end());
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
      child.stderr?.on('end', () => err.end());
      signal.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
      child.on('error', (error) => resolve({ ok: false, error: `could not run the command: ${error.message}`, code: 'COMMAND_NOT_RUN' }));
      child.on('exit', (code, sig) => {
        if (code === 0) resolve({ ok: true });
        else if (sig) resolve({ ok: false, error: `command killed by ${sig}`, code: 'KILLED', details: { signal: sig } });
        else resolve({ ok: false, error: `command exited with code ${code}`, code: 'EXIT_CODE', details: { exitCode: code } });
      });
    }).then(done);
  }
}

/**
 * A command's output lines to the task's log (`appendTaskLogs`), in batches: at most every
 * 500 ms, or at once when 500 lines wait; one batch in flight at a time, in order. Nothing is
 * sent once the task was taken back (no running session would take it).
 */
class LogShipper {
  private pending: { stream: 'STDOUT' | 'STDERR'; text: string; at: string }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private warned = false;

  constructor(
    private readonly client: ConveyorClient,
    private readonly taskId: string,
    private readonly agentId: string,
    private readonly signal: AbortSignal,
    private readonly log: (line: string) => void,
  ) {}

  push(stream: 'STDOUT' | 'STDERR', text: string): void {
    if (this.signal.aborted) return;
    this.pending.push({ stream, text, at: new Date().toISOString() });
    if (this.pending.length >= 500) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 500);
  }

  /** What is pending, sent; resolves when every batch so far is answered. */
  drain(): Promise<void> {
    this.flush();
    return this.chain.then(() => undefined);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.chain = this.chain.then(async () => {
      if (this.signal.aborted) return;
      try {
        await this.client.request(`mutation($t: ID!, $a: ID!, $l: [LogLineInput!]!) { appendTaskLogs(taskId: $t, agentId: $a, lines: $l) { cursor } }`, {
          t: this.taskId,
          a: this.agentId,
          l: lines,
        });
      } catch (error) {
        // Logs are the command's output, not its outcome: say so once, keep working.
        if (!this.warned) this.log(`  ! task ${this.taskId}: could not send log lines: ${(error as Error).message}`);
        this.warned = true;
      }
    });
  }
}

/** The lines a command appends to its report file, read as they come. */
class ReportFile {
  private fd: number;
  private offset = 0;
  private readonly lines: LineSplitter;
  /** A character split between two reads is kept until its other bytes come. */
  private readonly decoder = new StringDecoder('utf8');

  constructor(path: string, onLine: (line: string) => void) {
    this.fd = openSync(path, 'r');
    this.lines = new LineSplitter(onLine);
  }

  read(): void {
    if (this.fd < 0) return;
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(this.fd, buffer, 0, buffer.length, this.offset);
      if (n === 0) return;
      this.offset += n;
      this.lines.push(this.decoder.write(buffer.subarray(0, n)));
    }
  }

  close(): void {
    if (this.fd < 0) return;
    this.lines.end();
    closeSync(this.fd);
    this.fd = -1;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

export async function runWorker(argv: string[]): Promise<void> {
  let options: WorkerOptions;
  try {
    options = parseWorkerArgs(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const worker = new Worker({ ...options, onFatal: () => process.exit(1) });
  const shutdown = () => {
    worker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  try {
    await worker.start();
  } catch (error) {
    const message = error instanceof GraphQLRequestError ? `${error.message} (${error.code})` : (error as Error).message;
    console.error(`worker could not start: ${message}`);
    process.exit(1);
  }
}
