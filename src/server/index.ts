/** `npm start`: validate config, start the server, stop gracefully on SIGTERM/SIGINT. */
import { loadConfigOrExit } from './env.js';
import { startWhenWritable } from './storage-wait.js';

const config = loadConfigOrExit();

// A data directory that does not take writes is waited for, not a reason to exit (storage-wait.ts).
const { app, url } = await startWhenWritable(config, {
  onWaiting: (waitingUrl, fault) =>
    console.log(
      `\n  conveyor is waiting: the data directory ${config.dataDir} is ${fault.storage} (${(fault.cause as Error).message}). ` +
        `${waitingUrl}/readyz says why; it starts by itself once the directory takes writes.\n`,
    ),
});
app.logger.info({ url, dataDir: config.dataDir, devSignIn: config.devSignIn }, 'conveyor listening');
// The dashboard first: it is what the README tells a newcomer to open (tests read this line too).
console.log(`\n  conveyor is running: ${url}/  (GraphiQL ${url}/graphql · data ${config.dataDir})\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
