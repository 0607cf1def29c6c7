/** The `conveyor:` lines a worker's --exec command prints to report iterations and usage. */
import { describe, expect, it } from 'vitest';
import { LineSplitter, parseReportLine } from '../../src/cli/worker-reports.js';

describe('worker report lines', () => {
  it('reads iterations and usage; other output is not a report', () => {
    expect(parseReportLine('conveyor:iteration wrote the failing test')).toEqual({ kind: 'iteration', summary: 'wrote the failing test' });
    expect(parseReportLine('  conveyor:usage {"inputTokens":1200,"outputTokens":340,"costMicros":5100,"model":"gpt-4o"}\r')).toEqual({
      kind: 'usage',
      usage: { inputTokens: 1200, outputTokens: 340, costMicros: 5100, model: 'gpt-4o' },
    });
    // Missing figures are 0, the model is optional.
    expect(parseReportLine('conveyor:usage {"costMicros":7}')).toEqual({ kind: 'usage', usage: { inputTokens: 0, outputTokens: 0, costMicros: 7, model: null } });
    for (const line of ['npm test', 'conveyor is great', 'conveyor:something else', '']) expect(parseReportLine(line)).toBeNull();
  });

  it('says what is wrong with a report it cannot read (and sends nothing)', () => {
    expect(parseReportLine('conveyor:iteration')).toEqual({ kind: 'invalid', problem: 'conveyor:iteration needs a summary' });
    expect(parseReportLine('conveyor:usage 12 tokens')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('needs a JSON object') });
    expect(parseReportLine('conveyor:usage [1,2]')).toMatchObject({ kind: 'invalid' });
    expect(parseReportLine('conveyor:usage {"costMicros":-1}')).toEqual({ kind: 'invalid', problem: 'conveyor:usage costMicros must be a whole number of 0 or more' });
    expect(parseReportLine('conveyor:usage {"inputTokens":1.5}')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('inputTokens') });
    expect(parseReportLine('conveyor:usage {"model":42}')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('model') });
  });

  it('splits chunks into lines, keeping an unfinished one until it ends', () => {
    const lines: string[] = [];
    const split = new LineSplitter((line) => lines.push(line));
    split.push('one\ntw');
    split.push('o\r\nthree');
    expect(lines).toEqual(['one', 'two']);
    split.end();
    expect(lines).toEqual(['one', 'two', 'three']);
  });
});
