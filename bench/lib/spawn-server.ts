/**
 * Start a benchmark server process and wait for its `READY <port>` line on stdout (every server
 * under bench/servers prints one), for bench/run.ts and the growth scenario alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
}

/** `command` is the program and its arguments (a `taskset` prefix included, where pinned). */
export async function spawnServer(name: string, command: string[], env: NodeJS.ProcessEnv): Promise<SpawnedServer> {
  const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}
