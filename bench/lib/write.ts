/**
 * write scenario: committed transitions per second through the actor host (pure transition, one
 * transaction per command, group commit under load), on the embedded store or, with
 * `DATABASE_SCHEMA` set (bench-store.ts), on PostgreSQL with the Redis doorbell, as production
 * runs. 1,000 agents heartbeat, each as fast as its heartbeats commit: each heartbeat is a
 * transition that also re-arms a durable deadline.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { MemoryBus } from '../../src/bus/memory.js';
import { RedisBus } from '../../src/bus/redis.js';
import type { Bus } from '../../src/bus/types.js';
import { ActorHost } from '../../src/runtime/host.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { EventStore } from '../../src/store/types.js';

const total = Number(process.argv[2] ?? 30_000);
const AGENTS = Number(process.argv[3] ?? 1000);
/** Several of these on one store (bench write2: two instances) heartbeat agents of their own. */
const PREFIX = process.argv[4] ?? '';
const schema = process.env.DATABASE_SCHEMA;
const store: EventStore = schema
  ? // BENCH_PG_PER_REQUEST=1: the per-request path, and BENCH_PG_GROUPS_IN_FLIGHT, for the
    // before/after of postgres-batch.ts (README, "Benchmark").
    await PostgresStore.connect({
      connectionString: process.env.DATABASE_URL!,
      schema,
      batchWrites: process.env.BENCH_PG_PER_REQUEST !== '1',
      groupsInFlight: process.env.BENCH_PG_GROUPS_IN_FLIGHT ? Number(process.env.BENCH_PG_GROUPS_IN_FLIGHT) : undefined,
    })
  : new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'conveyor-write-')), 'db') });
const bus: Bus = schema ? new RedisBus({ url: process.env.REDIS_URL!, channel: process.env.REDIS_CHANNEL, logger: pino({ level: 'silent' }) }) : new MemoryBus();
const host = new ActorHost({ store, bus, effects: {}, logger: pino({ level: 'silent' }) });
const at = () => new Date().toISOString();
const ids = Array.from({ length: AGENTS }, (_, i) => `${PREFIX}agent-${i}`);
await Promise.all(
  ids.map((id, i) =>
    host.execute([{ kind: 'create', entityType: 'agent', id, input: { id, name: `${PREFIX}a${i}`, org: 'acme', ownerId: 'u', registeredAt: at(), staleAfterMs: 3_600_000, crashAfterMs: 7_200_000 } }], 'bench'),
  ),
);
const started = performance.now();
const startedAt = Date.now();
const cpu0 = process.cpuUsage();
// Each agent heartbeats again as soon as its last heartbeat committed (its own heartbeats are
// sequential; the agents are independent). No round barrier: with one, every agent waited for
// the slowest and the actors' JavaScript and SQLite's commit ran one after the other instead of
// side by side.
let done = 0;
let issued = 0;
await Promise.all(
  ids.map(async (id) => {
    while (issued < total) {
      issued++;
      await host.execute([{ kind: 'send', entityType: 'agent', id, event: { type: 'HEARTBEAT', at: at() } }], 'bench');
      done++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const endedAt = Date.now();
const cpu = process.cpuUsage(cpu0);
await host.stop();
await store.close();
await bus.close();
console.log(JSON.stringify({ store: schema ? 'postgres' : 'sqlite', count: done, seconds: Number(seconds.toFixed(2)), transitionsPerSecond: Math.round(done / seconds), cpuMicrosPerTransition: Number(((cpu.user + cpu.system) / done).toFixed(1)), startedAt, endedAt }));
