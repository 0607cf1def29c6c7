/**
 * The disk goes read-only under the running server (issue 7): ext4 with `errors=remount-ro`
 * meeting an error, the way production disks fail (filesystems.ts). Writes must be refused with a
 * coded error and nothing half-written, reads and the process go on, /readyz says why; after the
 * operator's repair (fsck, mount again, restart), everything acknowledged is there.
 *
 * SQLITE_SYNCHRONOUS=FULL: the file system throws away what it had not written when it fails, as
 * power loss does, and only FULL (fsync per commit) promises acknowledged commits survive that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE, TASK, allTasks, ok, readyz, request, signIn } from './client.js';
import { canBreakDisk, mountBreakableDisk, type BreakableDisk } from './filesystems.js';
import { checkLog } from './log-check.js';
import { buildServer, startServerProcess, type ServerProcess } from './server-process.js';

const CLEAR = 'Add a dark theme toggle to the settings page, persisted per user, following the system preference.';

describe.skipIf(!canBreakDisk)('a disk that goes read-only under load', () => {
  let disk: BreakableDisk;
  let server: ServerProcess | null = null;

  beforeAll(() => {
    buildServer();
    disk = mountBreakableDisk(32 * 1024 * 1024);
  });

  afterAll(async () => {
    await server?.kill();
    disk?.dispose();
  });

  it('refuses writes with the reason, keeps reads, and loses nothing acknowledged', async () => {
    const dataDir = `${disk.dir}/data`;
    const env = { SQLITE_SYNCHRONOUS: 'FULL', RATE_LIMIT_MUTATIONS: '1000000' };
    server = await startServerProcess({ dataDir, env });
    const token = await signIn(server.url, 'Ada', 'acme');
    const url = server.url;
    const acknowledged: string[] = [];
    // Writers keep going while the disk fails under them (whether an acknowledgement told the
    // truth is checked after the repair).
    const refusals: Awaited<ReturnType<typeof request>>[] = [];
    const writers = [0, 1, 2].map(async (w) => {
      for (let i = 0; refusals.length < 10; i++) {
        const outcome = await request<{ createTask: { id: string } }>(url, CREATE, { title: `w${w} ${i}`, description: CLEAR }, token);
        if (outcome.kind === 'ack') acknowledged.push(outcome.data.createTask.id);
        else refusals.push(outcome);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    disk.fail();
    await Promise.all(writers);
    expect(acknowledged.length, 'writes went through before the failure').toBeGreaterThan(0);

    expect(refusals.at(-1)).toMatchObject({ kind: 'refused', status: 503, code: 'SERVICE_UNAVAILABLE', extensions: { storage: 'read-only' } });
    expect(await readyz(url)).toMatchObject({ status: 503, body: { status: 'not ready', storage: 'read-only' } });
    const { task } = await ok<{ task: { id: string } }>(url, TASK, { id: acknowledged[0] }, token);
    expect(task.id).toBe(acknowledged[0]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(server.child.exitCode).toBeNull();

    // The operator's part: stop it, repair the file system, start again.
    await server.stop();
    disk.repair();
    expect(checkLog(dataDir).problems).toEqual([]);
    server = await startServerProcess({ dataDir, env });
    const after = (await allTasks(server.url, token)).map((t) => t.id);
    expect(after).toEqual(expect.arrayContaining(acknowledged));
    expect(await request(server.url, CREATE, { title: 'repaired', description: CLEAR }, token)).toMatchObject({ kind: 'ack' });
  }, 60_000);
});
