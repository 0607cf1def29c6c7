// Compile the server (src/) and the benchmark programs (bench/) to plain JavaScript in dist/,
// one output file per source (esbuild, transpile only: no bundling, no type check — `tsc
// --noEmit` does that in `npm test`). `npm start` and `npm run bench` run the output.
//
// Why not run the TypeScript through tsx in production: tsx compiles with esbuild's `keepNames`,
// which wraps every named function in `__name(fn, "name")` — an Object.defineProperty that puts
// each closure's properties into dictionary mode (256 bytes per closure in a heap snapshot). A
// server holding 15,000 connections creates several closures per connection: that was ~2 KB of
// each connection's ~14 KB heap (bench idle scenario). Plain output has no such wrapper.
//
// Skipped when dist/ is newer than every source, so several `npm start`s in a row (tests do
// that) neither wait for a build nor rewrite files another server is loading.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const STAMP = 'dist/.built';
const files = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
const inputs = [...files('src'), ...files('bench').filter((f) => !f.startsWith('bench/results'))];
const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs), statSync('scripts/build-server.mjs').mtimeMs);
if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= newest) process.exit(0);

await build({
  entryPoints: inputs.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
  outdir: 'dist',
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
// Files the code reads next to itself.
for (const file of ['src/schema/schema.graphql']) {
  mkdirSync(dirname(join('dist', file)), { recursive: true });
  copyFileSync(file, join('dist', file));
}
writeFileSync(STAMP, new Date().toISOString());
