/** `conveyor <command> [options]`. Each command is loaded when run (`check` and `worker` need none of the server). */
type Command = (argv: string[]) => Promise<void>;

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, () => Promise<Command>> = {
  worker: async () => (await import('./worker.js')).runWorker,
  demo: async () => (await import('./demo.js')).runDemo,
  migrate: async () => (await import('./migrate.js')).runMigrate,
  check: async () => (await import('../liveness/cli.js')).runCheck,
  export: async () => (await import('./transfer.js')).runExport,
  import: async () => (await import('./transfer.js')).runImport,
};

if (!command || !(command in commands)) {
  console.error(`Usage: conveyor <command> [options]

Commands:
  worker   run a worker agent (conveyor worker --help)
  demo     start the server with workers and a stream of tasks (conveyor demo --help)
  migrate  apply PostgreSQL migrations (DATABASE_URL) and exit
  check    watch a server and fail if its pipeline stalls (conveyor check --help)
  export   write a store's log and rows as NDJSON (conveyor export --help)
  import   load an export into an empty store (conveyor import --help)`);
  process.exit(command ? 2 : 0);
}
await (await commands[command]())(rest);
