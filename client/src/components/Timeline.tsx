import { useEffect, useRef } from 'react';
import { graphql, useFragment, type FragmentType } from '../gql';
import { formatCost, formatTokens } from '../lib/money';
import { formatDuration, formatTime, humanizeTimes, relativeTime } from '../lib/time';

export const TimelineEntry_event = graphql(`
  fragment TimelineEntry_event on TimelineEvent {
    version
    type
    at
    actor
    payload
  }
`);

/** One entry as a page holds it: its cursor (the list's key) beside the entry's own fragment. */
export type TimelineItem = { cursor: string } & FragmentType<typeof TimelineEntry_event>;

export const TYPE_LABEL: Record<string, string> = {
  CREATED: 'Created',
  ANALYSIS_STARTED: 'Analysis started',
  CLARIFICATION_REQUESTED: 'Clarification requested',
  CLARIFICATION_ANSWERED: 'Questions answered',
  DISPATCHED: 'Dispatched',
  ISSUE_OPENED: 'Issue opened',
  ASSIGNED: 'Assigned to an agent',
  CODING_STARTED: 'Coding started',
  PROGRESS: 'Progress',
  WAITING: 'Waiting for an agent',
  HELD: 'Held',
  RESUMED: 'Resumed',
  REQUEUED: 'Back in the queue',
  PR_OPENED: 'Pull request opened',
  PR_MERGED: 'Pull request merged',
  PR_CLOSED: 'Pull request closed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  RETRIED: 'Retried',
  HEARTBEAT: 'Heartbeat',
  REGISTERED: 'Registered',
  REREGISTERED: 'Registered again',
  TASK_ASSIGNED: 'Took a task',
  TASK_RELEASED: 'Finished with its task',
  WENT_STALE: 'Went stale',
  STUCK: 'Stuck: no report on its task (task held)',
  ABANDONED: 'Gave up on its task (back to the queue)',
  CRASHED: 'Crashed',
  WENT_OFFLINE: 'Signed off',
  ITERATION: 'Iteration',
  USAGE_REPORTED: 'Usage reported',
  BUDGET_WARNING: 'Budget 80 % spent',
  BUDGET_REACHED: 'Budget reached: held',
  BUDGET_SET: 'Budget set',
};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * A short human summary of an event's payload (issue/PR numbers, errors, questions). A field an
 * older event does not carry is left out, never shown as "undefined".
 */
function summary(type: string, payload: unknown, now: number, taskTitle?: (id: string) => string | undefined): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  // Agent timelines: which task it took or let go, when the viewer has it.
  if (type === 'TASK_ASSIGNED' || type === 'TASK_RELEASED') {
    const title = text(p.taskId) && taskTitle?.(String(p.taskId));
    return title ? `“${title}”` : null;
  }
  if (type === 'ISSUE_OPENED') return p.number !== undefined ? `issue #${String(p.number)}` : null;
  if (type === 'PR_OPENED') return p.number !== undefined ? `PR #${String(p.number)}${text(p.title) ? ` · ${String(p.title)}` : ''}` : null;
  if (type === 'PR_MERGED') return text(p.sha) ? `merge ${String(p.sha).slice(0, 10)}` : null;
  // Task and agent timelines both; the agent's events from before it carried `branch` may have
  // a message instead.
  if (type === 'CODING_STARTED') return text(p.branch) ? `branch ${String(p.branch)}` : text(p.message);
  if (type === 'ASSIGNED') {
    const agent = text(p.agentName) ?? text(p.agentId);
    if (!agent) return null;
    return `agent ${agent}${text(p.grantedTo) ? ` · private: the user running it may read this task while it works on it` : ''}`;
  }
  if (type === 'PROGRESS') {
    const message = text(p.message);
    const percent = typeof p.percent === 'number' ? `${p.percent}%` : null;
    return [percent, message].filter(Boolean).join(' · ') || null;
  }
  if (type === 'ITERATION') return `#${String(p.n)}${text(p.summary) ? ` · ${String(p.summary)}` : ''}`;
  if (type === 'USAGE_REPORTED' || type === 'BUDGET_WARNING' || type === 'BUDGET_REACHED' || type === 'BUDGET_SET' || (type === 'RESUMED' && p.budgetMicros !== undefined)) {
    const parts: string[] = [];
    if (typeof p.costMicros === 'number') parts.push(`+${formatCost(p.costMicros)}`);
    if (typeof p.inputTokens === 'number' && typeof p.outputTokens === 'number') parts.push(`${formatTokens(p.inputTokens + p.outputTokens)} tokens`);
    if (text(p.model)) parts.push(String(p.model));
    if (typeof p.totalCostMicros === 'number' && type !== 'USAGE_REPORTED') {
      parts.push(`spent ${formatCost(p.totalCostMicros)} of ${typeof p.budgetMicros === 'number' ? formatCost(p.budgetMicros) : 'no limit'}`);
    }
    if (text(p.reason)) parts.push(String(p.reason));
    return parts.join(' · ') || null;
  }
  if (Array.isArray(p.questions)) return `${p.questions.length} question${p.questions.length === 1 ? '' : 's'}`;
  if (Array.isArray(p.answers)) return `${p.answers.length} answer${p.answers.length === 1 ? '' : 's'}`;
  if (text(p.error)) return humanizeTimes(String(p.error), now);
  if (text(p.reason)) return humanizeTimes(String(p.reason), now);
  return null;
}

export function Timeline({ items, now, taskTitle }: { items: readonly TimelineItem[]; now: number; taskTitle?: (id: string) => string | undefined }) {
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
      {items.map((item, i) => (
        <TimelineEntry key={item.cursor} event={item} previous={i > 0 ? items[i - 1] : undefined} now={now} taskTitle={taskTitle} />
      ))}
    </ol>
  );
}

function TimelineEntry(props: {
  event: FragmentType<typeof TimelineEntry_event>;
  previous?: FragmentType<typeof TimelineEntry_event>;
  now: number;
  taskTitle?: (id: string) => string | undefined;
}) {
  const item = useFragment(TimelineEntry_event, props.event);
  // How long the step before this entry lasted: the time between the two events.
  const previous = useFragment(TimelineEntry_event, props.previous);
  const { now } = props;
  const detail = summary(item.type, item.payload, now, props.taskTitle);
  return (
    <li data-type={item.type} data-version={item.version}>
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
          {previous ? (
            <span className="timeline-step" title="time since the entry before"> · +{formatDuration(Date.parse(item.at) - Date.parse(previous.at))}</span>
          ) : null}
          {item.actor ? <span> · by {item.actor}</span> : null}
          {detail ? <span className="timeline-detail"> · {detail}</span> : null}
        </div>
      </div>
    </li>
  );
}
