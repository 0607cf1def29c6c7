/**
 * Production-mode tests need PostgreSQL and Redis: they read DATABASE_URL / REDIS_URL (.ci/run
 * sets both). Without them they are skipped with a message; with them set and the service down
 * they fail.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';

export const DATABASE_URL = process.env.DATABASE_URL;
export const REDIS_URL = process.env.REDIS_URL;
export const hasServices = Boolean(DATABASE_URL && REDIS_URL);

if (!DATABASE_URL) {
  console.warn('PostgreSQL tests skipped: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them.');
}
if (!REDIS_URL) console.warn('Redis tests skipped: set REDIS_URL (e.g. redis://127.0.0.1:6379) to run them.');

/** A fresh schema name, so each test works on its own tables in the shared database. */
export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * For one test file: `open(schema?)` connects a PostgresStore on a schema (a fresh one unless
 * named), and every schema it was given is dropped once the file's tests are done.
 */
export function storesOnFreshSchemas(): (schema?: string) => Promise<PostgresStore> {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });
  return (schema = freshSchema()) => {
    if (!schemas.includes(schema)) schemas.push(schema);
    return PostgresStore.connect({ connectionString: DATABASE_URL!, schema });
  };
}
