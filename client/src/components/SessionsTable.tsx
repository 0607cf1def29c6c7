/**
 * Sessions as a table: on the task page (its attempts, by agent) and on the Agents page (an
 * agent's sessions, by task). The two lead with a different column; the rest is the same.
 */
import type { ReactNode } from 'react';
import type { SessionOutcome } from '../gql/graphql';
import { formatCost, formatTokens } from '../lib/money';
import { formatDuration, formatTime } from '../lib/time';

export const OUTCOME_LABEL: Record<SessionOutcome, string> = {
  RUNNING: 'running',
  PR_OPENED: 'PR opened',
  RELEASED: 'released by its worker',
  CRASHED: 'agent crashed',
  STUCK: 'agent stuck',
  STOPPED: 'agent signed off',
  REQUEUED: 'requeued',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  BUDGET: 'budget reached',
};

export interface SessionRow {
  key: string;
  /** The leading column: the agent's name, or a link to the task. */
  lead: ReactNode;
  attempt: number;
  startedAt: string;
  endedAt?: string | null;
  outcome: SessionOutcome;
  reason?: string | null;
  iterations: number;
  lastIteration?: { n: number; summary: string } | null;
  usage: { inputTokens: number; outputTokens: number; costMicros: number };
  model?: string | null;
  queuedMs?: number | null;
}

export function SessionsTable({ rows, lead, now, testId }: { rows: SessionRow[]; lead: string; now: number; testId: string }) {
  return (
    <table className="sessions" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{lead}</th>
          <th scope="col">Waited</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col">Outcome</th>
          <th scope="col">Iterations</th>
          <th scope="col">Tokens</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.key} data-outcome={s.outcome}>
            <td>{s.attempt}</td>
            <td>{s.lead}</td>
            <td title="How long the task waited in the queue for this agent">{s.queuedMs === null || s.queuedMs === undefined ? '—' : formatDuration(s.queuedMs)}</td>
            <td>
              <time dateTime={s.startedAt} title={formatTime(s.startedAt)}>
                {new Date(s.startedAt).toLocaleTimeString()}
              </time>
            </td>
            <td>{formatDuration((s.endedAt ? Date.parse(s.endedAt) : now) - Date.parse(s.startedAt))}</td>
            <td>
              <span className={`badge outcome-${s.outcome.toLowerCase()}`} title={s.reason ?? undefined}>
                {OUTCOME_LABEL[s.outcome]}
              </span>
            </td>
            <td title={s.lastIteration ? `#${s.lastIteration.n}: ${s.lastIteration.summary}` : undefined}>
              {s.iterations}
              {s.lastIteration ? <span className="muted"> · {s.lastIteration.summary}</span> : null}
            </td>
            <td>{formatTokens(s.usage.inputTokens + s.usage.outputTokens)}</td>
            <td>
              {formatCost(s.usage.costMicros)}
              {s.model ? <span className="muted"> · {s.model}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
