/**
 * The store a bench program runs on (issue 15: production mode in the bench): the embedded
 * default (a fresh SQLite file), or PostgreSQL + Redis from `DATABASE_URL` / `REDIS_URL`, each run
 * on a schema and a Redis channel of its own, dropped afterwards (`dropBenchSchema`).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type BenchStore = 'sqlite' | 'postgres';

export function parseBenchStore(value: string | undefined): BenchStore {
  if (value === undefined || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') {
    if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('--store postgres needs DATABASE_URL and REDIS_URL');
    return 'postgres';
  }
  throw new Error(`--store must be sqlite or postgres, not "${value}"`);
}

/** The environment a server (or a bench program) of this run reads its store from; `{}` for SQLite. */
export function benchStoreEnv(store: BenchStore): Record<string, string> {
  if (store === 'sqlite') return {};
  const name = `bench_${randomBytes(5).toString('hex')}`;
  return { DATABASE_URL: process.env.DATABASE_URL!, DATABASE_SCHEMA: name, REDIS_URL: process.env.REDIS_URL!, REDIS_CHANNEL: `conveyor:${name}` };
}

/** Drop what `benchStoreEnv` handed out (nothing for SQLite, whose files are temporary). */
export async function dropBenchSchema(env: Record<string, string>): Promise<void> {
  if (!env.DATABASE_SCHEMA) return;
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${env.DATABASE_SCHEMA} CASCADE`);
  } finally {
    await client.end();
  }
}

const STORE_KEYS = ['DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'REDIS_CHANNEL'];

/**
 * The environment a bench child runs with: `base` without any store of its own (a shell's
 * DATABASE_URL would otherwise put an "embedded" run on PostgreSQL's public schema), then the
 * store this run gave it (`benchStoreEnv`).
 */
export function childEnv(base: NodeJS.ProcessEnv, store: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const key of STORE_KEYS) delete env[key];
  return { ...env, ...store };
}
