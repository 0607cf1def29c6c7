/**
 * What a worker's `--exec` command may tell the server, by printing a line to its standard output
 * (or appending it to the file named by `CONVEYOR_REPORT_FILE`):
 *
 *     conveyor:iteration <summary>
 *     conveyor:usage {"inputTokens": 1200, "outputTokens": 340, "costMicros": 5100, "model": "gpt-4o"}
 *
 * An iteration is counted by the worker (1, 2, …) and reported with its summary. A usage line says
 * what was spent since the previous one (not a running total): whole numbers, `model` optional.
 * Any other line is the command's own output. A line that starts like a report but cannot be read
 * is reported back to the command's output as a warning, never sent.
 */

export interface UsageReport {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  model: string | null;
}

export type WorkerReport = { kind: 'iteration'; summary: string } | { kind: 'usage'; usage: UsageReport } | { kind: 'invalid'; problem: string };

const PREFIX = 'conveyor:';

/** The report a line carries, or null for ordinary output. */
export function parseReportLine(line: string): WorkerReport | null {
  const text = line.trim();
  if (!text.startsWith(PREFIX)) return null;
  const space = text.indexOf(' ');
  const name = text.slice(PREFIX.length, space < 0 ? undefined : space);
  const rest = space < 0 ? '' : text.slice(space + 1).trim();
  if (name === 'iteration') {
    if (!rest) return { kind: 'invalid', problem: 'conveyor:iteration needs a summary' };
    return { kind: 'iteration', summary: rest.slice(0, 500) };
  }
  if (name === 'usage') return parseUsage(rest);
  return null; // `conveyor:` followed by something else is the command's own business
}

function parseUsage(json: string): WorkerReport {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { kind: 'invalid', problem: `conveyor:usage needs a JSON object, got ${JSON.stringify(json.slice(0, 80))}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid', problem: 'conveyor:usage needs a JSON object' };
  const v = value as Record<string, unknown>;
  const whole = (key: string) => (v[key] === undefined ? 0 : v[key]);
  const usage = { inputTokens: whole('inputTokens'), outputTokens: whole('outputTokens'), costMicros: whole('costMicros') };
  for (const [key, n] of Object.entries(usage)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return { kind: 'invalid', problem: `conveyor:usage ${key} must be a whole number of 0 or more` };
  }
  if (v.model !== undefined && v.model !== null && (typeof v.model !== 'string' || v.model.length > 100)) {
    return { kind: 'invalid', problem: 'conveyor:usage model must be a string of up to 100 characters' };
  }
  return { kind: 'usage', usage: { ...(usage as Omit<UsageReport, 'model'>), model: (v.model as string | undefined) ?? null } };
}

/** Splits a stream's chunks into lines (the last, unfinished one kept until more comes). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }

  end(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}
