/**
 * The selected agent's sessions on the Agents page: every task it was given that the viewer may
 * read, newest first (its running one first), read again whenever the agent changes version.
 */
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../gql';
import { formatCost, formatTokens } from '../lib/money';
import { formatDuration, formatTime } from '../lib/time';
import { tasks } from '../stores';
import { OUTCOME_LABEL } from './TaskWork';

const AgentSessionsQuery = graphql(`
  query AgentSessions($agentId: ID!) {
    agentSessions(agentId: $agentId, first: 20) {
      taskId
      attempt
      startedAt
      endedAt
      outcome
      reason
      iterations
      usage {
        inputTokens
        outputTokens
        costMicros
      }
    }
  }
`);

export function AgentSessions({ agentId, agentName, version, now }: { agentId: string; agentName: string; version: number; now: number }) {
  // A new context (memoized per version) makes urql run the query again: once per agent version.
  const context = useMemo(() => ({ version }), [version]);
  const [{ data, error }] = useQuery({ query: AgentSessionsQuery, variables: { agentId }, requestPolicy: 'network-only', context });
  const sessions = data?.agentSessions ?? [];
  return (
    <section className="card sessions-card" aria-labelledby="agent-sessions-heading">
      <h2 id="agent-sessions-heading">Sessions: {agentName}</h2>
      {error ? <p role="alert" className="error-text">{error.message}</p> : null}
      {sessions.length === 0 ? (
        <p className="muted">It has not worked on a task you may see.</p>
      ) : (
        <table className="sessions" data-testid="agent-sessions">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Attempt</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Outcome</th>
              <th scope="col">Iterations</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={`${s.taskId}:${s.attempt}`} data-outcome={s.outcome}>
                <td>
                  <Link href={`/tasks/${s.taskId}`}>{tasks.get(s.taskId)?.title ?? s.taskId.slice(0, 8)}</Link>
                </td>
                <td>{s.attempt}</td>
                <td title={formatTime(s.startedAt)}>{new Date(s.startedAt).toLocaleTimeString()}</td>
                <td>{formatDuration((s.endedAt ? Date.parse(s.endedAt) : now) - Date.parse(s.startedAt))}</td>
                <td>
                  <span className={`badge outcome-${s.outcome.toLowerCase()}`} title={s.reason ?? undefined}>
                    {OUTCOME_LABEL[s.outcome]}
                  </span>
                </td>
                <td>{s.iterations}</td>
                <td>{formatTokens(s.usage.inputTokens + s.usage.outputTokens)}</td>
                <td>{formatCost(s.usage.costMicros)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
