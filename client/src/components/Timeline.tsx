import { useEffect, useRef } from 'react';
import { formatTime, relativeTime } from '../lib/time';

export interface TimelineItem {
  cursor: string;
  version: number;
  type: string;
  at: string;
  actor?: string | null;
  payload?: unknown;
}

const TYPE_LABEL: Record<string, string> = {
  CREATED: 'Created',
  ANALYSIS_STARTED: 'Analysis started',
  CLARIFICATION_REQUESTED: 'Clarification requested',
  CLARIFICATION_ANSWERED: 'Questions answered',
  DISPATCHED: 'Dispatched',
  ISSUE_OPENED: 'Issue opened',
  ASSIGNED: 'Assigned to an agent',
  CODING_STARTED: 'Coding started',
  PROGRESS: 'Progress',
  HELD: 'Held',
  RESUMED: 'Resumed',
  REQUEUED: 'Back in the queue',
  PR_OPENED: 'Pull request opened',
  PR_MERGED: 'Pull request merged',
  PR_CLOSED: 'Pull request closed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  RETRIED: 'Retried',
  REGISTERED: 'Registered',
  REREGISTERED: 'Registered again',
  TASK_ASSIGNED: 'Took a task',
  TASK_RELEASED: 'Finished with its task',
  WENT_STALE: 'Went stale',
  CRASHED: 'Crashed',
  WENT_OFFLINE: 'Signed off',
};

/** A short human summary of an event's payload (issue/PR numbers, errors, questions). */
function summary(type: string, payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  if (type === 'ISSUE_OPENED') return `issue #${String(p.number)}`;
  if (type === 'PR_OPENED') return `PR #${String(p.number)}${p.title ? ` · ${String(p.title)}` : ''}`;
  if (type === 'PR_MERGED') return `merge ${String(p.sha).slice(0, 10)}`;
  if (type === 'CODING_STARTED') return `branch ${String(p.branch)}`;
  if (type === 'ASSIGNED') return p.agentName ? `agent ${String(p.agentName)}` : null;
  if (type === 'PROGRESS') return `${typeof p.percent === 'number' ? `${p.percent}% · ` : ''}${String(p.message)}`;
  if (Array.isArray(p.questions)) return `${p.questions.length} question${p.questions.length === 1 ? '' : 's'}`;
  if (Array.isArray(p.answers)) return `${p.answers.length} answer${p.answers.length === 1 ? '' : 's'}`;
  if (typeof p.error === 'string') return p.error;
  if (typeof p.reason === 'string') return p.reason;
  return null;
}

export function Timeline({ items, now }: { items: TimelineItem[]; now: number }) {
  const listRef = useRef<HTMLOListElement>(null);
  const count = items.length;
  useEffect(() => {
    // Follow the newest event, inside the timeline's own scroll box (not the whole page).
    const list = listRef.current;
    if (list) list.scrollTo({ top: list.scrollHeight, behavior: 'smooth' });
  }, [count]);

  if (count === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol className="timeline" ref={listRef} aria-label="Timeline" data-testid="timeline">
      {items.map((item) => {
        const detail = summary(item.type, item.payload);
        return (
          <li key={item.cursor} data-type={item.type} data-version={item.version}>
            <span className="timeline-dot" aria-hidden="true" />
            <div>
              <div className="timeline-head">
                <strong>{TYPE_LABEL[item.type] ?? item.type}</strong>
                <span className="muted">v{item.version}</span>
              </div>
              <div className="timeline-meta">
                <time dateTime={item.at} title={formatTime(item.at)}>
                  {relativeTime(item.at, now)}
                </time>
                {item.actor ? <span> · by {item.actor}</span> : null}
                {detail ? <span className="timeline-detail"> · {detail}</span> : null}
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
