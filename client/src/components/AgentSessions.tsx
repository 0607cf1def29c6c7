/**
 * The selected agent's sessions on the Agents page: every task it was given that the viewer may
 * read, newest first (its running one first), read again when it takes a task, lets one go or
 * reports (`changed`): not at every heartbeat, each of which is a new version of the agent and
 * would read its whole timeline again.
 */
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../gql';
import { tasks } from '../stores';
import { SessionsTable } from './SessionsTable';

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
      queuedMs
      lastIteration {
        n
        summary
      }
      model
      usage {
        inputTokens
        outputTokens
        costMicros
      }
    }
  }
`);

export function AgentSessions({ agentId, agentName, changed, now }: { agentId: string; agentName: string; changed: string; now: number }) {
  // A new context (memoized per change) makes urql run the query again.
  const context = useMemo(() => ({ changed }), [changed]);
  const [{ data, error }] = useQuery({ query: AgentSessionsQuery, variables: { agentId }, requestPolicy: 'network-only', context });
  const sessions = data?.agentSessions ?? [];
  return (
    <section className="card sessions-card" aria-labelledby="agent-sessions-heading">
      <h2 id="agent-sessions-heading">Sessions: {agentName}</h2>
      {error ? <p role="alert" className="error-text">{error.message}</p> : null}
      {sessions.length === 0 ? (
        <p className="muted">It has not worked on a task you may see.</p>
      ) : (
        <SessionsTable
          testId="agent-sessions"
          lead="Task"
          now={now}
          rows={sessions.map((s) => ({ ...s, key: `${s.taskId}:${s.attempt}`, lead: <Link href={`/tasks/${s.taskId}`}>{tasks.get(s.taskId)?.title ?? s.taskId.slice(0, 8)}</Link> }))}
        />
      )}
    </section>
  );
}
