/**
 * Connection floods (issue 7): several loader processes (flood-loader.ts) churn WebSocket and
 * TCP connections against the server in its own process for a minute (FLOOD_SECONDS to run
 * longer): clean subscribe-and-close, abrupt terminates, upgrades without `connection_init`,
 * TCP connections that never upgrade, and sockets that stop reading. Afterwards the server must
 * be back where it started: /healthz connections and subscriptions, open file descriptors
 * (/proc/<pid>/fd), heap after a full GC and active handles and timers (test-only IPC,
 * probed-server.ts) — and it must still serve a subscription end to end.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Viewer } from '../../src/store/types.js';
import { CLEAR_DESCRIPTION } from '../utils/documents.js';
import { eventually, gqlOk } from '../utils/server.js';
import { MB, mb, startChildServer, type ChildServer } from '../utils/child-server.js';
import { runProcess } from '../utils/process.js';
import type { FloodArgs } from './flood-loader.js';
import type { Probe } from '../utils/probed-server.js';
import { disposeAfterEach } from '../utils/per-test.js';

const CREATE = `mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }`;
const SECONDS = Number(process.env.FLOOD_SECONDS ?? 60);
const LOADERS = 3;
const CONCURRENCY = 24;
const INIT_TIMEOUT_MS = 1000;
const VIEWERS: Viewer[] = [
  { id: 'acme/Ada', name: 'Ada', org: 'acme' },
  { id: 'acme/Grace', name: 'Grace', org: 'acme' },
  { id: 'globex/Linus', name: 'Linus', org: 'globex' },
];

interface LoaderReport {
  cycles: { clean: number; terminate: number; noInit: number; tcp: number };
  errors: string[];
  zombies: number;
}

const defer = disposeAfterEach();

function runLoaders(args: FloodArgs, count: number): Promise<LoaderReport[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const file = join(tmpdir(), `conveyor-flood-${process.pid}-${i}.json`);
      writeFileSync(file, JSON.stringify(args));
      const loader = runProcess(new URL('./flood-loader.ts', import.meta.url).pathname, [file], {
        fork: { execArgv: ['--import', 'tsx'] },
        inherit: true,
        env: process.env,
      });
      defer(async () => void (await loader.stop('SIGKILL')));
      let report: LoaderReport | undefined;
      loader.child.once('message', (m: LoaderReport) => (report = m));
      return loader.exited.then((code) => {
        if (!report) throw new Error(`flood loader ${i} exited with ${code} without a report`);
        return report;
      });
    }),
  );
}

/** Resource counts that went up between the two probes (`process.getActiveResourcesInfo()`). */
function moreResources(before: Probe, after: Probe): Record<string, number> {
  const more: Record<string, number> = {};
  for (const [type, n] of Object.entries(after.resources)) {
    if (n > (before.resources[type] ?? 0)) more[type] = n - (before.resources[type] ?? 0);
  }
  return more;
}

/** What the server holds when nobody is connected, once the churn has fully drained. */
async function quiet(s: ChildServer, idleSubscriptions: number) {
  let last: unknown;
  try {
    await eventually(async () => {
      const h = await s.health();
      last = h;
      return h.connections === 0 && h.subscriptions === idleSubscriptions && h.fanoutGroups === 0;
    }, 15_000, 100);
  } catch (error) {
    throw new Error(`not back to idle (${idleSubscriptions} subscriptions): /healthz ${JSON.stringify(last)}`, { cause: error });
  }
}

describe('connection flood', () => {
  it(`${SECONDS} s of open/close churn from ${LOADERS} processes leaves no socket, handle, timer or heap behind`, async () => {
    // Agents never go stale during the run: nothing changes by itself between the probes.
    const s = await startChildServer({ WS_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS), AGENT_STALE_AFTER_MS: '3600000', AGENT_CRASH_AFTER_MS: '7200000' });
    defer(() => s.stop());
    const tokens = await Promise.all(VIEWERS.map((v) => s.token(v)));
    // Some history for taskUpdated to catch up on and a timeline to replay.
    const after = String((await s.health()).cursor);
    const taskIds: string[] = [];
    for (const token of tokens) taskIds.push((await gqlOk(s, CREATE, { i: { title: 'Flooded', description: CLEAR_DESCRIPTION } }, token)).createTask.id);
    await s.burst(VIEWERS[0], 60, CLEAR_DESCRIPTION);
    await s.burst(VIEWERS[2], 20, CLEAR_DESCRIPTION);
    for (const [i, token] of tokens.entries()) await gqlOk(s, `mutation($n: String!) { registerAgent(name: $n) { id } }`, { n: `flood-worker-${i}` }, token);
    const args: FloodArgs = { wsUrl: s.wsUrl, tokens, durationMs: 3000, concurrency: CONCURRENCY, after, taskIds, initTimeoutMs: INIT_TIMEOUT_MS };

    // A short flood first, so the baseline includes what is built once and kept (compiled code,
    // parsed-document caches, pooled buffers, the fan-out engine's feed reader), not only what
    // the churn leaves behind.
    const warmUp = await runLoaders(args, 1);
    expect(warmUp[0].errors).toEqual([]);
    // Idle: the orchestrator's feed reader and, since the first grouped subscription, the
    // fan-out dispatcher's (/healthz counts it as a subscription: see the report of issue 7).
    const idleSubscriptions = (await s.health()).subscriptions;
    await quiet(s, idleSubscriptions);
    const fds = s.fds();
    const baseline = await s.probe();
    const errorsBefore = (await s.health()).errors;

    const started = Date.now();
    let peakConnections = 0;
    let peakRss = s.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, s.rss());
      s.health().then((h) => (peakConnections = Math.max(peakConnections, h.connections)), () => {});
    }, 500);
    const reports = await runLoaders({ ...args, durationMs: SECONDS * 1000 }, LOADERS);
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const total = { clean: 0, terminate: 0, noInit: 0, tcp: 0 };
    for (const r of reports) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r.cycles[k];
    const connections = total.clean + total.terminate + total.noInit + total.tcp;

    await quiet(s, idleSubscriptions);
    await eventually(() => s.fds() <= fds + 2, 10_000, 100);
    const drained = await s.probe();
    console.log(
      `[flood] ${connections} connections in ${seconds.toFixed(0)} s (${Math.round(connections / seconds)}/s: ` +
        `${total.clean} clean, ${total.terminate} terminated, ${total.noInit} without init, ${total.tcp} TCP only; ` +
        `${reports.reduce((n, r) => n + r.zombies, 0)} zombies), peak ${peakConnections} connections, peak RSS ${mb(peakRss)}; ` +
        `fds ${fds} → ${s.fds()}, heap ${mb(baseline.heapUsed)} → ${mb(drained.heapUsed)}, ` +
        `external ${mb(baseline.external)} → ${mb(drained.external)}, resources ${JSON.stringify(drained.resources)}`,
    );

    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect((await s.health()).errors).toBe(errorsBefore);
    // Every kind ran, at a rate worth calling a flood on two shared cores.
    expect(Math.min(total.clean, total.terminate, total.noInit, total.tcp)).toBeGreaterThan(0);
    expect(connections / seconds).toBeGreaterThan(100);
    expect(s.fds()).toBeLessThanOrEqual(fds + 2);
    expect(drained.heapUsed - baseline.heapUsed).toBeLessThan(4 * MB);
    expect(drained.external - baseline.external).toBeLessThan(2 * MB);
    expect(moreResources(baseline, drained)).toEqual({});

    // Still serving: a subscription sees a task created after the flood, end to end.
    const client = createClient({ url: s.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${tokens[1]}` } });
    defer(() => client.dispose() as Promise<void>);
    const seen: string[] = [];
    client.subscribe<{ taskUpdated: { task: { title: string } } }>(
      { query: `subscription { taskUpdated { task { title } } }` },
      { next: ({ data }) => data && seen.push(data.taskUpdated.task.title), error: () => {}, complete: () => {} },
    );
    await eventually(async () => (await s.health()).fanoutGroups === 1);
    await gqlOk(s, CREATE, { i: { title: 'After the flood', description: CLEAR_DESCRIPTION } }, tokens[0]);
    await eventually(() => seen.includes('After the flood'));
  }, (SECONDS + 90) * 1000);
});
