/**
 * The server as its own process, started the way `npm start` starts it (`node
 * scripts/build-server.mjs`, then `node dist/src/server/index.js`), so a test can SIGKILL it:
 * a crash of the real process, not a `stop()` of an app in the test's own heap.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

/** Compile src/ to dist/ (skipped when dist/ is up to date, see the script). */
export function buildServer(): void {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
}

export { freePort } from '../utils/ports.js';
import { freePort } from '../utils/ports.js';

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

export const RUNNING = /conveyor is running: (http:\/\/[^\s/]+)\//;

export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  // The environment a user has: none of the test runner's variables (NODE_ENV=test, VITEST) nor
  // CI's DATABASE_URL/REDIS_URL, which would select the production stores.
  const { NODE_ENV: _n, VITEST: _v, DATABASE_URL: _d, REDIS_URL: _r, JWT_SECRET: _j, ...userEnv } = process.env;
  const node = [process.execPath, '--enable-source-maps', 'dist/src/server/index.js'];
  const [command, ...args] = options.user
    ? ['setpriv', `--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, '--clear-groups', ...node]
    : node;
  const child = spawn(command, args, {
    env: { ...userEnv, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: options.dataDir, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const ready = options.ready ?? RUNNING;
  const url = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => reject(new Error(`server not up in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? `http://127.0.0.1:${port}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was up:\n${output}`));
    });
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { url, child, output: () => output, exited, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
