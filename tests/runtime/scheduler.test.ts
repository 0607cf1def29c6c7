/**
 * The scheduler fires a deadline committed while it is between ticks at once, not at the next
 * poll: a wake that arrives while it reads the next deadline after a drain used to be overwritten
 * by that (older) answer, and zero-delay deadlines (analysis start) waited up to pollMs.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/runtime/scheduler.js';
import type { Deadline, EventStore } from '../../src/store/types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Scheduler', () => {
  it('a deadline committed while it reads the next one after a drain fires at once', async () => {
    const due: Deadline[] = [];
    let readingNext: (() => void) | null = null;
    const store = {
      dueDeadlines: async () => due.splice(0),
      // The read after a drain is slow; a new deadline is committed meanwhile.
      nextDeadlineAt: () => new Promise<number | null>((resolve) => (readingNext = () => resolve(null))),
    } as unknown as EventStore;
    const fired: number[] = [];
    const started = Date.now();
    const scheduler = new Scheduler({ store, fire: async () => void fired.push(Date.now() - started), logger: pino({ level: 'silent' }), pollMs: 5000 });
    scheduler.start();
    await sleep(50); // first tick drained nothing and is reading the next deadline
    expect(readingNext).not.toBeNull();
    due.push({ entityType: 'task', entityId: 't1', key: 'k', dueAt: Date.now(), event: { type: 'x' } });
    scheduler.wake(Date.now());
    readingNext!(); // the read answers "nothing" (it ran before the commit)
    await sleep(200);
    expect(fired.length).toBe(1);
    expect(fired[0]).toBeLessThan(1000);
    await scheduler.stop();
  });
});
