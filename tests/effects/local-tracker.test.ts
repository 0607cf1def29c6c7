/**
 * The local issue tracker waits out a store that cannot take writes instead of failing the task,
 * and stops waiting when its effect is aborted.
 */
import { describe, expect, it } from 'vitest';
import { LocalIssueTracker } from '../../src/effects/local-tracker.js';
import { StorageFaultError } from '../../src/store/types.js';

const input = { taskId: 't1', title: 'T', description: 'd', questions: [], answers: [] } as never;

describe('LocalIssueTracker', () => {
  it('retries while the store is unavailable, then numbers the issue', async () => {
    let calls = 0;
    const tracker = new LocalIssueTracker(
      {
        allocateIssueNumber: async () => {
          calls++;
          if (calls <= 2) throw new StorageFaultError('full', new Error('database or disk is full'));
          return 7;
        },
      },
      'https://issues.example/acme/',
    );
    const opened = await tracker.openIssue(input, new AbortController().signal);
    expect(opened).toEqual({ number: 7, url: 'https://issues.example/acme/issues/7' });
    expect(calls).toBe(3);
  });

  it('fails at once on any other error, and stops retrying when aborted', async () => {
    const broken = new LocalIssueTracker({ allocateIssueNumber: async () => Promise.reject(new Error('bug')) }, 'https://x');
    await expect(broken.openIssue(input, new AbortController().signal)).rejects.toThrow('bug');
    const controller = new AbortController();
    const full = new LocalIssueTracker(
      { allocateIssueNumber: async () => Promise.reject(new StorageFaultError('full', new Error('full'))) },
      'https://x',
    );
    const pending = full.openIssue(input, controller.signal);
    setTimeout(() => controller.abort(), 250);
    await expect(pending).rejects.toThrow(/abort/i);
  });
});
