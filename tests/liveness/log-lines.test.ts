/** workers-log-no-failure: which output lines are failures (src/liveness/log-lines.ts). */
import { describe, expect, it } from 'vitest';
import { failureInLine, LogWatch } from '../../src/liveness/log-lines.js';
import type { Violation } from '../../src/liveness/types.js';

const ID = '38e9fcb8-7f76-47f7-b776-82fc5afef8cc';

describe('failure lines', () => {
  it('finds a worker error (as the demo prints it, and as `conveyor worker` does), a demo error and a server error', () => {
    expect(failureInLine(`23:19:01 [bot-3] ! task ${ID}: the assigned task is not readable by this worker; releasing it`)).toEqual({
      taskId: ID,
      message: `23:19:01 [bot-3] ! task ${ID}: the assigned task is not readable by this worker; releasing it`,
    });
    expect(failureInLine(`23:19:01   ! task ${ID}: could not release it: INVALID_TRANSITION`)?.taskId).toBe(ID);
    expect(failureInLine('23:19:01   ! webhook answered 500: boom')).toEqual({ taskId: null, message: '23:19:01   ! webhook answered 500: boom' });
    expect(failureInLine('{"level":50,"time":1,"msg":"orchestration round failed"}')?.message).toMatch(/server log \(level 50\): orchestration round failed/);
    expect(failureInLine('{"level":40,"msg":"effect result not applied","taskId":"t-1"}')?.taskId).toBe('t-1');
  });

  it('does not take legitimate outcomes and ordinary lines for failures', () => {
    for (const line of [
      '23:19:04 [bot-3]   ✗ "Speed up CSV export" failed: tests failed: 2 of 148 failing',
      '23:19:01 [bot-1] ▸ task 38e9fcb8 was taken back by the server; stopping work on it',
      '23:19:05   github: PR #1001 merged',
      '23:19:08 = acme: 5 tasks · 3 active · 2 merged · 0 failed',
      '23:19:08 + Ada (acme) created "Fix it!"',
      '{"level":30,"msg":"conveyor listening"}',
      '{not json',
      '',
    ]) {
      expect(failureInLine(line), line).toBeNull();
    }
  });

  it('reports each failure line of a chunked stream once, a line split across chunks included', () => {
    const found: Violation[] = [];
    const watch = new LogWatch((v) => found.push(v));
    watch.write('23:19:01 [bot-1] 33% reading the code\n23:19:02 [bot-2] ! task ', Date.parse('2026-12-01T10:00:00Z'));
    watch.write(`${ID}: startCoding refused\n23:19:03 [bot-2] ▸ assigned`);
    watch.flush();
    expect(found).toEqual([
      expect.objectContaining({ invariant: 'workers-log-no-failure', taskId: ID, message: expect.stringContaining('startCoding refused') }),
    ]);
    watch.write('23:19:04   ! last line without a newline');
    watch.flush();
    expect(found).toHaveLength(2);
    expect(watch.failures).toBe(2);
  });
});
