/**
 * The migration runner of both adapters, written once without I/O: `migrationSteps` yields the
 * statements to run and is sent back the rows each returned; `migrateSync` (better-sqlite3) and
 * `migrateAsync` (pg) drive it on the adapter's connection, inside the adapter's transaction.
 *
 * Why not a library (umzug, which is dialect-agnostic with a custom storage): its `up()` and its
 * storage are promise-only, and `new SqliteStore()` migrates synchronously in its constructor
 * (better-sqlite3 is synchronous; the tests and the bench open stores so, and the writer thread
 * must open its connection after the migration). Umzug also records a migration in a call of its
 * own after running it, so "the schema change and its record in one transaction" would be ours
 * to arrange anyway, and it keys migrations by name where `schema_migrations` already holds
 * integer versions. What is left to write is the twenty lines below.
 */
import { MIGRATIONS } from './schema.js';
import type { Dialect } from './sql.js';

/** A statement for the driver: `exec` runs a script (several statements), `query` one statement. */
export type MigrationStep = { exec: string } | { query: string; params: unknown[] };

/** The migrations of a dialect, by version in order: each version's SQL, its migrations joined. */
export function migrationsOf(d: Dialect): Map<number, string> {
  const versions = new Map<number, string>();
  for (const migration of MIGRATIONS) {
    const version = migration.version[d.name];
    if (version === undefined) continue;
    if (version < Math.max(0, ...versions.keys())) throw new Error(`migration ${d.name} ${version} is listed after a later one`);
    versions.set(version, [versions.get(version), migration.sql(d)].filter(Boolean).join('\n'));
  }
  return versions;
}

/**
 * Apply every migration not recorded yet, recording each; returns the versions applied. A
 * version already in `schema_migrations` is never run again. (Version 0 is the SQLite store's
 * write probe, inserted and deleted in one transaction: never a migration.)
 */
export function* migrationSteps(d: Dialect, appliedAt: string): Generator<MigrationStep, number[], unknown[]> {
  yield { exec: `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at ${d.types.timestamp} NOT NULL)` };
  const rows = (yield { query: `SELECT version FROM schema_migrations`, params: [] }) as { version: number }[];
  const done = new Set(rows.map((row) => row.version));
  const applied: number[] = [];
  for (const [version, sql] of migrationsOf(d)) {
    if (done.has(version)) continue;
    yield { exec: sql };
    yield {
      query: `INSERT INTO schema_migrations (version, applied_at) VALUES (${d.param(1)}, ${d.param(2)})`,
      params: [version, appliedAt],
    };
    applied.push(version);
  }
  return applied;
}

/** Run the migrations with a synchronous `run` (call it inside a transaction). */
export function migrateSync(d: Dialect, run: (step: MigrationStep) => unknown[]): number[] {
  const steps = migrationSteps(d, new Date().toISOString());
  for (let next = steps.next(); ; next = steps.next(run(next.value))) if (next.done) return next.value;
}

/** Run the migrations with an asynchronous `run` (call it inside a transaction). */
export async function migrateAsync(d: Dialect, run: (step: MigrationStep) => Promise<unknown[]>): Promise<number[]> {
  const steps = migrationSteps(d, new Date().toISOString());
  for (let next = steps.next(); ; next = steps.next(await run(next.value))) if (next.done) return next.value;
}
