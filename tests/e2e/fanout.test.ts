/**
 * The fan-out engine (src/server/ws/fanout.ts) against a real server and real graphql-ws clients:
 * subscribers sharing document, variables and org share one group, yet each still gets only what
 * it may see and asked for; a subscriber resuming from an old cursor catches up and joins the
 * live group without a gap or a repeat; a subscriber that stops reading is closed with 1013 and
 * resumes from its cursor with nothing lost.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { SLOW_CONSUMER_CLOSE } from '../../src/server/ws/fanout.js';
import type { Viewer } from '../../src/store/types.js';
import { CREATE_TASK, TASK_UPDATED, TIMELINE, type TaskUpdateData } from '../utils/documents.js';
import { serversPerTest } from '../utils/per-test.js';
import { eventually, gqlOk, headCursor, subscribe } from '../utils/server.js';

const perTest = serversPerTest();
const server = (env: Record<string, string> = {}) => perTest.server({ env });
const { client } = perTest;
const cursors = (sub: { received: TaskUpdateData[] }) => sub.received.map((d) => Number(d.taskUpdated.cursor));
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

describe('fan-out groups', () => {
  it('one group per org and document; visibility and filters still per subscriber', async () => {
    const s = await server();
    const ada = await s.token({ name: 'Ada', org: 'acme' });
    const bob = await s.token({ name: 'Bob', org: 'acme' });
    const eve = await s.token({ name: 'Eve', org: 'globex' });
    const head = await headCursor(s, ada);
    const all = { after: head };
    const mine = { after: head, filter: { scope: 'MINE' } };
    const adaAll = subscribe<TaskUpdateData>(client(s, ada), TASK_UPDATED, all);
    const bobAll = subscribe<TaskUpdateData>(client(s, bob), TASK_UPDATED, all);
    const adaMine = subscribe<TaskUpdateData>(client(s, ada), TASK_UPDATED, mine);
    const bobMine = subscribe<TaskUpdateData>(client(s, bob), TASK_UPDATED, mine);
    const eveAll = subscribe<TaskUpdateData>(client(s, eve), TASK_UPDATED, all);
    // acme/all, acme/mine (Ada and Bob share it: same variables), globex/all.
    await eventually(() => s.app.fanout.stats.members === 5 && s.app.fanout.stats.live === 5);
    expect(s.app.fanout.stats.groups).toBe(3);

    const create = (token: string, title: string, priv = false) =>
      gqlOk(s, CREATE_TASK, { input: { title, description: 'fix it', private: priv } }, token);
    const pub = (await create(ada, 'Public by Ada')).createTask.id;
    const secret = (await create(ada, 'Private by Ada', true)).createTask.id;
    const bobs = (await create(bob, 'Public by Bob')).createTask.id;
    const globex = (await create(eve, 'Globex task')).createTask.id;

    // Each create goes received → analyzing → needs_clarification: 3 events per task.
    await adaAll.waitFor(9);
    await bobAll.waitFor(6);
    await adaMine.waitFor(6);
    await bobMine.waitFor(3);
    await eveAll.waitFor(3);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would have arrived by now
    const ids = (sub: { received: TaskUpdateData[] }) => new Set(sub.received.map((d) => d.taskUpdated.task.id));
    expect(ids(adaAll)).toEqual(new Set([pub, secret, bobs]));
    expect(ids(bobAll)).toEqual(new Set([pub, bobs])); // never Ada's private task
    expect(ids(adaMine)).toEqual(new Set([pub, secret]));
    expect(ids(bobMine)).toEqual(new Set([bobs]));
    expect(ids(eveAll)).toEqual(new Set([globex]));
    for (const sub of [adaAll, bobAll, adaMine, bobMine, eveAll]) {
      expect(sub.received.length).toBe(ids(sub).size * 3);
      expect(increasing(cursors(sub))).toBe(true);
    }
    const privateSeen = adaAll.received.filter((d) => d.taskUpdated.task.id === secret);
    expect(privateSeen.map((d) => d.taskUpdated.task.private)).toEqual([true, true, true]);

    // Leaving ends membership; the last member out closes the group.
    for (const sub of [adaAll, bobAll, adaMine, bobMine, eveAll]) sub.unsubscribe();
    await eventually(() => s.app.fanout.stats.groups === 0 && s.app.fanout.stats.members === 0);
  });

  it('a subscriber resuming from an old cursor catches up, then joins the live group: no gap, no repeat', async () => {
    const s = await server();
    const ada = await s.token({ name: 'Ada', org: 'acme' });
    const viewer: Viewer = { id: 'acme/Ada', name: 'Ada', org: 'acme' };
    const first = await headCursor(s, ada);
    // A backlog of 900 events, written straight to the actors.
    for (let i = 0; i < 300; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          s.app.services.tasks.create(viewer, { title: `Backlog ${i + k}`, description: 'fix it' }),
        ),
      );
    }
    const live = subscribe<TaskUpdateData>(client(s, ada), TASK_UPDATED, {});
    await eventually(() => s.app.fanout.stats.live === 1);
    // Writes keep arriving while the second subscriber catches up.
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing) await s.app.services.tasks.create(viewer, { title: `Live ${n++}`, description: 'fix it' });
    })();
    const resumed = subscribe<TaskUpdateData>(client(s, ada), TASK_UPDATED, { after: first });
    await eventually(() => s.app.fanout.stats.live === 2, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    await writer;
    // The last creates' analyses still commit after the writer stops: wait for a quiet log.
    let head = -1;
    for (let quiet = 0; quiet < 3; ) {
      await new Promise((r) => setTimeout(r, 150));
      const now = await s.app.services.store.head();
      quiet = now === head ? quiet + 1 : 0;
      head = now;
    }
    await eventually(() => cursors(resumed).at(-1) === head && cursors(live).at(-1) === head, 10_000);

    const got = cursors(resumed);
    expect(increasing(got)).toBe(true);
    // Every task event in (first, head], each once: the log decides what "all" is.
    const { events } = await s.app.services.store.readAfter(Number(first), { entityType: 'task', limit: 100_000 });
    expect(got).toEqual(events.map((e) => e.cursor));
    // The live subscriber's events are the tail of the resumed one's.
    expect(got.slice(got.length - live.received.length)).toEqual(cursors(live));
  });
});

describe('routing by org', () => {
  it("a creator signed in with another org still sees their task's updates; that org's others do not", async () => {
    const s = await server();
    const atAcme = await s.token({ id: 'people/ada', name: 'Ada', org: 'acme' });
    const atGlobex = await s.token({ id: 'people/ada', name: 'Ada', org: 'globex' });
    const globexColleague = await s.token({ name: 'Gus', org: 'globex' });
    const head = await headCursor(s, atAcme);
    const adaElsewhere = subscribe<TaskUpdateData>(client(s, atGlobex), TASK_UPDATED, { after: head });
    const gus = subscribe<TaskUpdateData>(client(s, globexColleague), TASK_UPDATED, { after: head });
    await eventually(() => s.app.fanout.stats.live === 2);
    const id = (await gqlOk(s, CREATE_TASK, { input: { title: 'Made at acme', description: 'fix it' } }, atAcme)).createTask.id;
    await adaElsewhere.waitFor(3); // received → analyzing → needs_clarification
    expect(adaElsewhere.received.map((d) => d.taskUpdated.task.id)).toEqual([id, id, id]);
    // Gus is in the same group as Ada (globex, same document and variables) and sees nothing.
    const own = (await gqlOk(s, CREATE_TASK, { input: { title: 'Made at globex', description: 'fix it' } }, globexColleague)).createTask.id;
    await gus.waitFor(3);
    expect(gus.received.map((d) => d.taskUpdated.task.id)).toEqual([own, own, own]);
    expect(s.app.fanout.stats.groups).toBe(1);
  });
});

describe('grouped subscriptions that cannot start', () => {
  it('answer with a coded error, join no group, and leave the socket serving', async () => {
    const s = await server();
    const ada = await s.token({ name: 'Ada', org: 'acme' });
    const ws = client(s, ada);
    const cases: [string, Record<string, unknown>, string][] = [
      [TIMELINE, { taskId: 'no-such-task' }, 'NOT_FOUND'],
      [TASK_UPDATED, { after: '999999999' }, 'BAD_USER_INPUT'],
      [TASK_UPDATED, { after: 42 }, 'BAD_USER_INPUT'], // a String variable given a number
      [TASK_UPDATED, { filter: { scope: 'NOBODY' } }, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, code] of cases) {
      const sub = subscribe(ws, query, variables);
      await sub.done;
      expect(sub.received).toEqual([]);
      expect(JSON.stringify(sub.errors), JSON.stringify(variables)).toContain(code);
    }
    expect(s.app.fanout.stats).toMatchObject({ groups: 0, members: 0, live: 0 });
    // The same socket still subscribes and delivers.
    const head = await headCursor(s, ada);
    const live = subscribe<TaskUpdateData>(ws, TASK_UPDATED, { after: head });
    await gqlOk(s, CREATE_TASK, { input: { title: 'After the errors', description: 'fix it' } }, ada);
    await live.waitFor(1);
    expect(live.received[0].taskUpdated.task.title).toBe('After the errors');
  });
});

describe('slow consumers', () => {
  it('a subscriber that stops reading is closed with 1013; resuming from its cursor loses nothing', async () => {
    const s = await server({ WS_MAX_BUFFERED_BYTES: '16384' });
    const ada = await s.token({ name: 'Ada', org: 'acme' });
    const viewer: Viewer = { id: 'acme/Ada', name: 'Ada', org: 'acme' };
    const first = await headCursor(s, ada);
    const sockets: WebSocket[] = [];
    const slow = createClient({
      url: s.wsUrl,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols);
          sockets.push(this);
        }
      },
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${ada}` },
      onNonLazyError: () => {},
    });
    perTest.defer(async () => void (await slow.dispose()));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => slow.on('closed', (e) => resolve(e as never)));
    const received: TaskUpdateData[] = [];
    // Big payloads (description) so the socket backs up quickly.
    slow.subscribe<TaskUpdateData>(
      { query: `subscription($after: String) { taskUpdated(after: $after) { cursor task { id description } } }`, variables: { after: first } },
      { next: ({ data }) => data && received.push(data), error: () => {}, complete: () => {} },
    );
    await eventually(() => s.app.fanout.stats.live === 1);
    // Stop reading: the kernel buffers fill, then the server's queue grows past 16 KB.
    (sockets[0] as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const description = 'x'.repeat(4000);
    for (let i = 0; i < 40 && s.app.fanout.stats.members > 0; i++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => s.app.services.tasks.create(viewer, { title: `T${i}-${k}`, description })),
      );
    }
    await eventually(() => s.app.fanout.stats.members === 0, 10_000);
    (sockets[0] as unknown as { _socket: { resume(): void } })._socket.resume();
    const close = await closed;
    expect(close.code).toBe(SLOW_CONSUMER_CLOSE);
    expect(close.reason).toMatch(/slow consumer/i);
    const before = received.length;
    expect(before).toBeGreaterThan(0);

    // Resume from the last cursor it saw, as the dashboard and the graphql-ws retry path do.
    const resumed = subscribe<TaskUpdateData>(client(s, ada), TASK_UPDATED, { after: received.at(-1)!.taskUpdated.cursor });
    // The tasks' analyses go on committing for a while: compare with the log once it is quiet.
    for (let head = -1; head !== (await s.app.services.store.head()); ) {
      head = await s.app.services.store.head();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const { events } = await s.app.services.store.readAfter(Number(first), { entityType: 'task', limit: 100_000 });
    await resumed.waitFor(events.length - before, 20_000);
    const all = [...received.map((d) => Number(d.taskUpdated.cursor)), ...cursors(resumed)];
    expect(all).toEqual(events.map((e) => e.cursor));
  });
});
