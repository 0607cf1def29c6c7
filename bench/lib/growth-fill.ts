/**
 * growth scenario, the fill: grows a data dir from `from` to `to` tasks through the server's own
 * write path, without HTTP — the real app (`buildApp`: SQLite store, actor host, scheduler,
 * rule analyzer, local issue tracker, orchestrator) on that directory, its task service called
 * directly. So every task gets the events it gets in production, committed the same way:
 *
 * - clear description: created (received) → analyzing → dispatched (opening the issue) → queued
 *   → waiting ("no agent online": the orchestrator's WAIT), 5 events;
 * - vague description ("fix it"): created → analyzing → needs clarification, 3 events;
 * - a fifth of both then cancelled by their creator (+1).
 *
 * 8 users in 4 orgs, one task in seven private. Tasks are created in batches (`BATCH`, up to
 * `CONCURRENCY` creates in flight); a batch is done when all its follow-up events committed,
 * then its cancellations go in. The next batch's creates overlap the previous one's cancels.
 *
 * Usage: node dist/bench/lib/growth-fill.js <dataDir> <from> <to>; prints one JSON line.
 * Task `i` is a pure function of `i`, so filling 0→10k then 10k→100k gives the same data as 0→100k.
 */
import { pino } from 'pino';
import { buildApp } from '../../src/server/app.js';
import { loadConfigOrExit } from '../../src/server/env.js';
import { growthTask, type GrowthTask as Spec } from './growth-data.js';

const [dataDir, fromArg, toArg] = process.argv.slice(2);
if (!dataDir || !toArg) {
  console.error('usage: growth-fill <dataDir> <from> <to>');
  process.exit(2);
}
const from = Number(fromArg);
const to = Number(toArg);
const BATCH = Number(process.env.GROWTH_FILL_BATCH ?? 4000);
const CONCURRENCY = Number(process.env.GROWTH_FILL_CONCURRENCY ?? 256);
/** A batch whose events stop arriving for this long is given up on (reported, not hidden). */
const STALL_MS = 30_000;

/** Events a task of this spec commits before it settles (cancellation not included). */
const settledEvents = (s: Spec) => (s.vague ? 3 : 5);

async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

async function main() {
  const config = loadConfigOrExit({
    ...process.env,
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    JWT_SECRET: process.env.JWT_SECRET ?? 'growth-fill-growth-fill-growth-fill!!',
  });
  const app = await buildApp(config, { logger: pino({ level: 'silent' }) });
  await app.start(0);
  const { tasks } = app.services;
  const committedTasks = async () => (await app.metrics.committed.get()).values.filter((v) => v.labels.entity === 'task').reduce((a, v) => a + v.value, 0);

  const started = performance.now();
  const base = await committedTasks();
  let expected = 0;
  let stalls = 0;
  let failures = 0;
  let cancelsInFlight: Promise<unknown> = Promise.resolve();
  let lastReport = started;
  for (let b = from; b < to; b += BATCH) {
    const ids: { i: number; id: string; spec: Spec }[] = [];
    const numbers = Array.from({ length: Math.min(BATCH, to - b) }, (_, k) => b + k);
    await pool(numbers, CONCURRENCY, async (i) => {
      const spec = growthTask(i);
      try {
        const task = await tasks.create(spec.user, { title: spec.title, description: spec.description, private: spec.private });
        ids.push({ i, id: task.id, spec });
        expected += settledEvents(spec);
      } catch (error) {
        failures++;
        if (failures <= 5) console.error(`[growth-fill] create ${i} failed: ${(error as Error).message}`);
      }
    });
    await cancelsInFlight;
    // Settled: every follow-up event of the batch (analysis, issue, wait reason) committed.
    let seen = -1;
    let since = Date.now();
    for (;;) {
      const now = (await committedTasks()) - base;
      if (now >= expected) break;
      if (now !== seen) {
        seen = now;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        stalls++;
        console.error(`[growth-fill] batch at ${b}: ${expected - now} events did not arrive in ${STALL_MS / 1000} s; going on`);
        expected = now;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const cancels = ids.filter((t) => t.spec.cancel);
    expected += cancels.length;
    cancelsInFlight = pool(cancels, CONCURRENCY, (t) =>
      tasks.cancel(t.spec.user, t.id, 'no longer needed').catch((error: Error) => {
        failures++;
        expected--;
        if (failures <= 5) console.error(`[growth-fill] cancel ${t.i} failed: ${error.message}`);
      }),
    );
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      const s = (lastReport - started) / 1000;
      console.error(`[growth-fill] ${b + numbers.length - from}/${to - from} tasks, ${Math.round((b + numbers.length - from) / s)} tasks/s`);
    }
  }
  await cancelsInFlight;
  const seconds = (performance.now() - started) / 1000;
  const events = (await committedTasks()) - base;
  await app.stop();
  console.log(
    JSON.stringify({
      from,
      to,
      tasks: to - from,
      events,
      seconds: Number(seconds.toFixed(1)),
      tasksPerSecond: Math.round((to - from) / seconds),
      eventsPerSecond: Math.round(events / seconds),
      stalls,
      failures,
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
