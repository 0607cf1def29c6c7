/**
 * `npm run soak -- --duration 10m`: the demo load (`conveyor demo`: workers, users creating and
 * answering tasks, simulated GitHub) plus dashboard-like subscribers in loader processes
 * (bench/lib/soak-subscriber.ts), for a chosen duration. Every few seconds it samples held
 * connections, subscriptions, deliveries, errors (server and client), server heap and RSS, and
 * prints a row; at the end it writes JSON and an SVG plot to bench/results/soak-*.{json,svg}.
 *
 * Exits 1 when a subscriber lost, repeated or reordered an event (its taskUpdated stream is
 * compared with the log, through the public API: soak-log.ts), when any error was counted, when
 * server memory grew more than --max-growth-mb over the second half of the run (the leak
 * check: the lowest heap and RSS of the third quarter against the lowest of the fourth, so the
 * garbage collector's sawtooth does not count), or when the pipeline stalled: the liveness
 * checker (src/liveness/, as `conveyor check` runs it) watches the whole run as every user, with
 * the demo's output as its log, and each violation it finds fails the soak, with its task and
 * agent ids. "No errors" is not enough: work must keep moving.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveUsers } from '../src/liveness/api.js';
import { LivenessChecker } from '../src/liveness/checker.js';
import { formatSummary, formatViolation } from '../src/liveness/format.js';
import { expectedStreams } from './lib/soak-log.js';
import type { SoakCommand, SoakFinal, SoakStats, SoakSubscriberArgs } from './lib/soak-subscriber.js';
import { renderSoakSvg, type SoakSample } from './lib/soak-svg.js';

const USAGE = `Usage: npm run soak -- [--duration 10m] [--subscribers 60] [--loaders 2] [--sample 5]
                      [--every 1500] [--workers 3] [--max-growth-mb 32]

  --duration       how long the load runs: 90s, 10m, 1h (a bare number is seconds)
  --subscribers    dashboard-like graphql-ws clients (taskUpdated + dashboardCounts + timeline)
  --loaders        processes the subscribers are spread over
  --sample         seconds between samples
  --every          the demo's interval between new tasks (ms)
  --workers        the demo's simulated workers per org
  --max-growth-mb  leak check: allowed growth of heap and of RSS over the second half`;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10m' },
    subscribers: { type: 'string', default: '60' },
    loaders: { type: 'string', default: '2' },
    sample: { type: 'string', default: '5' },
    every: { type: 'string', default: '1500' },
    workers: { type: 'string', default: '3' },
    'max-growth-mb': { type: 'string', default: '32' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function seconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return NaN; // reported with the usage below
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}
const DURATION_S = seconds(values.duration);
const SUBSCRIBERS = Math.max(1, Number(values.subscribers));
const LOADERS = Math.max(1, Math.min(SUBSCRIBERS, Number(values.loaders)));
const SAMPLE_S = Math.max(1, Number(values.sample));
const MAX_GROWTH = Number(values['max-growth-mb']) * 1024 * 1024;
if (![DURATION_S, SUBSCRIBERS, LOADERS, SAMPLE_S, MAX_GROWTH].every(Number.isFinite) || DURATION_S < 10) {
  console.error(`Bad options: --duration like 90s, 10m or 1h (at least 10 s), numbers elsewhere.\n\n${USAGE}`);
  process.exit(2);
}
/** The demo's users, and two who only watch: subscribers are spread over them. */
const USERS = [
  ['Ada', 'acme'], ['Grace', 'acme'], ['Linus', 'acme'], ['Margaret', 'globex'], ['Dennis', 'globex'],
  ['Watcher', 'acme'], ['Observer', 'globex'],
] as const;
const log = (line: string) => console.log(`[soak] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

// The demo and the loaders run compiled, as `npm start` and `npm run bench` do (see that script).
execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

interface Health {
  connections: number;
  subscriptions: number;
  messagesPerSecond: number;
  errors: number;
  cursor: number;
  heapUsedBytes: number;
  rssBytes: number;
}
const health = async (url: string) => (await (await fetch(`${url}/healthz`)).json()) as Health;

// ---- the demo ------------------------------------------------------------------------------

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-soak-'));
const { DATABASE_URL: _d, REDIS_URL: _r, JWT_SECRET: _j, VITEST: _v, ...env } = process.env;
const demo = spawn(
  process.execPath,
  ['--enable-source-maps', 'dist/src/cli/index.js', 'demo', '--port', String(port), '--data-dir', dataDir, '--every', values.every, '--workers', values.workers],
  { env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
);
let demoOutput = '';
/** Set once the users are signed in: the demo's output is the liveness checker's log. */
let checker: LivenessChecker | null = null;
/** Lines the demo prints when one of its actions failed (`  ! message`) or it logged a problem. */
const demoErrors: string[] = [];
const onDemoOutput = (chunk: Buffer) => {
  const text = String(chunk);
  demoOutput = (demoOutput + text).slice(-20_000);
  checker?.logChunk(text);
  for (const line of text.split('\n')) if (/ ! |"level":(40|50|60)/.test(line)) demoErrors.push(line.trim().slice(0, 300));
};
demo.stdout!.on('data', onDemoOutput);
demo.stderr!.on('data', onDemoOutput);
const demoExited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
async function stopDemo(): Promise<void> {
  if (demo.exitCode !== null) return;
  demo.kill('SIGTERM');
  const timer = setTimeout(() => demo.kill('SIGKILL'), 15_000);
  await demoExited;
  clearTimeout(timer);
}
process.on('SIGINT', () => void stopDemo().then(() => process.exit(130)));

for (const deadline = Date.now() + 60_000; !demoOutput.includes('conveyor demo running'); await sleep(100)) {
  if (demo.exitCode !== null || Date.now() > deadline) {
    console.error(demoOutput);
    throw new Error('the demo did not start');
  }
}
log(`demo running on ${url} (data ${dataDir}): ${values.workers} workers, a task every ${values.every} ms`);

// ---- subscribers ---------------------------------------------------------------------------

const tokens: Record<string, string> = {};
for (const [name, org] of USERS) {
  const { devSignIn } = await gql<{ devSignIn: { token: string } }>(url, `mutation($n: String!, $o: String!) { devSignIn(name: $n, org: $o) { token } }`, { n: name, o: org });
  tokens[`${name}@${org}`] = devSignIn.token;
}
const users = Object.keys(tokens);
checker = new LivenessChecker({
  url,
  users: await resolveUsers(url, Object.values(tokens)),
  onViolation: (v) => log(formatViolation(v)),
});
// What the demo printed before the checker existed is checked too.
checker.logChunk(demoOutput);
const start = await health(url);
const loaders: ChildProcess[] = [];
for (let i = 0; i < LOADERS; i++) {
  const mine = Array.from({ length: SUBSCRIBERS }, (_, k) => k).filter((k) => k % LOADERS === i);
  const args: SoakSubscriberArgs = {
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    subscribers: mine.map((k) => ({ user: users[k % users.length], token: tokens[users[k % users.length]] })),
    after: String(start.cursor),
  };
  const file = join(dataDir, `loader-${i}.json`);
  writeFileSync(file, JSON.stringify(args));
  loaders.push(fork('dist/bench/lib/soak-subscriber.js', [file], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}
function ask<T extends { type: string }>(child: ChildProcess, command: SoakCommand, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a soak loader exited with ${code}`));
    const onMessage = (m: T) => {
      if (m.type !== type) return;
      child.off('message', onMessage).off('exit', onExit);
      resolve(m);
    };
    child.on('message', onMessage).once('exit', onExit);
    child.send(command);
  });
}
await Promise.all(loaders.map((c) => new Promise((resolve) => c.once('message', resolve))));
const stats = () => Promise.all(loaders.map((c) => ask<SoakStats>(c, { cmd: 'stats' }, 'stats')));
for (const deadline = Date.now() + 30_000; ; await sleep(200)) {
  const connected = (await stats()).reduce((n, s) => n + s.connected, 0);
  if (connected === SUBSCRIBERS) break;
  if (Date.now() > deadline) throw new Error(`only ${connected} of ${SUBSCRIBERS} subscribers connected`);
}

// ---- the run -------------------------------------------------------------------------------

log(`${SUBSCRIBERS} subscribers in ${LOADERS} processes; running for ${DURATION_S} s, a sample every ${SAMPLE_S} s; the liveness checker samples every second`);
checker.start();
const header = ['time', 'conns', 'subs', 'deliv/s', 'deliveries', 'errors', 'heap MB', 'RSS MB', 'cursor'];
console.log(header.map((h) => h.padStart(10)).join(''));
const samples: SoakSample[] = [];
const clientErrors: string[] = [];
let deliveries = 0;
let serverErrors = 0;
const began = Date.now();
let previousAt = began;
for (let next = began + SAMPLE_S * 1000; ; next += SAMPLE_S * 1000) {
  await sleep(Math.max(0, next - Date.now()));
  if (demo.exitCode !== null) throw new Error(`the demo exited with ${demo.exitCode}:\n${demoOutput}`);
  const [h, s] = await Promise.all([health(url), stats()]);
  const now = Date.now();
  const received = s.reduce((n, x) => n + x.deliveries, 0);
  const newClientErrors = s.flatMap((x) => x.errors);
  clientErrors.push(...newClientErrors);
  const newServerErrors = h.errors - start.errors - serverErrors;
  serverErrors = h.errors - start.errors;
  const sample: SoakSample = {
    t: Math.round((now - began) / 100) / 10,
    connections: h.connections,
    subscriptions: h.subscriptions,
    deliveriesPerSecond: Math.round((received - deliveries) / ((now - previousAt) / 1000)),
    serverMessagesPerSecond: h.messagesPerSecond,
    heapUsedBytes: h.heapUsedBytes,
    rssBytes: h.rssBytes,
    newErrors: newServerErrors + newClientErrors.length,
  };
  deliveries = received;
  previousAt = now;
  samples.push(sample);
  const errorCell = `${serverErrors}/${clientErrors.length}`;
  const row = [`${sample.t}s`, h.connections, h.subscriptions, sample.deliveriesPerSecond, deliveries, errorCell, (h.heapUsedBytes / MB).toFixed(1), (h.rssBytes / MB).toFixed(1), h.cursor];
  console.log(row.map((c) => String(c).padStart(10)).join(''));
  for (const e of newClientErrors.slice(0, 3)) log(`client error: ${e}`);
  if (now - began >= DURATION_S * 1000) break;
}

// ---- checks --------------------------------------------------------------------------------

const liveness = await checker.stop();
for (const line of formatSummary(liveness)) log(line);

const end = (await health(url)).cursor;
log(`load done at cursor ${end}; checking every subscriber's stream against the log`);
const streams = await expectedStreams(url, tokens, start.cursor, end);
const finals = await Promise.all(
  loaders.map((c) => ask<SoakFinal>(c, { cmd: 'final', end, expected: streams.expected, timelines: streams.timelines, waitMs: 20_000 }, 'final')),
);
const metrics = await (await fetch(`${url}/metrics`)).text();
const errorsByCode = Object.fromEntries([...metrics.matchAll(/^conveyor_graphql_errors_total\{code="([^"]+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]));
const lateClientErrors = (await stats()).flatMap((x) => x.errors);
clientErrors.push(...lateClientErrors);
await Promise.all(loaders.map((c) => new Promise((resolve) => (c.once('exit', resolve), c.send({ cmd: 'close' } satisfies SoakCommand)))));
await stopDemo();
rmSync(dataDir, { recursive: true, force: true });

const total = (k: 'checked' | 'lost' | 'extra' | 'outOfOrder' | 'timelinesChecked' | 'timelineMismatches') => finals.reduce((n, f) => n + f[k], 0);
const half = DURATION_S / 2;
const third = samples.filter((s) => s.t >= half && s.t < half * 1.5);
const fourth = samples.filter((s) => s.t >= half * 1.5);
const floor = (xs: SoakSample[], k: 'heapUsedBytes' | 'rssBytes') => Math.min(...xs.map((s) => s[k]));
const heapGrowth = floor(fourth, 'heapUsedBytes') - floor(third, 'heapUsedBytes');
const rssGrowth = floor(fourth, 'rssBytes') - floor(third, 'rssBytes');
const summary = {
  durationSeconds: samples.at(-1)!.t,
  subscribers: SUBSCRIBERS,
  tasks: streams.tasks,
  events: end - start.cursor,
  deliveries,
  deliveriesPerSecond: Math.round(deliveries / samples.at(-1)!.t),
  checkedSubscribers: total('checked'),
  lost: total('lost'),
  extra: total('extra'),
  outOfOrder: total('outOfOrder'),
  timelinesChecked: total('timelinesChecked'),
  timelineMismatches: total('timelineMismatches'),
  serverErrors,
  errorsByCode,
  clientErrors: clientErrors.length,
  demoErrors: demoErrors.length,
  livenessViolations: liveness.violations,
  heapGrowthBytes: heapGrowth,
  rssGrowthBytes: rssGrowth,
  peakHeapBytes: Math.max(...samples.map((s) => s.heapUsedBytes)),
  peakRssBytes: Math.max(...samples.map((s) => s.rssBytes)),
  peakConnections: Math.max(...samples.map((s) => s.connections)),
};
const failures: string[] = [];
if (summary.checkedSubscribers !== SUBSCRIBERS) failures.push(`${summary.checkedSubscribers} of ${SUBSCRIBERS} subscribers checked`);
if (summary.lost || summary.extra || summary.outOfOrder) failures.push(`${summary.lost} lost, ${summary.extra} extra, ${summary.outOfOrder} out of order`);
if (summary.timelineMismatches) failures.push(`${summary.timelineMismatches} timelines differ from the log`);
if (serverErrors) failures.push(`${serverErrors} server errors ${JSON.stringify(errorsByCode)}`);
if (clientErrors.length) failures.push(`${clientErrors.length} client errors, e.g. ${clientErrors[0]}`);
if (demoErrors.length) failures.push(`${demoErrors.length} demo errors, e.g. ${demoErrors[0]}`);
for (const v of liveness.violationList) failures.push(`liveness: ${formatViolation(v)}`);
if (!(third.length && fourth.length)) failures.push('too few samples in the second half for the leak check (use a longer --duration or a shorter --sample)');
if (heapGrowth > MAX_GROWTH) failures.push(`heap grew ${(heapGrowth / MB).toFixed(1)} MB over the second half (bound ${values['max-growth-mb']} MB)`);
if (rssGrowth > MAX_GROWTH) failures.push(`RSS grew ${(rssGrowth / MB).toFixed(1)} MB over the second half (bound ${values['max-growth-mb']} MB)`);
const examples = finals.flatMap((f) => f.examples);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/soak-${stamp}.json`;
const settings = { duration: values.duration, subscribers: SUBSCRIBERS, loaders: LOADERS, sampleSeconds: SAMPLE_S, every: Number(values.every), workers: Number(values.workers), maxGrowthMb: Number(values['max-growth-mb']) };
writeFileSync(file, JSON.stringify({ settings, startedAt: new Date(began).toISOString(), pass: failures.length === 0, failures, summary, liveness, samples, examples, clientErrors: clientErrors.slice(0, 50), demoErrors: demoErrors.slice(0, 50) }, null, 2));
const mbs = (b: number) => `${b >= 0 ? '+' : ''}${(b / MB).toFixed(1)} MB`;
const title = `conveyor soak: ${values.duration}, ${SUBSCRIBERS} subscribers, ${values.workers} workers, a task every ${values.every} ms — ${failures.length ? 'FAILED' : 'passed'}`;
const subtitle = `${deliveries.toLocaleString('en-US')} deliveries, ${summary.lost} lost, ${summary.outOfOrder} out of order, ${serverErrors + clientErrors.length} errors; second half: heap ${mbs(heapGrowth)}, RSS ${mbs(rssGrowth)}`;
writeFileSync(file.replace(/\.json$/, '.svg'), renderSoakSvg(samples, title, subtitle, [half, samples.at(-1)!.t]));

log(`${summary.tasks} tasks, ${summary.events} events, ${deliveries} deliveries (${summary.deliveriesPerSecond}/s), ${summary.checkedSubscribers} streams and ${summary.timelinesChecked} timelines checked against the log`);
log(`second half: heap ${mbs(heapGrowth)}, RSS ${mbs(rssGrowth)}; peak heap ${(summary.peakHeapBytes / MB).toFixed(1)} MB, RSS ${(summary.peakRssBytes / MB).toFixed(1)} MB`);
for (const e of examples) log(`  ${e}`);
log(`wrote ${file} and ${file.replace(/\.json$/, '.svg')}`);
if (failures.length) {
  for (const f of failures) log(`FAIL: ${f}`);
  process.exit(1);
}
log('PASS');
process.exit(0);
