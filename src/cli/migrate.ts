/** `conveyor migrate`: apply PostgreSQL migrations (DATABASE_URL) and exit; servers also do it at start. */
import { loadConfigOrExit } from '../server/env.js';
import { PostgresStore } from '../store/postgres.js';

export async function runMigrate(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.database) {
    console.error('conveyor migrate needs DATABASE_URL (the embedded SQLite store migrates itself at start).');
    process.exit(2);
  }
  const store = await PostgresStore.connect({ connectionString: config.database.url, schema: config.database.schema, migrate: false });
  const applied = await store.migrate();
  await store.close();
  console.log(`schema "${config.database.schema}" is up to date${applied.length ? ` (applied ${applied.join(', ')})` : ''}.`);
}
