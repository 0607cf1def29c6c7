import { useEffect, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { Timeline } from '../components/Timeline';
import { StateDiagram } from '../diagram/StateDiagram';
import { graphql } from '../gql';
import type { AgentRow_AgentFragment } from '../gql/graphql';
import { useMachineDefinition } from '../lib/machines';
import { relativeTime, useNow } from '../lib/time';
import { useStore, VersionedStore } from '../lib/versioned-store';

export const AgentRow_agent = graphql(`
  fragment AgentRow_agent on Agent {
    id
    name
    status
    health
    state
    version
    lastHeartbeatAt
    registeredAt
    currentTask {
      id
      title
    }
  }
`);

const Agents = graphql(`
  query Agents {
    agentList {
      cursor
      nodes {
        ...AgentRow_agent
      }
    }
  }
`);

const AgentUpdates = graphql(`
  subscription AgentUpdates($after: String) {
    agentUpdated(after: $after) {
      cursor
      agent {
        ...AgentRow_agent
      }
    }
  }
`);

const AgentTimeline = graphql(`
  query AgentTimeline($agentId: ID!) {
    agentTimeline(agentId: $agentId, first: 500) {
      cursor
      version
      type
      at
      actor
      payload
    }
  }
`);

const agents = new VersionedStore<AgentRow_AgentFragment>();

/** The selected agent's recent history; refetched whenever its version moves. */
function AgentActivity({ agentId, version, now }: { agentId: string; version: number; now: number }) {
  const [{ data }, refetch] = useQuery({ query: AgentTimeline, variables: { agentId }, requestPolicy: 'network-only' });
  useEffect(() => refetch({ requestPolicy: 'network-only' }), [version, refetch]);
  const items = (data?.agentTimeline ?? []).filter((e) => e.type !== 'HEARTBEAT').slice(-12);
  return (
    <section className="card" aria-labelledby="agent-activity-heading">
      <h2 id="agent-activity-heading">Recent activity</h2>
      <Timeline items={items} now={now} />
    </section>
  );
}

export function AgentsPage() {
  const now = useNow(1000);
  const [{ data, error }] = useQuery({ query: Agents, requestPolicy: 'network-only' });
  const [after, setAfter] = useState<string | null>(null);
  useEffect(() => {
    if (!data) return;
    agents.load(data.agentList.nodes, { complete: true });
    setAfter((current) => current ?? data.agentList.cursor);
  }, [data]);
  useSubscription({ query: AgentUpdates, variables: { after }, pause: after === null }, (_p, message) => {
    agents.apply(message.agentUpdated.agent);
    return message;
  });
  const list = useStore(agents).sort((a, b) => a.name.localeCompare(b.name));
  const [selected, setSelected] = useState<string | null>(null);
  const shown = list.find((a) => a.id === selected) ?? list[0];
  const definition = useMachineDefinition('agent');

  return (
    <div className="agents-page">
      <section className="card" aria-labelledby="agents-heading">
        <h1 id="agents-heading">Agents</h1>
        {error ? <p role="alert" className="error-text">{error.message}</p> : null}
        {list.length === 0 ? (
          <p className="muted">
            No agents registered in your org yet. Workers register with the <code>registerAgent</code> mutation and send{' '}
            <code>agentHeartbeat</code> to stay healthy.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="agents">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Health</th>
                  <th scope="col">Current task</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col"><span className="visually-hidden">Diagram</span></th>
                </tr>
              </thead>
              <tbody>
                {list.map((agent) => (
                  <tr key={agent.id} data-agent-id={agent.id} aria-selected={shown?.id === agent.id}>
                    <th scope="row">{agent.name}</th>
                    <td><span className={`badge agent-${agent.status.toLowerCase()}`}>{agent.status === 'BUSY' ? 'Busy' : 'Idle'}</span></td>
                    <td><span key={agent.health} className={`badge health-${agent.health.toLowerCase()}`}>{agent.health.toLowerCase()}</span></td>
                    <td>{agent.currentTask ? <Link href={`/tasks/${agent.currentTask.id}`}>{agent.currentTask.title}</Link> : <span className="muted">—</span>}</td>
                    <td>
                      <time dateTime={agent.lastHeartbeatAt} title={new Date(agent.lastHeartbeatAt).toLocaleString()}>
                        {relativeTime(agent.lastHeartbeatAt, now)}
                      </time>
                    </td>
                    <td>
                      <button type="button" className="button subtle" onClick={() => setSelected(agent.id)} aria-pressed={shown?.id === agent.id}>
                        Show diagram
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {shown ? <AgentActivity agentId={shown.id} version={shown.version} now={now} /> : null}
      <section className="card diagram-card" aria-labelledby="agent-diagram-heading">
        <h2 id="agent-diagram-heading">Agent state machine{shown ? `: ${shown.name}` : ''}</h2>
        {definition ? (
          <StateDiagram definition={definition} current={shown?.state} title={shown ? `Agent ${shown.name} state diagram` : 'Agent state diagram'} />
        ) : (
          <p className="muted">Loading diagram…</p>
        )}
      </section>
    </div>
  );
}
