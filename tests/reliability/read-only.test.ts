/**
 * A data directory the server may not write (issue 7): the real permission denial of a
 * directory and files owned by someone else, with the server running as an unprivileged user
 * (root ignores permission bits; see filesystems.ts). The server must neither exit nor loop
 * through restarts: it answers 503 with the reason, changes nothing on disk, and starts by itself
 * once the directory is writable again.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CREATE, allTasks, ok, readyz, request, signIn } from './client.js';
import { ownDir, unprivileged } from './filesystems.js';
import { checkLog } from './log-check.js';
import { RUNNING, buildServer, startServerProcess, type ServerProcess } from './server-process.js';
import { pollUntil } from '../utils/poll.js';

const WAITING = /conveyor is waiting: .* (http:\/\/[^\s/]+)\/readyz says why/;
const CLEAR = 'Add a dark theme toggle to the settings page, persisted per user, following the system preference.';

const eventually = pollUntil;

/** Each file's bytes, to show nothing was written while waiting. */
const contents = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('a data directory the server may not write', () => {
  let root = '';
  let server: ServerProcess | null = null;
  const start = (dataDir: string, ready?: RegExp) =>
    startServerProcess({ dataDir, user: unprivileged ?? undefined, ready, env: { SQLITE_SYNCHRONOUS: 'NORMAL' } });

  beforeAll(() => buildServer());

  afterEach(async () => {
    await server?.stop();
    server = null;
    rmSync(root, { recursive: true, force: true });
  });

  const fresh = () => {
    root = mkdtempSync(join(tmpdir(), 'conveyor-read-only-'));
    chmodSync(root, 0o755); // the unprivileged server must reach what is inside
    return root;
  };

  it('waits with 503s and the reason, writes nothing, and starts once it may write', async () => {
    const dataDir = join(fresh(), 'data');
    mkdirSync(dataDir);
    ownDir(dataDir, true);
    server = await start(dataDir);
    const token = await signIn(server.url, 'Ada', 'acme');
    const stored: string[] = [];
    for (let i = 0; i < 3; i++) {
      stored.push((await ok<{ createTask: { id: string } }>(server.url, CREATE, { title: `kept ${i}`, description: CLEAR }, token)).createTask.id);
    }
    await server.stop();
    const before = contents(dataDir);

    ownDir(dataDir, false);
    server = await start(dataDir, WAITING);
    const ready = await readyz(server.url);
    expect(ready).toMatchObject({ status: 503, body: { status: 'not ready', storage: 'read-only' } });
    const refused = await request(server.url, `query { tasks { nodes { id } } }`, {}, token);
    expect(refused).toMatchObject({ kind: 'refused', status: 503, code: 'SERVICE_UNAVAILABLE', extensions: { storage: 'read-only' } });
    expect(refused.kind === 'refused' && refused.message).toMatch(/read-only/);
    // Alive for a liveness probe (a restart would not help), not ready for a load balancer.
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ storage: 'read-only' });
    // Through a few retries, still there, still waiting, nothing on disk touched.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(server.child.exitCode).toBeNull();
    expect((await readyz(server.url)).status).toBe(503);
    expect(contents(dataDir)).toEqual(before);

    ownDir(dataDir, true);
    const up = await eventually(async () => server!.output(), (out) => RUNNING.test(out), 5000);
    expect(up).toMatch(RUNNING);
    expect(await eventually(() => readyz(server!.url), (r) => r.status === 200, 3000)).toMatchObject({ status: 200 });
    expect((await allTasks(server.url, token)).map((t) => t.id)).toEqual(expect.arrayContaining(stored));
    expect(await request(server.url, CREATE, { title: 'after', description: CLEAR }, token)).toMatchObject({ kind: 'ack' });
    await server.stop();
    expect(checkLog(dataDir).problems).toEqual([]);
  });

  it('waits for a data directory it cannot create, then starts on an empty one', async () => {
    const parent = join(fresh(), 'volume');
    mkdirSync(parent);
    ownDir(parent, false);
    const dataDir = join(parent, 'data');
    server = await start(dataDir, WAITING);
    expect(await readyz(server.url)).toMatchObject({ status: 503, body: { storage: 'read-only' } });
    ownDir(parent, true);
    expect(await eventually(async () => server!.output(), (out) => RUNNING.test(out), 5000)).toMatch(RUNNING);
    const token = await signIn(server.url, 'Ada', 'acme');
    expect(await request(server.url, CREATE, { title: 'first', description: CLEAR }, token)).toMatchObject({ kind: 'ack' });
  });
});
