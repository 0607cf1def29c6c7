/**
 * The server as its own process, started the way `npm start` starts it (`node
 * scripts/build-server.mjs`, then `node dist/src/server/index.js`), so a test can SIGKILL it:
 * a crash of the real process, not a `stop()` of an app in the test's own heap.
 */
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../utils/ports.js';
import { RUNNING, runProcess, userEnv } from '../utils/process.js';

export { buildServer, RUNNING } from '../utils/process.js';
export { freePort } from '../utils/ports.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
  /** kill -9: no shutdown hook runs. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown of index.ts. */
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** Run as this uid/gid (through `setpriv`), e.g. an unprivileged user whom permissions bind. */
  user?: { uid: number; gid: number };
  /** The stdout line that says it is up. @default the "conveyor is running" line */
  ready?: RegExp;
  timeoutMs?: number;
}

export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const node = [process.execPath, '--enable-source-maps', 'dist/src/server/index.js'];
  const [command, ...args] = options.user
    ? ['setpriv', `--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, '--clear-groups', ...node]
    : node;
  const server = runProcess(command, args, {
    env: userEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: options.dataDir, LOG_LEVEL: 'warn', ...options.env }),
  });
  const match = await server.waitFor(options.ready ?? RUNNING, options.timeoutMs ?? 20_000);
  return {
    url: match[1] ?? `http://127.0.0.1:${port}`,
    child: server.child,
    output: server.output,
    exited: server.exited,
    kill: async () => void (await server.stop('SIGKILL')),
    stop: async () => void (await server.stop('SIGTERM')),
  };
}
