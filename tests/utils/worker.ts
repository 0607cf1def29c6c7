/** `conveyor worker` as its own process, as a user runs it (tests/e2e worker tests). */
import type { ChildProcess } from 'node:child_process';
import { runProcess } from './process.js';

export interface WorkerProcess {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | NodeJS.Signals>;
}

/** Starts the worker printing to a buffer; resolves once it registered and waits for tasks. */
export async function spawnWorker(url: string, name: string, token: string, args: string[], track: ChildProcess[]): Promise<WorkerProcess> {
  const worker = runProcess('node', ['bin/conveyor.mjs', 'worker', '--url', url, '--name', name, '--token', token, ...args], {
    env: { ...process.env, NODE_ENV: 'production' },
  });
  track.push(worker.child);
  await worker.waitFor(/waiting for tasks/, 15_000);
  return { process: worker.child, output: worker.output, exited: worker.exited };
}
