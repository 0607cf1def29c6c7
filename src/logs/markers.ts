/**
 * Where a session's oldest lines were dropped, a read shows a marker line in their place: its
 * cursor is the one just before the session's first kept line, so a reader resuming after it
 * does not see it again, and one starting earlier does.
 */
import { droppedText, type LogLine, type SessionLog } from './types.js';

export interface SessionBounds extends SessionLog {
  firstSeq: number | null;
}

export function withMarkers(rows: LogLine[], sessions: Map<number, SessionBounds>, after: number): LogLine[] {
  const out: LogLine[] = [];
  for (const row of rows) {
    const session = sessions.get(row.attempt);
    if (session && session.droppedLines > 0 && session.firstSeq === row.cursor && row.cursor - 1 > after) {
      out.push({ cursor: row.cursor - 1, taskId: row.taskId, attempt: row.attempt, stream: 'dropped', text: droppedText(session.droppedLines, session.droppedBytes), at: row.at });
    }
    out.push(row);
  }
  return out;
}

/** A batch over the bound on its own keeps its newest lines that fit. */
export function fitBatch<T extends { bytes: number }>(lines: T[], maxBytes: number): { kept: T[]; droppedLines: number; droppedBytes: number } {
  let total = 0;
  let start = lines.length;
  while (start > 0 && total + lines[start - 1].bytes <= maxBytes) total += lines[--start].bytes;
  const dropped = lines.slice(0, start);
  return { kept: lines.slice(start), droppedLines: dropped.length, droppedBytes: dropped.reduce((n, l) => n + l.bytes, 0) };
}
