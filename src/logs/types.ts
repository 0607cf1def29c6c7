/**
 * Task logs (issue 16): the lines a worker's command prints, per session, beside the event log —
 * never in it, so a chatty agent does not slow the commits of transitions or grow the log that
 * every subscriber replays. Each line has a cursor of its own (increasing per task, in the order
 * the lines were appended), for resuming a log view after a reload.
 */

export type LogStreamName = 'stdout' | 'stderr';

/** A line as a worker sends it. */
export interface NewLogLine {
  stream: LogStreamName;
  text: string;
  /** When the worker read it (epoch ms). */
  at: number;
}

/** A stored line, or the marker standing where a session's oldest lines were dropped. */
export interface LogLine {
  cursor: number;
  taskId: string;
  attempt: number;
  stream: LogStreamName | 'dropped';
  text: string;
  at: number;
}

/** What a session's log holds and has dropped. */
export interface SessionLog {
  attempt: number;
  lines: number;
  bytes: number;
  droppedLines: number;
  droppedBytes: number;
}

export interface AppendResult {
  /** The cursor of the batch's last line. */
  cursor: number;
  /** Lines dropped (oldest first) to keep the session within its bound, this batch's included. */
  dropped: number;
}

/** The port; SQLite (its own file) and PostgreSQL (tables of the store's schema) implement it. */
export interface LogStore {
  /**
   * Append a batch to a session's log in one transaction, then drop the session's oldest lines
   * until it holds at most `maxBytes` (line text, UTF-8).
   */
  append(taskId: string, attempt: number, lines: NewLogLine[], maxBytes: number): Promise<AppendResult>;
  /** Lines of a task after `after` in cursor order (of one attempt, when given), with a marker where lines were dropped. */
  read(taskId: string, options: { after: number; limit: number; attempt?: number | null }): Promise<LogLine[]>;
  /** The last `n` lines of a task (of one attempt, when given), in cursor order. */
  readLast(taskId: string, n: number, attempt?: number | null): Promise<LogLine[]>;
  sessions(taskId: string): Promise<SessionLog[]>;
  close(): Promise<void>;
}

/** The marker's text for `n` dropped lines of `bytes`. */
export function droppedText(lines: number, bytes: number): string {
  const size = bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  return `… ${lines.toLocaleString('en')} earlier line${lines === 1 ? '' : 's'} (${size}) dropped: the session's log is kept to LOG_MAX_BYTES_PER_SESSION`;
}

/** Utf-8 bytes of a line's text: what the bound counts. */
export const lineBytes = (text: string) => Buffer.byteLength(text, 'utf8');
