/**
 * Shared settings of the fuzz tests (issue 7): a fixed seed by default, printed with every
 * property so a failure can be replayed, and bounds that keep the whole set well under two
 * minutes in CI.
 *
 * - `FUZZ_SEED=<int>` replays (or varies) the generated inputs;
 * - `FUZZ_RUNS=<n>` runs n cases per property with no time limit (a long local run), e.g.
 *   `FUZZ_RUNS=2000 npx vitest run --project fuzz`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';

/** The seed CI uses: a fixed one, so a red run is red again on the next try. */
const DEFAULT_SEED = 7_2026;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

export const FUZZ_SEED = envInt('FUZZ_SEED') ?? DEFAULT_SEED;
const FUZZ_RUNS = envInt('FUZZ_RUNS');

/** Vitest timeout for a property test: generous when FUZZ_RUNS asks for a long run. */
export function fuzzTimeout(ciMs: number): number {
  return FUZZ_RUNS === undefined ? ciMs : Math.max(ciMs, FUZZ_RUNS * 500);
}

export interface FuzzBudget {
  /** Cases per run in CI. */
  runs: number;
  /** Stop generating after this long in CI (the cases run so far must all have passed). */
  timeLimitMs: number;
  /** A run that managed fewer cases than this proves too little: fail rather than pass. */
  minRuns: number;
}

/**
 * Check `property` with the fixed (or FUZZ_SEED) seed and the budget (or FUZZ_RUNS), print what
 * ran, and fail with fast-check's report (counterexample, seed and path to replay it).
 * Each property gets its own seed derived from its name, so adding one leaves the others' inputs
 * unchanged. Resolves with the number of cases run.
 */
export async function checkProperty<T>(name: string, property: fc.IAsyncProperty<T>, budget: FuzzBudget): Promise<number> {
  const seed = (FUZZ_SEED ^ hash(name)) | 0;
  const numRuns = FUZZ_RUNS ?? budget.runs;
  const plugins = FUZZ_RUNS === undefined ? [fc.interruptAfterTimeLimit(budget.timeLimitMs)] : [];
  const started = Date.now();
  const details = await fc.check(property, { seed, numRuns, plugins, endOnFailure: false });
  console.info(
    `[fuzz] ${name}: ${details.numRuns}/${numRuns} cases in ${Date.now() - started} ms, seed ${seed}` +
      ` (FUZZ_SEED=${FUZZ_SEED}${details.interrupted ? ', stopped at the time limit' : ''})`,
  );
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    // The counterexample as JSON too: the console cuts long ones, and a replay needs all of it.
    mkdirSync('test-results/fuzz', { recursive: true });
    const file = `test-results/fuzz/${name.replace(/[^\w.-]+/g, '_')}.json`;
    writeFileSync(file, JSON.stringify({ seed, path: details.counterexamplePath, counterexample: details.counterexample }, null, 2));
    throw new Error(`[fuzz] ${name} failed: ${cause}\n(counterexample in ${file})\n${fc.defaultReportMessage(details)}`);
  }
  expect(details.numRuns, `${name}: too few cases ran to prove anything`).toBeGreaterThanOrEqual(
    Math.min(budget.minRuns, numRuns),
  );
  return details.numRuns;
}

/** Enough cases ran that every kind of input has surely come up (a short FUZZ_RUNS may not). */
export const COVERAGE_RUNS = 200;

/** FNV-1a, to derive a per-property seed from its name. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const STACK_TRACE = /\n\s+at |\bat .+[.](?:ts|js|mjs|cjs):\d+:\d+|node_modules|file:\/\//;

/** A stack trace, a source location or a path of this checkout in what a client received. */
export function leaksInternals(text: string): boolean {
  return STACK_TRACE.test(text) || text.includes(process.cwd());
}
