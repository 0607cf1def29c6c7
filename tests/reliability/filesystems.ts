/**
 * Real storage faults for the reliability tests: a size-limited tmpfs that fills up (ENOSPC), and
 * a user whom file permissions bind. Tests run as root here, and root ignores permission bits, so
 * "read-only" is made real by running the server as `nobody` (setpriv) rather than by chmod alone.
 */
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
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

/**
 * A file system that turns read-only under the running server, as ext4 does (`errors=remount-ro`)
 * when it finds an error: a loop-mounted ext4 image whose error is triggered through sysfs. A
 * remount to read-only would be refused while the database is open for writing (EBUSY); this is
 * the way a disk really goes read-only under a process.
 */
export interface BreakableDisk {
  dir: string;
  /** Make the file system fail now: it goes read-only under every open file. */
  fail(): void;
  /**
   * Make it fail `ms` from now, from another process: a failure that can land in the middle of a
   * write or an fsync of this one (a timer here fires only between this thread's calls).
   */
  failIn(ms: number): Promise<void>;
  /** What an operator does: unmount, fsck, mount again (the server must have exited). */
  repair(): void;
  dispose(): void;
}

export const canBreakDisk: boolean = (() => {
  if (!canMount) return false;
  const image = join(mkdtempSync(join(tmpdir(), 'conveyor-ext4-probe-')), 'image');
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-ext4-probe-mnt-'));
  try {
    run('truncate', ['-s', '8M', image]);
    run('mkfs.ext4', ['-q', '-F', image]);
    run('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
    const trigger = triggerPath(dir);
    run('umount', [dir]);
    return trigger !== null;
  } catch (error) {
    console.warn(`Read-only-under-load tests skipped: no loop-mounted ext4 here (${(error as Error).message.split('\n')[0]}).`);
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(image, '..'), { recursive: true, force: true });
  }
})();

function triggerPath(dir: string): string | null {
  const device = execFileSync('findmnt', ['-n', '-o', 'SOURCE', dir]).toString().trim();
  const path = `/sys/fs/ext4/${device.replace('/dev/', '')}/trigger_fs_error`;
  return existsSync(path) ? path : null;
}

export function mountBreakableDisk(sizeBytes: number): BreakableDisk {
  const home = mkdtempSync(join(tmpdir(), 'conveyor-ext4-'));
  const image = join(home, 'image');
  const dir = join(home, 'mnt');
  mkdirSync(dir);
  run('truncate', ['-s', String(sizeBytes), image]);
  run('mkfs.ext4', ['-q', '-F', image]);
  const mount = () => run('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
  mount();
  return {
    dir,
    fail() {
      writeFileSync(triggerPath(dir)!, 'conveyor reliability test: simulated disk error\n');
    },
    failIn(ms) {
      const script = `sleep ${(ms / 1000).toFixed(3)}; echo 'conveyor reliability test: simulated disk error' > "$0"`;
      return new Promise((resolve, reject) =>
        execFile('sh', ['-c', script, triggerPath(dir)!], (error) => (error ? reject(error) : resolve())),
      );
    },
    repair() {
      run('umount', [dir]);
      try {
        run('e2fsck', ['-fy', image]);
      } catch (error) {
        // e2fsck exits 1 when it fixed something: that is the repair working.
        if ((error as { status?: number }).status !== 1) throw error;
      }
      mount();
    },
    dispose() {
      try {
        run('umount', [dir]);
      } catch (error) {
        // Already unmounted by a repair that failed half-way: only the files are left.
        console.warn(`umount ${dir}: ${(error as Error).message.split('\n')[0]}`);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
