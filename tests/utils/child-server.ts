/**
 * Starts tests/utils/probed-server.ts as a child process (tests/utils/process.ts) and talks to it: what the process
 * reports over IPC (heap after GC, active resources), what the kernel reports about it from the
 * outside (/proc/<pid>/status VmRSS, /proc/<pid>/fd), and its /healthz over HTTP.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Viewer } from '../../src/store/types.js';
import type { Probe, ProbeRequest } from './probed-server.js';
import { runProcess } from './process.js';

type Request = ProbeRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface Health {
  connections: number;
  subscriptions: number;
  fanoutGroups: number;
  errors: number;
  cursor: number;
}

export interface ChildServer {
  url: string;
  wsUrl: string;
  pid: number;
  child: ChildProcess;
  probe(): Promise<Probe>;
  /** The heap after collections that no longer free anything. */
  heap(): Promise<number>;
  /** Commit `tasks` tasks in the server process; resolves with the log head after them. */
  burst(viewer: Viewer, tasks: number, description: string, concurrency?: number): Promise<number>;
  /** Every task event cursor after `after`, from the log. */
  cursors(after: number): Promise<number[]>;
  token(viewer: Viewer): Promise<string>;
  health(): Promise<Health>;
  /** Resident set size from /proc (kB → bytes): no cooperation from the process needed. */
  rss(): number;
  /** Open file descriptors (sockets, the database, pipes), from /proc. */
  fds(): number;
  stop(): Promise<void>;
}

/** The probed server on a fresh data directory (deleted by `stop()`), with `env` on top of the test's. */
export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-reliability-'));
  const { NODE_ENV: _n, VITEST: _v, DATABASE_URL: _d, REDIS_URL: _r, ...inherited } = process.env;
  const server = runProcess(new URL('./probed-server.ts', import.meta.url).pathname, [], {
    fork: { execArgv: ['--expose-gc', '--import', 'tsx'] },
    inherit: true,
    env: {
      ...inherited,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      JWT_SECRET: 'reliability-secret-long-enough-for-hs256!!',
      RATE_LIMIT_MUTATIONS: '100000000',
      ...env,
    },
  });
  const { child, exited } = server;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
    const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { ready?: string; id?: number; value?: unknown; error?: string }) => {
      if (m.ready) return resolve(m.ready);
      const waiter = pending.get(m.id!);
      pending.delete(m.id!);
      if (m.error) waiter?.reject(new Error(m.error));
      else waiter?.resolve(m.value);
    });
    void exited.then((code) => {
      reject(new Error(`probed server exited with ${code} before it was ready`));
      for (const w of pending.values()) w.reject(new Error(`probed server exited with ${code}`));
    });
  });
  const ask = <T>(request: Request) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id });
    });
  const pid = child.pid!;
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    pid,
    child,
    probe: () => ask<Probe>({ cmd: 'probe' }),
    heap: () => ask<number>({ cmd: 'heap' }),
    burst: (viewer, tasks, description, concurrency = 50) => ask<number>({ cmd: 'burst', viewer, tasks, description, concurrency }),
    cursors: (after) => ask<number[]>({ cmd: 'cursors', after }),
    token: (viewer) => ask<string>({ cmd: 'token', viewer }),
    health: async () => (await (await fetch(`${url}/healthz`)).json()) as Health,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024,
    fds: () => readdirSync(`/proc/${pid}/fd`).length,
    stop: async () => {
      await server.stop('SIGTERM', 10_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const MB = 1024 * 1024;
export const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
