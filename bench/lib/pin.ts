/**
 * Pinning bench processes to cores (`taskset`), so a server and the load on it do not take each
 * other's CPU: the server on core 0, loaders and clients on core 1. Where the machine has one
 * core or no taskset, nothing is pinned and the bench says so.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** `taskset -c <core>` in front of a command when there are two cores and taskset works. */
export function pinning(): ((core: number) => string[]) | null {
  if (availableParallelism() < 2) return null;
  try {
    execFileSync('taskset', ['-c', '1', 'true'], { stdio: 'ignore' });
    return (core) => ['taskset', '-c', String(core)];
  } catch {
    return null;
  }
}

/** Pin a running process, every thread of it, to `core`; false where pinning is not possible. */
export function pinProcess(pid: number | undefined, core: number): boolean {
  if (pid === undefined || pinning() === null) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
