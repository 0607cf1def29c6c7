/** `npm start`: validate config, start the server, stop gracefully on SIGTERM/SIGINT. */
import { buildApp } from './app.js';
import { loadConfigOrExit } from './env.js';

const config = loadConfigOrExit();

const app = await buildApp(config);
const url = await app.start();
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
