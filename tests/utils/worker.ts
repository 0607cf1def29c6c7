/** `conveyor worker` as its own process, as a user runs it (tests/e2e worker tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import { eventually } from './server.js';

export interface WorkerProcess {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the worker printing to a buffer; resolves once it registered and waits for tasks. */
export async function spawnWorker(url: string, name: string, token: string, args: string[], track: ChildProcess[]): Promise<WorkerProcess> {
  const child = spawn('node', ['bin/conveyor.mjs', 'worker', '--url', url, '--name', name, '--token', token, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  track.push(child);
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await eventually(() => out.includes('waiting for tasks') || child.exitCode !== null, 15_000);
  if (child.exitCode !== null) throw new Error(`worker ${name} exited: ${out}`);
  return { process: child, output: () => out, exited };
}
