// `npm start` runs this first: build the dashboard when client/dist is missing or older than
// any client source, so the README's run line always serves the current UI.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const built = 'client/dist/index.html';
const newest = (dir) =>
  readdirSync(dir).reduce((max, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return Math.max(max, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }, 0);
const sources = Math.max(newest('client/src'), statSync('client/index.html').mtimeMs, statSync('client/vite.config.ts').mtimeMs);
if (existsSync(built) && statSync(built).mtimeMs >= sources) process.exit(0);
console.log('Building the dashboard (client/dist)…');
// A production bundle whatever NODE_ENV the caller has (a test runner sets "test", which would
// make Vite bundle React's development build).
execFileSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
