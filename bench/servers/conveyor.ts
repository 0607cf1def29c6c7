/** conveyor as the benchmark runs it: the real server (embedded store), its own process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app.js';
import { loadConfigOrExit } from '../../src/server/env.js';
import { collectOnSignal } from '../peers/common.js';

const config = loadConfigOrExit({
  ...process.env,
  PORT: '0',
  DATA_DIR: process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'conveyor-bench-')),
  LOG_LEVEL: 'silent',
  NODE_ENV: 'production',
  RATE_LIMIT_MUTATIONS: '100000000',
});
const app = await buildApp(config);
const url = await app.start(0);
collectOnSignal();
console.log(`READY ${new URL(url).port}`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
