/**
 * Real storage faults for the reliability tests: a size-limited tmpfs that fills up (ENOSPC), and
 * a user whom file permissions bind. Tests run as root here, and root ignores permission bits, so
 * "read-only" is made real by running the server as `nobody` (setpriv) rather than by chmod alone.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe' });

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as in CI here). */
export const canMount: boolean = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-mount-probe-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    run('umount', [dir]);
    return true;
  } catch (error) {
    console.warn(`Full-disk tests skipped: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}).`);
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

export interface SmallDisk {
  dir: string;
  /** Take every free byte (a filler file); resolves with how many bytes it took. */
  fill(): number;
  /** Delete the filler. */
  free(): void;
  dispose(): void;
}

export function mountSmallDisk(sizeBytes: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-small-disk-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 1);
      let taken = 0;
      try {
        for (;;) taken += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      return taken;
    },
    free() {
      rmSync(filler, { force: true });
    },
    dispose() {
      run('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Root: `nobody` (permissions bind it). Anyone else: no switch needed, chmod binds them. */
export const unprivileged: { uid: number; gid: number } | null = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null;

/** Hand a directory (recursively) to the user the server runs as, or take it away (to root). */
export function ownDir(dir: string, writable: boolean): void {
  if (unprivileged) {
    run('chown', ['-R', writable ? `${unprivileged.uid}:${unprivileged.gid}` : '0:0', dir]);
  } else {
    run('chmod', [writable ? 'u+w' : 'a-w', dir]);
  }
}
