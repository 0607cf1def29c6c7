/**
 * `conveyor check`: watch a running server through its public API and fail on the first sign of a
 * wedged pipeline (src/liveness/). Prints each violation as it is found, a progress line every
 * 30 s and the summary at the end; exits 1 on any violation.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { devSignIn, resolveUsers, type User } from './api.js';
import { LivenessChecker } from './checker.js';
import { parseDuration } from './duration.js';
import { formatSummary, formatViolation } from './format.js';

const USAGE = `Usage: conveyor check --url <url> (--token <t> | --user Name@org)… [options]

  --url <url>              server (default http://127.0.0.1:4000, or CONVEYOR_URL)
  --token <jwt>            a user's bearer token; repeat for every user who creates tasks
                           (a private task is visible to its creator only)
  --user <Name@org>        dev sign-in as this user (embedded default on loopback); repeatable
  --duration <d>           how long to watch: 90s, 10m, 1h (default 10m)
  --interval <d>           between samples (default 1s)
  --take-within <d>        a queued task is taken within this while an agent is idle (default 10s)
  --progress-window <d>    some task takes a step of work in every such window (default 30s)
  --assigned-within <d>    a taken task starts coding within this (default 10s)
  --stuck-after <d>        a coding task reports within this: AGENT_STUCK_AFTER_MS (default 20s)
  --grace <d>              slack for reads that are not atomic (default 5s)
  --max-requeues <n>       a task goes back to the queue at most this often (default 3)
  --page-size <n>          tasks per page (default 200)
  --log <file|->           also fail on failure lines ("  ! …") in this output (- for stdin)
  --json <file>            write the summary and every violation as JSON`;

export async function runCheck(argv: string[]): Promise<void> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        token: { type: 'string', multiple: true },
        user: { type: 'string', multiple: true },
        duration: { type: 'string', default: '10m' },
        interval: { type: 'string', default: '1s' },
        'take-within': { type: 'string', default: '10s' },
        'progress-window': { type: 'string', default: '30s' },
        'assigned-within': { type: 'string', default: '10s' },
        'stuck-after': { type: 'string', default: '20s' },
        grace: { type: 'string', default: '5s' },
        'page-size': { type: 'string', default: '200' },
        'max-requeues': { type: 'string', default: '3' },
        log: { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) return void console.log(USAGE);
  const durations = {
    duration: parseDuration(values.duration),
    interval: parseDuration(values.interval),
    takeWithin: parseDuration(values['take-within']),
    progressWindow: parseDuration(values['progress-window']),
    assignedWithin: parseDuration(values['assigned-within']),
    stuckAfter: parseDuration(values['stuck-after']),
    grace: parseDuration(values.grace),
  };
  const pageSize = Number(values['page-size']);
  const maxRequeues = Number(values['max-requeues']);
  const bad = Object.entries(durations).filter(([, v]) => !Number.isFinite(v) || v <= 0).map(([k]) => k);
  if (bad.length || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500 || !Number.isInteger(maxRequeues) || maxRequeues < 0 || !(values.token?.length || values.user?.length)) {
    console.error(`Bad options${bad.length ? ` (${bad.join(', ')}: durations like 500ms, 90s, 10m, 1h)` : ''}: give --token or --user at least once, --page-size 1..500, --max-requeues 0 or more.\n\n${USAGE}`);
    process.exit(2);
  }
  const url = (values.url ?? process.env.CONVEYOR_URL ?? 'http://127.0.0.1:4000').replace(/\/$/, '');
  const out = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

  let users: User[];
  try {
    users = [...(await resolveUsers(url, values.token ?? [])), ...(await Promise.all((values.user ?? []).map((u) => devSignIn(url, u))))];
  } catch (error) {
    console.error(`conveyor check: could not sign in at ${url}: ${(error as Error).message}`);
    process.exit(2);
  }
  out(`checking ${url} for ${durations.duration / 1000} s as ${users.map((u) => `${u.name}@${u.org}`).join(', ')}`);

  let lastError = '';
  const checker = new LivenessChecker({
    url,
    users,
    intervalMs: durations.interval,
    sampler: { pageSize },
    invariants: {
      takeWithinMs: durations.takeWithin,
      progressWindowMs: durations.progressWindow,
      assignedWithinMs: durations.assignedWithin,
      stuckAfterMs: durations.stuckAfter,
      graceMs: durations.grace,
      maxRequeues,
    },
    onViolation: (v) => out(formatViolation(v)),
    onSampleError: (e) => {
      if (e.message !== lastError) out(`  sample failed: ${e.message}`);
      lastError = e.message;
    },
  });
  if (values.log) {
    const stream = values.log === '-' ? process.stdin : createReadStream(values.log);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string | Buffer) => checker.logChunk(String(chunk)));
    stream.on('error', (error: Error) => out(`  cannot read ${values.log}: ${error.message}`));
  }
  const progress = setInterval(() => {
    const s = checker.summary();
    out(`  … ${s.durationSeconds} s: ${s.tasks} tasks, ${s.worked} worked, ${s.merged} merged, ${s.failed} failed; longest idle wait ${s.longestIdleWait.seconds} s; ${s.violations} violations`);
  }, 30_000);
  let interrupted = false;
  const finish = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, durations.duration);
    process.once('SIGINT', () => ((interrupted = true), clearTimeout(timer), resolve()));
    process.once('SIGTERM', () => ((interrupted = true), clearTimeout(timer), resolve()));
  });
  checker.start();
  await finish;
  clearInterval(progress);
  const summary = await checker.stop();
  for (const line of formatSummary(summary)) out(line);
  if (values.json) writeFileSync(values.json, JSON.stringify({ url, users: users.map((u) => `${u.name}@${u.org}`), interrupted, pass: summary.violations === 0, summary }, null, 2));
  process.exit(summary.violations === 0 ? 0 : 1);
}
