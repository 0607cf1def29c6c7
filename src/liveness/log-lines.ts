/**
 * workers-log-no-failure: the demo's workers (src/cli/worker.ts) print `  ! task <id>: …` when
 * something went wrong with a task (it could not be read, a report was refused, a release failed),
 * the demo prints `  ! <message>` when one of its simulated users or GitHub failed, and the server
 * logs warnings and errors as pino JSON. Any of these in the output fails a checked run. A
 * simulated coding failure (`✗ "<title>" failed: tests failed…`) is a legitimate outcome, not a
 * failure line.
 */
import { iso } from './episodes.js';
import type { Violation } from './types.js';

/** `HH:MM:SS [bot-1] ! task <id>: …`, `HH:MM:SS   ! …` (the timestamp and the prefix optional). */
const BANG = /^(?:\d\d:\d\d:\d\d )?(?:\[[^\]]*\] )?\s*! (.*)$/;
const TASK = /^task ([0-9a-f-]{8,}):/i;

export interface LogFailure {
  taskId: string | null;
  message: string;
}

/** The failure a log line reports, or null for an ordinary line. */
export function failureInLine(line: string): LogFailure | null {
  const text = line.replace(/\r$/, '');
  const bang = BANG.exec(text);
  if (bang) return { taskId: TASK.exec(bang[1])?.[1] ?? null, message: text.trim() };
  if (text.trimStart().startsWith('{')) {
    try {
      const entry = JSON.parse(text) as { level?: unknown; msg?: unknown; taskId?: unknown };
      if (typeof entry.level === 'number' && entry.level >= 40) {
        return { taskId: typeof entry.taskId === 'string' ? entry.taskId : null, message: `server log (level ${entry.level}): ${String(entry.msg ?? '').slice(0, 200)} ${text.slice(0, 300)}` };
      }
    } catch {
      // Not JSON after all: an ordinary line.
    }
  }
  return null;
}

/** Splits a stream of output chunks into lines and reports each failure line as a violation. */
export class LogWatch {
  private partial = '';
  failures = 0;

  constructor(private readonly onViolation: (v: Violation) => void) {}

  write(chunk: string, at = Date.now()): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line, at);
  }

  line(line: string, at = Date.now()): void {
    const failure = failureInLine(line);
    if (!failure) return;
    this.failures++;
    this.onViolation({
      invariant: 'workers-log-no-failure',
      at: iso(at),
      ...(failure.taskId ? { taskId: failure.taskId } : {}),
      message: `failure line in the output: ${failure.message.slice(0, 500)}`,
    });
  }

  /** The last line, if the output ended without a newline. */
  flush(at = Date.now()): void {
    if (this.partial) this.line(this.partial, at);
    this.partial = '';
  }
}
