import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * Node resolves `graphql` to its CommonJS entry (the package has no exports map); Vite would pick
 * the ESM `module` entry for our sources while dependencies (Yoga, graphql-jit) get CommonJS: two
 * graphql realms, and "Cannot use GraphQLSchema from another module or realm". Resolve as Node does.
 */
const resolve = { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] };

/**
 * Eight projects, run one after another by `npm test` in this order (`test:all` in package.json):
 * - main: everything the others do not take, client unit tests included, two files at a time
 *   (two cores);
 * - timing: tests whose latency bound is the behaviour (delivery within 50 ms / 500 ms / 2 s),
 *   alone, so a browser or another server on the other core cannot eat their budget;
 * - production: PostgreSQL and Redis, the production stores (tests/production/);
 * - fuzz: property-based fuzzing of HTTP and WebSocket input, bounded in time (FUZZ_RUNS /
 *   FUZZ_SEED to run longer or replay, see tests/fuzz/support.ts);
 * - reliability: the server as a child process, killed with SIGKILL mid-burst and run on full,
 *   read-only or failing data directories (tests/reliability/);
 * - browser: Chromium against `npm start` (tests/browser/);
 * - liveness: the pipeline never wedges (tests/liveness/, src/liveness/);
 * - bench: CI-sized benchmark and soak runs (tests/bench/).
 */
const TIMING = ['tests/e2e/delivery.test.ts'];
const BROWSER = ['tests/browser/**/*.test.ts'];
const PRODUCTION = ['tests/production/**/*.test.ts'];
const BENCH = ['tests/bench/**/*.test.ts'];
const FUZZ = ['tests/fuzz/**/*.test.ts'];
const RELIABILITY = ['tests/reliability/**/*.test.ts'];
const LIVENESS = ['tests/liveness/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        resolve,
        test: {
          name: 'main',
          include: ['tests/**/*.test.ts', 'client/src/**/*.test.ts'],
          exclude: [...TIMING, ...BROWSER, ...PRODUCTION, ...BENCH, ...FUZZ, ...RELIABILITY, ...LIVENESS],
          maxWorkers: 2,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      { resolve, test: { name: 'timing', include: TIMING, fileParallelism: false, testTimeout: 30_000 } },
      // Shared PostgreSQL and Redis (tests cut Redis connections on purpose): one file at a time.
      { resolve, test: { name: 'production', include: PRODUCTION, fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } },
      { resolve, test: { name: 'browser', include: BROWSER, fileParallelism: false, testTimeout: 90_000, hookTimeout: 180_000 } },
      // Property-based fuzzing (issue 7), bounded in time (tests/fuzz/support.ts): one file at a
      // time, since the memory check measures a server's heap and thousands of frames load a core.
      { resolve, test: { name: 'fuzz', include: FUZZ, fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } },
      // Spawns servers and kills them mid-burst, mounts small filesystems: one file at a time, so
      // neither a kill's timing nor a restart competes with another heavy file for the two cores.
      { resolve, test: { name: 'reliability', include: RELIABILITY, fileParallelism: false, testTimeout: 90_000, hookTimeout: 60_000 } },
      // Issue 12: the liveness checker's invariants on hand-made snapshots, its reads against a real
      // server, and `conveyor demo` under `conveyor check` for LIVENESS_SECONDS (default 130): one
      // file at a time, so the long run has both cores.
      { resolve, test: { name: 'liveness', include: LIVENESS, fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } },
      // Spawns every benchmark server and its loaders: alone, last.
      { resolve, test: { name: 'bench', include: BENCH, fileParallelism: false, testTimeout: 300_000 } },
    ],
  },
});
