/**
 * `npm run bench`: conveyor against the servers users would pick instead, in one run, each server
 * in its own process, the load from separate loader processes (real client protocols).
 *
 * Scenarios: fan-out (N subscribers, a driver committing at a fixed rate), idle (memory per idle
 * subscribed connection), write (committed transitions/s through the actors, embedded store),
 * resume (one client replaying a long backlog). Prints a table, writes JSON and an SVG latency
 * plot to bench/results/.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { merge, newHistogram, percentile } from './lib/histogram.js';
import { renderSvg } from './lib/svg.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    subscribers: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    servers: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'resume-events': { type: 'string' },
    'write-count': { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const N = Number(values.subscribers ?? (quick ? 200 : 10_000));
const RATE = Number(values.rate ?? (quick ? 20 : 20)); // events per second
const DURATION = Number(values.duration ?? (quick ? 2 : 10)); // seconds
const SERVERS = (values.servers ?? 'conveyor,bare-ws,socketio,yoga').split(',');
const RESUME_EVENTS = Number(values['resume-events'] ?? (quick ? 3000 : 100_000));
const WRITE_COUNT = Number(values['write-count'] ?? (quick ? 2000 : 30_000));
const PER_LOADER = 5000; // stays well under the 20,000 open files per process
const SECRET = 'bench-secret-bench-secret-bench-secret!';
const log = (line: string) => console.log(`[bench] ${line}`);

const ENTRY: Record<string, string> = {
  conveyor: 'bench/servers/conveyor.ts',
  'bare-ws': 'bench/peers/bare-ws.ts',
  yoga: 'bench/peers/yoga.ts',
  socketio: 'bench/peers/socketio.ts',
};

interface ServerHandle {
  name: string;
  url: string;
  child: ChildProcess;
}

async function startServer(name: string, env: Record<string, string> = {}): Promise<ServerHandle> {
  // --profile: a CPU profile of each server under test, to see where the time goes.
  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [];
  const child = spawn('node', [...profile, '--import', 'tsx', ENTRY[name]], {
    env: { ...process.env, JWT_SECRET: SECRET, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { name, url: `http://127.0.0.1:${port}`, child };
}

function stopServer(s: ServerHandle): Promise<void> {
  return new Promise((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
    setTimeout(() => s.child.kill('SIGKILL'), 5000).unref();
  });
}

/** CPU seconds (user + system) and RSS bytes of a process, from /proc. */
function usage(pid: number): { cpu: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rssPages = Number(stat[21]);
  return { cpu: ticks / 100, rss: rssPages * 4096 };
}

async function token(): Promise<string> {
  return new SignJWT({ name: 'Bench', org: 'acme' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('acme/bench')
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));
}

async function gql(url: string, query: string, variables: Record<string, unknown>, bearer: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

interface LoaderStats {
  deliveries: number;
  outOfOrder: number;
  histogram: number[];
  maxLatency: number;
  received: number[];
}

async function loaders(server: ServerHandle, connections: number, extra: Record<string, unknown>) {
  const count = Math.max(1, Math.ceil(connections / PER_LOADER));
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const share = Math.floor(connections / count) + (i < connections % count ? 1 : 0);
    const child = fork('bench/lib/loader.ts', [JSON.stringify({ kind: server.name, url: server.url, connections: share, ...extra })], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        child.on('message', (m: { type: string; error?: string }) => {
          if (m.type === 'ready') resolve();
          if (m.type === 'error') reject(new Error(m.error));
        });
        child.on('exit', (code) => code && reject(new Error(`loader exited ${code}`)));
      }),
    );
  }
  await Promise.all(ready);
  return {
    start: () => children.forEach((c) => c.send({ cmd: 'start' })),
    stats: () =>
      Promise.all(
        children.map(
          (c) =>
            new Promise<LoaderStats>((resolve) => {
              const onMessage = (m: { type: string } & LoaderStats) => {
                if (m.type !== 'stats') return;
                c.off('message', onMessage);
                resolve(m);
              };
              c.on('message', onMessage);
              c.send({ cmd: 'stats' });
            }),
        ),
      ),
    close: () => Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.send({ cmd: 'close' }))))),
  };
}

// ---------------------------------------------------------------------------------------------

interface FanoutResult {
  server: string;
  subscribers: number;
  published: number;
  deliveriesPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  lost: number;
  outOfOrder: number;
  cpuMicrosPerDelivery: number;
  rssKbPerConnection: number;
  histogram: number[];
}

async function fanout(name: string): Promise<FanoutResult> {
  const server = await startServer(name);
  const bearer = await token();
  try {
    const base = usage(server.child.pid!);
    const after = name === 'conveyor' ? (await gql(server.url, `{ tasks(first: 1) { cursor } }`, {}, bearer)).tasks.cursor : undefined;
    log(`${name}: opening ${N} subscriptions…`);
    const load = await loaders(server, N, { token: bearer, after });
    const idle = usage(server.child.pid!);
    const rssKbPerConnection = (idle.rss - base.rss) / 1024 / N;
    log(`${name}: ${N} subscribed (${rssKbPerConnection.toFixed(1)} KB each); publishing ${RATE}/s for ${DURATION} s…`);
    load.start();
    const cpu0 = usage(server.child.pid!).cpu;
    const started = Date.now();
    const total = RATE * DURATION;
    let published = 0;
    let peerQueue: Promise<void> = Promise.resolve();
    // Fixed rate: publish i at started + i/RATE, whatever the server does (falling behind shows as latency).
    while (published < total) {
      const due = started + (published * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const seq = published++;
      if (name === 'conveyor') {
        void gql(server.url, `mutation($t: String!) { createTask(input: { title: $t, description: "fix it" }) { id } }`, { t: `bench ${seq}` }, bearer).catch((e: Error) => log(`publish failed: ${e.message}`));
      } else {
        // One at a time, so publish order is seq order (an out-of-order count then means the server reordered).
        peerQueue = peerQueue
          .then(() => fetch(`${server.url}/publish`, { method: 'POST', body: JSON.stringify({ seq: seq + 1, at: Date.now() }) }))
          .then(() => undefined, (e: Error) => log(`publish failed: ${e.message}`));
      }
      if (seq % Math.max(1, RATE) === 0) process.stdout.write('.');
    }
    process.stdout.write('\n');
    // Drain: wait until every subscriber has everything, or 10 s.
    const drainUntil = Date.now() + 10_000;
    let stats: LoaderStats[] = [];
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      stats = await load.stats();
      const delivered = stats.reduce((a, s) => a + s.deliveries, 0);
      if (delivered >= total * N || Date.now() > drainUntil) break;
    }
    // The rate is over the time the deliveries actually took (until the last one arrived).
    const lastAt = Math.max(...stats.map((s) => (s as LoaderStats & { lastAt: number }).lastAt));
    const elapsed = (Math.max(lastAt, started + DURATION * 1000) - started) / 1000;
    const cpu = usage(server.child.pid!).cpu - cpu0;
    const histogram = newHistogram();
    for (const s of stats) merge(histogram, s.histogram);
    const deliveries = stats.reduce((a, s) => a + s.deliveries, 0);
    const lost = stats.reduce((a, s) => a + s.received.reduce((x, r) => x + Math.max(0, total - r), 0), 0);
    await load.close();
    return {
      server: name,
      subscribers: N,
      published: total,
      // Deliveries over the publishing window plus the time it took to drain: a server that
      // falls behind shows a lower rate *and* higher latency.
      deliveriesPerSecond: deliveries / elapsed,
      p50: percentile(histogram, 0.5),
      p90: percentile(histogram, 0.9),
      p99: percentile(histogram, 0.99),
      max: Math.max(...stats.map((s) => s.maxLatency)),
      lost,
      outOfOrder: stats.reduce((a, s) => a + s.outOfOrder, 0),
      cpuMicrosPerDelivery: deliveries ? (cpu * 1e6) / deliveries : Number.NaN,
      rssKbPerConnection,
      histogram,
    };
  } finally {
    await stopServer(server);
  }
}

async function write(): Promise<{ transitionsPerSecond: number; count: number }> {
  const child = spawn('node', ['--import', 'tsx', 'bench/lib/write.ts', String(WRITE_COUNT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await new Promise((r) => child.on('exit', r));
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

async function resume(): Promise<{ events: number; eventsPerSecond: number }> {
  const child = spawn('node', ['--import', 'tsx', 'bench/lib/resume.ts', String(RESUME_EVENTS)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, JWT_SECRET: SECRET } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await new Promise((r) => child.on('exit', r));
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

async function main() {
  const scenario = values.scenario;
  const results: { fanout: FanoutResult[]; write?: unknown; resume?: unknown; settings: unknown } = {
    fanout: [],
    settings: { subscribers: N, rate: RATE, duration: DURATION, quick },
  };
  if (scenario === 'all' || scenario === 'fanout' || scenario === 'idle') {
    for (const name of SERVERS) results.fanout.push(await fanout(name));
    const c = results.fanout.find((r) => r.server === 'conveyor');
    console.log(`\nfan-out: ${N} subscribers, ${RATE} events/s for ${DURATION} s (latency = commit → receive, ms)`);
    console.log('server      deliv/s   p50     p90     p99     max     lost  ooo  µs CPU/deliv  KB/conn  conveyor ÷ this');
    for (const r of results.fanout) {
      const ratio = c && r !== c ? `${fmt(c.deliveriesPerSecond / r.deliveriesPerSecond, 2)}×` : '';
      console.log(
        `${r.server.padEnd(10)} ${fmt(r.deliveriesPerSecond, 0).padStart(8)} ${fmt(r.p50).padStart(7)} ${fmt(r.p90).padStart(7)} ${fmt(r.p99).padStart(7)} ${fmt(r.max, 0).padStart(7)} ${String(r.lost).padStart(6)} ${String(r.outOfOrder).padStart(4)} ${fmt(r.cpuMicrosPerDelivery).padStart(12)} ${fmt(r.rssKbPerConnection).padStart(8)}  ${ratio}`,
      );
    }
  }
  if (scenario === 'all' || scenario === 'write') {
    results.write = await write();
    console.log(`\nwrite: ${JSON.stringify(results.write)}`);
  }
  if (scenario === 'all' || scenario === 'resume') {
    results.resume = await resume();
    console.log(`resume: ${JSON.stringify(results.resume)}`);
  }
  mkdirSync('bench/results', { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = join('bench/results', `bench-${stamp}.json`);
  writeFileSync(json, JSON.stringify(results, null, 2));
  if (results.fanout.length) writeFileSync(json.replace('.json', '.svg'), renderSvg(results.fanout));
  console.log(`\nwrote ${json}${results.fanout.length ? ' and .svg' : ''}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
