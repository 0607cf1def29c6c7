/**
 * The one child-process harness of the tests: conveyor (server, demo, worker, check), the bench
 * and soak commands, and the probed servers of tests/utils/child-server.ts all start through
 * `runProcess`, which captures what the process prints, waits for the line that says it is up,
 * and stops it (its whole process group when detached).
 */
import { execFileSync, fork, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

/** Compile src/ to dist/ (skipped when dist/ is up to date, see the script), as `npm start` does. */
export function buildServer({ client = false }: { client?: boolean } = {}): void {
  const scripts = client ? ['scripts/ensure-client.mjs', 'scripts/build-server.mjs'] : ['scripts/build-server.mjs'];
  for (const script of scripts) execFileSync(process.execPath, [script], { stdio: 'inherit' });
}

/**
 * The environment a user has, with `extra` on top: none of the test runner's variables
 * (NODE_ENV=test, VITEST), nor CI's DATABASE_URL/REDIS_URL, which would select the production
 * stores, nor a JWT_SECRET, which would turn dev sign-in off.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_ENV: _n, VITEST: _v, DATABASE_URL: _d, REDIS_URL: _r, JWT_SECRET: _j, ...env } = process.env;
  return { ...env, ...extra };
}

export interface ProcessOptions {
  /** The whole environment. @default userEnv() */
  env?: NodeJS.ProcessEnv;
  /** Its own process group, so `stop()` ends what it starts too (npm → node). */
  detached?: boolean;
  /** `pipe` to write to it (`child.stdin`). @default 'ignore' */
  stdin?: 'ignore' | 'pipe';
  /** Run `command` as a Node module with an IPC channel (`child.send`), under these Node flags. */
  fork?: { execArgv: string[] };
  /** Let it print to the test's own stdout and stderr instead of capturing (`output()` stays empty). */
  inherit?: boolean;
}

export interface RunningProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for assertions and failure messages. */
  output(): string;
  /** Resolves with the exit code (or the signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
  /** The first match of `pattern` in its output; rejects (with the output) if it exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /**
   * Send `signal` (to its process group when detached) unless it has exited, and wait for the
   * exit; after `killAfterMs` it gets a SIGKILL. @default SIGTERM, no SIGKILL
   */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | NodeJS.Signals>;
}

export function runProcess(command: string, args: string[], options: ProcessOptions = {}): RunningProcess {
  const stdio: StdioOptions = [options.stdin ?? 'ignore', options.inherit ? 'inherit' : 'pipe', options.inherit ? 'inherit' : 'pipe'];
  const env = options.env ?? userEnv();
  const child = options.fork
    ? fork(command, args, { execArgv: options.fork.execArgv, env, stdio: [...stdio, 'ipc'], detached: options.detached })
    : spawn(command, args, { env, stdio, detached: options.detached });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let hasExited = false;
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve(code ?? signal ?? -1);
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${command} ${args.join(' ')}: no ${pattern} in ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`${command} ${args.join(' ')} exited with ${code} before ${pattern}:\n${output}`));
      });
    });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', killAfterMs?: number) => {
    const send = (name: NodeJS.Signals) => {
      if (hasExited) return;
      if (options.detached) process.kill(-child.pid!, name);
      else child.kill(name);
    };
    send(signal);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => send('SIGKILL'), killAfterMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { child, output: () => output, exited, waitFor, stop };
}

/** Run to its end: its exit code (or signal) and everything it printed. */
export async function runToExit(command: string, args: string[], options: ProcessOptions = {}): Promise<{ code: number | NodeJS.Signals; output: string }> {
  const run = runProcess(command, args, options);
  const code = await run.exited;
  return { code, output: run.output() };
}

/** The line a conveyor server prints once it listens (src/server/index.ts), its URL captured. */
export const RUNNING = /conveyor is running: (http:\/\/[^\s/]+)\//;
/** The line `conveyor demo` prints once its server and workers are up, its URL captured. */
export const DEMO_RUNNING = /conveyor demo running: (http:\/\/[^\s/]+)/;
