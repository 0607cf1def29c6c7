/**
 * ActorHost (src/runtime/host.ts) against a real SqliteStore: refusals store nothing, a batch of
 * ops commits all or nothing, versions count 1..n per entity, `after` delays become deadline rows
 * (and `xstate.cancel` removes them), pending effects survive a restart, stale effect results are
 * dropped, and version conflicts are retried until they surface as CONFLICT.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/memory.js';
import type { Bus } from '../../src/bus/types.js';
import type { EffectRegistry } from '../../src/effects/types.js';
import { DomainError, ErrorCode } from '../../src/errors.js';
import { ActorHost, committedView, type HostOptions, type Op } from '../../src/runtime/host.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { StoreUnavailableError, VersionConflictError, type EventStore, type LogEvent } from '../../src/store/types.js';
import { agentInput, AT, taskInput } from '../machines/fixtures.js';
import { eventually } from '../utils/server.js';

const T0 = Date.parse(AT);
const logger = pino({ level: 'silent' });

const createTask = (id: string): Op => ({ kind: 'create', entityType: 'task', id, input: taskInput({ id, title: `Task ${id}` }) });
const createAgent = (id: string): Op => ({ kind: 'create', entityType: 'agent', id, input: agentInput({ id, name: `worker-${id}` }) });
const sendTask = (id: string, event: Record<string, unknown> & { type: string }, extra: Partial<Op> = {}): Op =>
  ({ kind: 'send', entityType: 'task', id, event, ...extra }) as Op;
const sendAgent = (id: string, event: Record<string, unknown> & { type: string }, extra: Partial<Op> = {}): Op =>
  ({ kind: 'send', entityType: 'agent', id, event, ...extra }) as Op;

const hosts: ActorHost[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
  for (const store of stores.splice(0)) await store.close();
});

function openStore(file = ':memory:'): SqliteStore {
  const store = new SqliteStore({ file });
  stores.push(store);
  return store;
}

interface Harness {
  host: ActorHost;
  store: EventStore;
  now: { ms: number };
  earliest: number[];
}

function makeHost(
  options: {
    store?: EventStore;
    effects?: EffectRegistry;
    instanceHeartbeatMs?: number;
    cacheSize?: number;
    feed?: HostOptions['feed'];
    bus?: Bus;
  } = {},
): Harness {
  const store = options.store ?? openStore();
  const now = { ms: T0 };
  const earliest: number[] = [];
  const host = new ActorHost({
    store,
    bus: options.bus ?? new MemoryBus(),
    feed: options.feed,
    effects: options.effects ?? {},
    logger,
    clock: () => now.ms,
    onDeadlines: (at) => earliest.push(at),
    instanceHeartbeatMs: options.instanceHeartbeatMs,
    cacheSize: options.cacheSize,
  });
  hosts.push(host);
  return { host, store, now, earliest };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const allEvents = async (store: EventStore) => (await store.readAfter(0, { limit: 1000 })).events;
const deadlinesOf = async (store: EventStore, id: string) =>
  (await store.dueDeadlines(Number.MAX_SAFE_INTEGER, 1000)).filter((d) => d.entityId === id);
const never = () => new Promise<never>(() => {});

describe('ActorHost', () => {
  it('refuses an event the actor does not accept with INVALID_TRANSITION and stores nothing', async () => {
    const { host, store } = makeHost();
    await host.execute([createTask('t1')], 'Ada');
    const error = await refusal(host.execute([sendTask('t1', { type: 'PR_MERGED', sha: 'x', mergedAt: 'y' })], 'Ada'));
    expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(error.details).toMatchObject({ id: 't1', status: 'received', event: 'PR_MERGED' });
    expect((await store.load('t1'))?.version).toBe(1);
    expect((await allEvents(store)).map((e) => e.type)).toEqual(['CREATED']);
  });

  it('an unknown entity is NOT_FOUND', async () => {
    const { host } = makeHost();
    expect((await refusal(host.execute([sendTask('nope', { type: 'CANCEL' })], 'Ada'))).code).toBe(ErrorCode.NOT_FOUND);
    // An entity of the other type with that id is not found either.
    await host.execute([createAgent('a1')], 'Ada');
    expect((await refusal(host.execute([sendTask('a1', { type: 'CANCEL' })], 'Ada'))).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('commits a multi-entity op list atomically: one refused op and none is stored', async () => {
    const { host, store } = makeHost();
    await host.execute([createTask('t1')], 'Ada');
    const headBefore = await store.head();
    const error = await refusal(
      host.execute([createAgent('a1'), sendTask('t1', { type: 'CANCEL' }), sendTask('t1', { type: 'RETRY' })], 'Ada'),
    );
    expect(error.code).toBe(ErrorCode.INVALID_TRANSITION); // a cancelled task cannot be retried
    expect(await store.head()).toBe(headBefore);
    expect(await store.load('a1')).toBeNull();
    expect((await store.load('t1'))?.version).toBe(1);
    expect((await store.getTask('t1'))?.status).toBe('received');

    // The same list without the refused op: both entities in one commit, consecutive cursors.
    const events = await host.execute([createAgent('a1'), sendTask('t1', { type: 'CANCEL' })], 'Ada');
    expect(events.map((e) => [e.entityId, e.version, e.cursor])).toEqual([
      ['a1', 1, headBefore + 1],
      ['t1', 2, headBefore + 2],
    ]);
    expect((await store.getTask('t1'))?.status).toBe('cancelled');
  });

  it('skips an optional op the actor does not accept, and applies the rest', async () => {
    const { host, store } = makeHost();
    await host.execute([createTask('t1'), createAgent('a1')], 'Ada');
    const events = await host.execute(
      [
        sendTask('t1', { type: 'PR_MERGED', sha: 'x', mergedAt: 'y' }, { optional: true }),
        sendAgent('a1', { type: 'HEARTBEAT', at: new Date(T0 + 10).toISOString() }),
      ],
      'Ada',
    );
    expect(events.map((e) => [e.entityId, e.version])).toEqual([['a1', 2]]);
    expect((await store.load('t1'))?.version).toBe(1);
    // All optional and all refused: nothing to commit, no error.
    expect(await host.execute([sendTask('t1', { type: 'RETRY' }, { optional: true })], 'Ada')).toEqual([]);
    expect((await store.load('t1'))?.version).toBe(1);
  });

  it('numbers each entity’s versions 1..n, also for several ops on one entity in one batch', async () => {
    const { host, store, now } = makeHost();
    await host.execute([createAgent('a1'), createAgent('a2')], 'Ada');
    for (let i = 1; i <= 3; i++) {
      now.ms = T0 + i * 100;
      await host.execute([sendAgent('a1', { type: 'HEARTBEAT', at: new Date(now.ms).toISOString() })], 'a1');
    }
    // Assign then release in one batch: one change, two events, versions continue.
    const batch = await host.execute(
      [
        sendAgent('a2', { type: 'ASSIGN', taskId: 't9', at: new Date(now.ms).toISOString() }),
        sendAgent('a2', { type: 'RELEASE', taskId: 't9' }),
      ],
      'Ada',
    );
    expect(batch.map((e) => e.version)).toEqual([2, 3]);
    const versions = (id: string) =>
      allEvents(store).then((events) => events.filter((e) => e.entityId === id).map((e) => e.version));
    expect(await versions('a1')).toEqual([1, 2, 3, 4]);
    expect(await versions('a2')).toEqual([1, 2, 3]);
    expect((await store.load('a1'))?.version).toBe(4);
    expect((await store.load('a2'))?.version).toBe(3);
    expect((await store.getAgent('a2'))?.version).toBe(3);
  });

  it('stores `after` delays as deadline rows, re-arms them, and `xstate.cancel` removes them', async () => {
    const { host, store, now, earliest } = makeHost();
    await host.execute([createAgent('a1')], 'Ada');
    const [armed] = await deadlinesOf(store, 'a1');
    expect(armed).toMatchObject({ entityType: 'agent', entityId: 'a1', dueAt: T0 + 1000 });
    expect(armed.event.type).toBe(armed.key); // the delayed event XState raises
    expect(earliest).toEqual([T0 + 1000]);

    // A heartbeat cancels and re-raises the same timer: still one row, due later.
    now.ms = T0 + 500;
    await host.execute([sendAgent('a1', { type: 'HEARTBEAT', at: new Date(now.ms).toISOString() })], 'a1');
    expect(await deadlinesOf(store, 'a1')).toEqual([{ ...armed, dueAt: T0 + 1500 }]);

    // Signing off cancels it: no row left.
    await host.execute([sendAgent('a1', { type: 'DEREGISTER' })], 'a1');
    expect(await deadlinesOf(store, 'a1')).toEqual([]);
  });

  it('fires a deadline once: the commit consumes its row, a second firing is ignored', async () => {
    const { host, store } = makeHost({ effects: { analyze: never } });
    await host.execute([createTask('t1')], 'Ada');
    const [deadline] = await deadlinesOf(store, 't1');
    expect(deadline).toMatchObject({ key: 'xstate.after.0.task.active.received', dueAt: T0 });
    await host.fireDeadline(deadline);
    expect(await deadlinesOf(store, 't1')).toEqual([]);
    expect((await store.getTask('t1'))?.status).toBe('analyzing');
    await host.fireDeadline(deadline); // stale: consumed already
    expect((await store.load('t1'))?.version).toBe(2);
  });

  it('stores a pending effect with the state and re-runs it in a new host on the same store', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'host-')), 'db');
    const first = openStore(file);
    let firstCalls = 0;
    const a = makeHost({ store: first, effects: { analyze: () => (firstCalls++, never()) } });
    await a.host.start();
    await a.host.execute([createTask('t1')], 'Ada');
    await a.host.fireDeadline((await deadlinesOf(first, 't1'))[0]);
    await eventually(() => firstCalls === 1);
    const record = await first.load('t1');
    expect(record?.effects).toEqual([
      {
        id: 'analyze',
        src: 'analyze',
        input: { title: 'Task t1', description: 'Add a dark theme', clarifications: [] },
        epoch: 2,
      },
    ]);
    await a.host.stop();
    await first.close();
    stores.splice(stores.indexOf(first), 1);

    // "Restart": a new store on the same file and a new host; its start() adopts the effect.
    const second = openStore(file);
    const inputs: unknown[] = [];
    const b = makeHost({
      store: second,
      effects: {
        analyze: async (input: unknown) => (inputs.push(input), { verdict: 'dispatch' }),
        openIssue: async () => ({ number: 7, url: 'https://example.test/issues/7' }),
      },
    });
    await b.host.start();
    await eventually(async () => (await second.getTask('t1'))?.issue !== null);
    expect((await second.load('t1'))?.state.value).toEqual({ active: { dispatched: 'queued' } });
    expect(inputs).toEqual([record!.effects[0].input]);
    const types = (await allEvents(second)).map((e) => e.type);
    expect(types).toEqual(['CREATED', 'ANALYSIS_STARTED', 'DISPATCHED', 'ISSUE_OPENED']);
    expect((await second.load('t1'))?.effects).toEqual([]);
  });

  it('drops an effect result for an old epoch, or for an effect no longer pending', async () => {
    let finish!: (output: unknown) => void;
    const { host, store } = makeHost({ effects: { analyze: () => new Promise((resolve) => (finish = resolve)) } });
    await host.execute([createTask('t1')], 'Ada');
    await host.fireDeadline((await deadlinesOf(store, 't1'))[0]);
    const done = { type: 'xstate.done.actor.analyze', output: { verdict: 'dispatch' } };

    // A result carrying another epoch than the pending effect's: dropped, nothing stored.
    expect(await host.execute([sendTask('t1', done, { ifEffect: { id: 'analyze', epoch: 1 } })], 'analyzer')).toEqual([]);
    expect((await store.load('t1'))?.version).toBe(2);

    // The task is cancelled while the analysis runs; the late result is dropped.
    await host.execute([sendTask('t1', { type: 'CANCEL' })], 'Ada');
    expect((await store.load('t1'))?.effects).toEqual([]);
    finish({ verdict: 'dispatch' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.load('t1'))?.version).toBe(3);
    expect((await store.getTask('t1'))?.status).toBe('cancelled');
    expect(await host.execute([sendTask('t1', done, { ifEffect: { id: 'analyze', epoch: 2 } })], 'analyzer')).toEqual([]);
  });

  it('delivers an effect result again (100, 200 ms…) while the store cannot take it, and stops waiting on stop()', async () => {
    const store = openStore();
    const commit = store.commit.bind(store);
    let refusing = 0;
    let refused = 0;
    store.commit = async (changes) => {
      if (refusing > 0 && changes.some((c) => c.events.some((e) => e.actor === 'analyzer'))) {
        refusing--;
        refused++;
        throw new StoreUnavailableError(new Error('disk full'));
      }
      return commit(changes);
    };
    const { host } = makeHost({ store, effects: { analyze: async () => ({ verdict: 'dispatch' }), openIssue: never } });
    await host.execute([createTask('t1')], 'Ada');
    refusing = 2;
    const started = Date.now();
    await host.fireDeadline((await deadlinesOf(store, 't1'))[0]);
    await eventually(async () => (await store.getTask('t1'))?.status !== 'analyzing');
    expect(refused).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290); // waited 100 ms, then 200 ms

    // Refused for good: stop() ends the wait for the next attempt, nothing more is tried.
    const second = makeHost({ store, effects: { analyze: async () => ({ verdict: 'dispatch' }) } });
    await second.host.execute([createTask('t2')], 'Ada');
    refusing = Infinity;
    refused = 0;
    await second.host.fireDeadline((await deadlinesOf(store, 't2'))[0]);
    await eventually(() => refused >= 1);
    await second.host.stop();
    const before = refused;
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(refused).toBe(before);
    expect((await store.getTask('t2'))?.status).toBe('analyzing');
  });

  it('keeps the `cacheSize` most recently used entities hot, and loads the others from the store', async () => {
    const store = openStore();
    const loaded: string[] = [];
    const load = store.load.bind(store);
    store.load = async (id) => (loaded.push(id), load(id));
    const { host } = makeHost({ store, cacheSize: 2 });
    for (const id of ['a1', 'a2', 'a3']) await host.execute([createAgent(id)], 'Ada');
    await host.execute([sendAgent('a3', { type: 'HEARTBEAT', at: '1' })], 'a3');
    await host.execute([sendAgent('a2', { type: 'HEARTBEAT', at: '1' })], 'a2');
    expect(loaded).toEqual([]);
    await host.execute([sendAgent('a1', { type: 'HEARTBEAT', at: '1' })], 'a1'); // evicted by a3
    expect(loaded).toEqual(['a1']);
    await host.execute([sendAgent('a2', { type: 'HEARTBEAT', at: '2' })], 'a2'); // still hot
    await host.execute([sendAgent('a3', { type: 'HEARTBEAT', at: '2' })], 'a3'); // evicted by a1
    expect(loaded).toEqual(['a1', 'a3']);
  });

  it('answers with the committed events, each with its entity’s view as the read model has it', async () => {
    const { host, store } = makeHost();
    const events = await host.execute([createTask('t1'), createAgent('a1'), sendAgent('a1', { type: 'HEARTBEAT', at: 'x' })], 'Ada');
    expect(committedView(events, 'task', 't1')).toEqual(await store.getTask('t1'));
    expect(committedView(events, 'agent', 'a1')).toEqual(await store.getAgent('a1'));
    expect(committedView(events, 'agent', 'a1').version).toBe(2); // the last of its events
    expect(() => committedView(events, 'agent', 't1')).toThrow(/no event of agent t1/);
  });

  it('hands every commit to the feed as committed, before the doorbell rings', async () => {
    const order: string[] = [];
    const fed: LogEvent[][] = [];
    const bus = new MemoryBus();
    bus.onNotify((cursor) => order.push(`ring ${cursor}`));
    const notify = bus.notify.bind(bus);
    bus.notify = (cursor) => (order.push(`notify ${cursor}`), notify(cursor));
    const { host } = makeHost({ bus, feed: { committed: (events) => (fed.push(events), order.push(`feed ${events.at(-1)?.cursor}`)) } });
    const events = await host.execute([createTask('t1'), createAgent('a1')], 'Ada');
    await eventually(() => order.length === 3);
    expect(fed).toEqual([events]);
    expect(order).toEqual(['feed 2', 'notify 2', 'ring 2']);
  });

  /** A task and an agent working it (assigned, as the orchestrator does it), the agent not hot. */
  async function assigned(harness: Harness) {
    const { host, store } = harness;
    await host.execute([createTask('t1'), createAgent('a1')], 'Ada');
    await host.fireDeadline((await deadlinesOf(store, 't1'))[0]);
    await eventually(async () => (await store.getTask('t1'))?.issue !== null);
    await host.execute([sendTask('t1', { type: 'ASSIGN', agentId: 'a1' }), sendAgent('a1', { type: 'ASSIGN', taskId: 't1', at: AT })], 'orchestrator');
    await host.execute([createTask('t2')], 'Ada'); // cacheSize 1: only t2 is hot now
  }
  const flowing = { analyze: async () => ({ verdict: 'dispatch' }), openIssue: async () => ({ number: 7, url: 'https://example.test/issues/7' }) };

  it('a task that lets go of its agent releases it in the same commit, the agent loaded and locked first', async () => {
    const harness = makeHost({ effects: flowing, cacheSize: 1 });
    await assigned(harness);
    const { host, store } = harness;
    const head = await store.head();
    const events = await host.execute([sendTask('t1', { type: 'CANCEL' })], 'Ada');
    expect(events.map((e) => [e.entityId, e.type, e.cursor, e.actor])).toEqual([
      ['t1', 'CANCELLED', head + 1, 'Ada'],
      ['a1', 'TASK_RELEASED', head + 2, 'Ada'],
    ]);
    expect(await store.getAgent('a1')).toMatchObject({ status: 'idle', currentTaskId: null });
  });

  it('a release planned while another batch holds the agent and waits for the task does not deadlock', async () => {
    const harness = makeHost({ effects: flowing, cacheSize: 1 });
    await assigned(harness);
    const { host, store } = harness;
    // The cancel locks t1 and finds it must free a1; the sign-off waits for t1 holding a1.
    const [cancelled, signedOff] = await Promise.all([
      host.execute([sendTask('t1', { type: 'CANCEL' })], 'Ada'),
      host.execute(
        [
          sendTask('t1', { type: 'REQUEUE', reason: 'agent stopped' }, { optional: true }),
          sendAgent('a1', { type: 'RELEASE', taskId: 't1' }, { optional: true }),
          sendAgent('a1', { type: 'DEREGISTER' }),
        ],
        'a1',
      ),
    ]);
    expect(signedOff.map((e) => e.type)).toEqual(['REQUEUED', 'TASK_RELEASED', 'WENT_OFFLINE']);
    expect(cancelled.map((e) => e.type)).toEqual(['CANCELLED']);
    expect(await store.getAgent('a1')).toMatchObject({ status: 'idle', health: 'offline' });
    expect((await store.getTask('t1'))?.status).toBe('cancelled');
  });

  it('retries a version conflict against the winner’s state', async () => {
    const store = openStore();
    const a = makeHost({ store });
    const b = makeHost({ store });
    await a.host.execute([createAgent('a1')], 'Ada'); // a1 v1, hot in a's cache
    await b.host.execute([sendAgent('a1', { type: 'HEARTBEAT', at: 'b' })], 'b'); // v2 from b
    // a decides against its cached v1, loses the commit, reloads v2 and commits v3.
    const [event] = await a.host.execute([sendAgent('a1', { type: 'HEARTBEAT', at: 'a' })], 'a');
    expect(event.version).toBe(3);
    expect((await store.load('a1'))?.state.context.lastHeartbeatAt).toBe('a');
    expect((await allEvents(store)).map((e) => e.version)).toEqual([1, 2, 3]);
  });

  it('a version conflict it keeps losing surfaces as CONFLICT (retryable) and stores nothing', async () => {
    const store = openStore();
    let refused = 0;
    const commit = store.commit.bind(store);
    let contested: string | null = null;
    store.commit = async (changes) => {
      if (contested && changes.some((c) => c.entityId === contested)) {
        refused++;
        throw new VersionConflictError(contested);
      }
      return commit(changes);
    };
    const { host } = makeHost({ store });
    await host.execute([createAgent('a1'), createTask('t1')], 'Ada');
    contested = 't1';
    const error = await refusal(host.execute([sendAgent('a1', { type: 'DEREGISTER' }), sendTask('t1', { type: 'CANCEL' })], 'Ada'));
    expect(error.code).toBe(ErrorCode.CONFLICT);
    expect(error.details).toMatchObject({ id: 't1', retryable: true });
    expect(error.message).toMatch(/^Task t1 was changed by another writer 6 times/);
    expect(refused).toBe(6); // the first attempt and five retries
    expect((await store.load('a1'))?.version).toBe(1);
    expect((await store.load('t1'))?.version).toBe(1);
    contested = null;
    expect((await host.execute([sendTask('t1', { type: 'CANCEL' })], 'Ada')).map((e) => e.version)).toEqual([2]);
  });
});
