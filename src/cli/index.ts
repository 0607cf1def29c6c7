/** `conveyor <command> [options]`. */
import { runDemo } from './demo.js';
import { runMigrate } from './migrate.js';
import { runWorker } from './worker.js';

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (argv: string[]) => Promise<void>> = { worker: runWorker, demo: runDemo, migrate: runMigrate };

if (!command || !(command in commands)) {
  console.error(`Usage: conveyor <command> [options]

Commands:
  worker   run a worker agent (conveyor worker --help)
  demo     start the server with workers and a stream of tasks (conveyor demo --help)
  migrate  apply PostgreSQL migrations (DATABASE_URL) and exit`);
  process.exit(command ? 2 : 0);
}
await commands[command](rest);
