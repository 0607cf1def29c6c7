/**
 * growth scenario (issue 14): how the costs users feel move as the history grows. One data dir
 * grows through `sizes` (default 10k, 100k, 1M tasks); at each size:
 *
 * 1. fill the difference with growth-fill.ts (the server's own write path without HTTP, every
 *    task its real ~5 events; alone on the machine, so not pinned) and note its rate;
 * 2. disk bytes per task (the data dir's files / tasks), and the SQLite file's by part (disk-profile.ts);
 * 3. start conveyor on it (pinned to core 0) and run growth-probe.ts (pinned to core 1): list
 *    first pages (unfiltered, by status, `mine`, a ranked search), `dashboardCounts` query and
 *    first subscription message, commit throughput;
 * 4. stop it, start it again on the same dir: restart = spawn until `/readyz` answers 200; RSS
 *    once it has settled (nothing asked of it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from './bench-store.js';
import { DISK_PARTS, diskProfile, type DiskPart } from './disk-profile.js';
import { pinning } from './pin.js';
import { spawnServer } from './spawn-server.js';

export interface GrowthOptions {
  sizes: number[];
  /** Requests per measured query. */
  requests: number;
  /** Fresh `dashboardCounts` subscriptions timed to their first message. */
  subscriptions: number;
  /** Task creations in the commit-throughput burst. */
  burst: number;
  /** How long the restarted server is left alone before its RSS is read. */
  settleMs: number;
  secret: string;
  /** Path of a bench source's compiled output in dist/. */
  compiled: (source: string) => string;
  log: (line: string) => void;
  /** Keep the data dir (its path is printed) instead of removing it. */
  keep?: boolean;
  /** Rewritten after each size with the sizes so far: a long run cut short keeps its figures. */
  progressFile?: string;
}

interface Percentiles {
  p50: number;
  p99: number;
  n: number;
}

interface Probe {
  list: Percentiles;
  byStatus: Percentiles;
  mine: Percentiles;
  /** `tasks(filter: { search })`, ranked: two words that about 1 task in 12 has. */
  search: Percentiles;
  counts: Percentiles;
  subscription: Percentiles;
  commit: { creates: number; transitions: number; seconds: number; transitionsPerSecond: number } | null;
}

export interface GrowthSize extends Probe {
  tasks: number;
  fill: { tasks: number; events: number; seconds: number; tasksPerSecond: number; eventsPerSecond: number; stalls: number; failures: number } | null;
  diskBytes: number;
  diskBytesPerTask: number;
  /** The SQLite file's bytes per task by what they hold (disk-profile.ts); null without one. */
  diskPartsPerTask: Record<DiskPart, number> | null;
  /** Spawn of the server on the existing dir until `/readyz` answered 200. */
  restartMs: number;
  /** Of the restarted server, after `settleMs` with nothing asked of it. */
  rssMb: number;
}

export interface GrowthResult {
  dataDir: string;
  pinned: boolean;
  sizes: GrowthSize[];
}

/** Budgeted disk per task when checking for room (measured 5.4–8.4 KB before issue 14's work). */
const BUDGET_BYTES_PER_TASK = 12_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes of every file under dir (SQLite's db, WAL and anything next to them). */
function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return total;
}

const rssMb = (pid: number) => (Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[21]) * 4096) / 1024 / 1024;

/** The last line of a child's stdout, as JSON; rejects if it fails. */
function runJson<T>(command: string[], env: Record<string, string> = {}): Promise<T> {
  // The growth scenario is the embedded store's: a shell's DATABASE_URL is not passed on.
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env: childEnv(process.env, env) });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${command.join(' ')} exited with ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as T);
    });
  });
}

interface Server {
  child: ChildProcess;
  url: string;
}

/** conveyor on `dataDir`; resolves once `/readyz` answers 200, with how long that took. */
async function startServer(options: GrowthOptions, dataDir: string, pin: string[]): Promise<Server & { readyMs: number }> {
  const t0 = performance.now();
  const { child, url } = await spawnServer('conveyor', [...pin, 'node', options.compiled('bench/servers/conveyor.ts')], {
    ...childEnv(process.env, {}),
    JWT_SECRET: options.secret,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
  });
  for (;;) {
    const res = await fetch(`${url}/readyz`).catch(() => null);
    await res?.arrayBuffer();
    if (res?.status === 200) break;
    await sleep(10);
  }
  return { child, url, readyMs: performance.now() - t0 };
}

function stopServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
    setTimeout(() => s.child.kill('SIGKILL'), 10_000).unref();
  });
}

export async function growth(options: GrowthOptions): Promise<GrowthResult> {
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const largest = sizes.at(-1)!;
  const root = tmpdir();
  const { bavail, bsize } = statfsSync(root);
  const free = bavail * bsize;
  const need = largest * BUDGET_BYTES_PER_TASK;
  if (free < need) {
    throw new Error(`growth: ${largest} tasks may need ${(need / 1e9).toFixed(1)} GB in ${root}, ${(free / 1e9).toFixed(1)} GB free (TMPDIR picks another place)`);
  }
  const dataDir = mkdtempSync(join(root, 'conveyor-growth-'));
  const pin = pinning();
  options.log(`growth: data dir ${dataDir} (${(free / 1e9).toFixed(0)} GB free), server ${pin ? 'on core 0, probe on core 1' : 'and probe unpinned (no taskset or one core)'}`);
  const server = pin ? pin(0) : [];
  const client = pin ? pin(1) : [];
  const results: GrowthSize[] = [];
  let tasks = 0; // in the dir: filled plus each size's burst
  let filled = 0; // task numbers the fill has used
  try {
    for (const size of sizes) {
      let fill: GrowthSize['fill'] = null;
      if (size > tasks) {
        options.log(`growth: filling ${tasks} → ${size} tasks…`);
        fill = await runJson(['node', options.compiled('bench/lib/growth-fill.ts'), dataDir, String(filled), String(filled + size - tasks)], { JWT_SECRET: options.secret });
        options.log(`growth: filled ${fill!.tasks} tasks (${fill!.events} events) in ${fill!.seconds} s: ${fill!.tasksPerSecond} tasks/s, ${fill!.eventsPerSecond} events/s`);
        filled += size - tasks;
        tasks = size;
      }
      const diskBytes = dirBytes(dataDir);
      const parts = diskProfile(dataDir);
      const diskPartsPerTask = parts && (Object.fromEntries(DISK_PARTS.map((p) => [p, Math.round(parts[p] / size)])) as Record<DiskPart, number>);
      const first = await startServer(options, dataDir, server);
      let probe: Probe;
      try {
        probe = await runJson<Probe>(
          [...client, 'node', options.compiled('bench/lib/growth-probe.ts'), first.url, String(options.requests), String(options.subscriptions), String(options.burst)],
          { JWT_SECRET: options.secret },
        );
      } finally {
        await stopServer(first);
      }
      tasks += probe.commit?.creates ?? 0;
      const again = await startServer(options, dataDir, server);
      let rss: number;
      try {
        await sleep(options.settleMs);
        rss = rssMb(again.child.pid!);
      } finally {
        await stopServer(again);
      }
      const row: GrowthSize = { tasks: size, fill, diskBytes, diskBytesPerTask: Math.round(diskBytes / size), diskPartsPerTask, ...probe, restartMs: Math.round(again.readyMs), rssMb: Number(rss.toFixed(1)) };
      results.push(row);
      if (options.progressFile) writeFileSync(options.progressFile, JSON.stringify({ dataDir, pinned: pin !== null, sizes: results }, null, 2));
      options.log(
        `growth: ${size} tasks: list p50 ${row.list.p50} ms, counts p50 ${row.counts.p50} ms, restart ${row.restartMs} ms, RSS ${row.rssMb} MB, ${row.diskBytesPerTask} B/task, ${row.commit?.transitionsPerSecond ?? '—'} transitions/s`,
      );
    }
  } finally {
    if (options.keep) options.log(`growth: kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  return { dataDir, pinned: pin !== null, sizes: results };
}

/** The disk rows' names: each part with its indexes. */
const PART_NAMES: Record<DiskPart, string> = {
  log: 'the log (events)',
  tasks: 'the task list (tasks)',
  search: 'the search index',
  snapshots: 'actor snapshots',
  other: 'the rest',
};

/** The table: one row per figure, one column per size, and the ratio largest ÷ smallest. */
export function growthTable(result: GrowthResult): string {
  const sizes = result.sizes;
  const first = sizes[0];
  const last = sizes.at(-1)!;
  const ms = (n: number | undefined) => (n === undefined ? '—' : n < 10 ? n.toFixed(2) : n.toFixed(1));
  const ratio = (a: number | undefined, b: number | undefined) => (a && b && sizes.length > 1 ? `×${(b / a).toFixed(2)}` : '');
  type Row = [string, (s: GrowthSize) => number | undefined, (n: number | undefined) => string];
  /** A query's p50 and p99 rows, in milliseconds. */
  const percentiles = (name: string, of: (s: GrowthSize) => Percentiles): Row[] => [
    [`${name} p50 ms`, (s) => of(s).p50, ms],
    [`${name} p99 ms`, (s) => of(s).p99, ms],
  ];
  const rows: Row[] = [
    ...percentiles('tasks(first: 50)', (s) => s.list),
    ...percentiles('status filter', (s) => s.byStatus),
    ...percentiles('mine', (s) => s.mine),
    ...percentiles('search first page', (s) => s.search),
    ...percentiles('dashboardCounts', (s) => s.counts),
    ...percentiles('counts subscription, first message', (s) => s.subscription),
    ['restart until /readyz 200, ms', (s) => s.restartMs, (n) => String(n)],
    ['RSS after restart, MB', (s) => s.rssMb, (n) => (n === undefined ? '—' : n.toFixed(0))],
    ['disk bytes per task', (s) => s.diskBytesPerTask, (n) => String(n)],
    ...DISK_PARTS.map((part): Row => [`  of which ${PART_NAMES[part]}`, (s) => s.diskPartsPerTask?.[part], (n) => (n === undefined ? '—' : String(n))]),
    ['commit, transitions/s', (s) => s.commit?.transitionsPerSecond, (n) => (n === undefined ? '—' : String(n))],
    ['fill, tasks/s (to reach this size)', (s) => s.fill?.tasksPerSecond, (n) => (n === undefined ? '—' : String(n))],
  ];
  const header = ['', ...sizes.map((s) => `${s.tasks.toLocaleString('en-US')} tasks`), sizes.length > 1 ? `${last.tasks / first.tasks}× tasks` : ''];
  const lines = [header, ...rows.map(([name, get, format]) => [name, ...sizes.map((s) => format(get(s))), ratio(get(first), get(last))])];
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  return lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}
