/**
 * resume scenario: one graphql-ws client (its own process, resume-client.ts) resuming a long
 * backlog (`agentUpdated(after: "0")`) from the real server: events per second replayed to it,
 * once selecting cursors only and once with the agents' fields (what a catching-up dashboard asks).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildApp } from '../../src/server/app.js';
import { loadConfigOrExit } from '../../src/server/env.js';

const total = Number(process.argv[2] ?? 100_000);
/** Client selections to replay with, one after the other, on the same backlog. */
const selections = (process.argv[3] ?? 'cursor,agent').split(',');
const app = await buildApp(
  loadConfigOrExit({
    // PostgreSQL + Redis where the bench gave them (bench-store.ts), else the embedded store.
    ...Object.fromEntries(['DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'REDIS_CHANNEL'].filter((k) => process.env.DATABASE_SCHEMA && process.env[k]).map((k) => [k, process.env[k]])),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'conveyor-resume-')), LOG_LEVEL: 'silent', NODE_ENV: 'production', JWT_SECRET: process.env.JWT_SECRET, AGENT_STALE_AFTER_MS: '3600000', AGENT_CRASH_AFTER_MS: '7200000',
  }),
);
const url = await app.start(0);
const host = app.services.host;
const at = () => new Date().toISOString();
const AGENTS = 500;
const ids = Array.from({ length: AGENTS }, (_, i) => `agent-${i}`);
await Promise.all(ids.map((id, i) => host.execute([{ kind: 'create', entityType: 'agent', id, input: { id, name: `a${i}`, org: 'acme', ownerId: 'acme/bench', registeredAt: at(), staleAfterMs: 3_600_000, crashAfterMs: 7_200_000 } }], 'bench')));
for (let made = AGENTS; made < total; made += AGENTS) {
  await Promise.all(ids.slice(0, Math.min(AGENTS, total - made)).map((id) => host.execute([{ kind: 'send', entityType: 'agent', id, event: { type: 'HEARTBEAT', at: at() } }], 'bench')));
}
const token = await app.auth.sign({ id: 'acme/bench', name: 'Bench', org: 'acme' }, Date.now() + 3_600_000);
// The client runs in its own process, as a real resuming client would (compiled, beside this file).
const results: Record<string, unknown>[] = [];
for (const selection of selections) {
  const child = spawn('node', [new URL('./resume-client.js', import.meta.url).pathname, `${url.replace('http', 'ws')}/graphql`, token, String(total), selection], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // BENCH_PROFILE_DIR: a CPU profile of the server while it replays (not while it fills the log).
  const profiler = process.env.BENCH_PROFILE_DIR ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const serverCpu0 = process.cpuUsage();
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  const serverCpu = process.cpuUsage(serverCpu0);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(join(process.env.BENCH_PROFILE_DIR!, `resume-${selection}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  if (code !== 0) throw new Error(`resume client exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
  // Server CPU includes the client process's start-up wait; the client's own figure excludes it.
  results.push({ ...result, serverCpuSeconds: Number(((serverCpu.user + serverCpu.system) / 1e6).toFixed(2)) });
}
await app.stop();
console.log(JSON.stringify(results));
process.exit(0);
