import { AgentSessions } from '../components/AgentSessions';
import { Backlog } from '../components/Backlog';
import { useEffect, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { Link } from 'wouter';
import { Timeline, type TimelineItem } from '../components/Timeline';
import { StateDiagram } from '../diagram/StateDiagram';
import { graphql, useFragment, type FragmentType } from '../gql';
import type { AgentHealth, AgentsPage_AgentFragment } from '../gql/graphql';
import { useLiveList } from '../lib/live-list';
import { cursorExpired } from '../lib/resume';
import { useMachineDefinition } from '../lib/machines';
import { relativeTime, useNow } from '../lib/time';
import { useStore, useStoreItem, VersionedStore } from '../lib/versioned-store';
import { tasks } from '../stores';

/**
 * What the agent store holds per agent: id and version (the store's ordering of updates), name
 * (the sort, the activity and diagram headings) and state (the diagram); each row reads its own
 * fragment, masked here.
 */
export const AgentsPage_agent = graphql(`
  fragment AgentsPage_agent on Agent {
    id
    version
    name
    state
    currentTaskId
    lastActivity
    ...AgentRow_agent
  }
`);

export const AgentRow_agent = graphql(`
  fragment AgentRow_agent on Agent {
    id
    name
    status
    health
    lastActivity
    lastProgressAt
    lastHeartbeatAt
    currentTaskId
    ...CurrentTask_agent
  }
`);

export const CurrentTask_agent = graphql(`
  fragment CurrentTask_agent on Agent {
    status
    currentTaskId
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
        ...AgentsPage_agent
      }
    }
  }
`);

const AgentUpdates = graphql(`
  subscription AgentUpdates($after: String) {
    agentUpdated(after: $after) {
      cursor
      agent {
        ...AgentsPage_agent
      }
    }
  }
`);

const TIMELINE_PAGE = 500;
const AgentTimeline = graphql(`
  query AgentTimeline($agentId: ID!, $after: String) {
    agentTimeline(agentId: $agentId, after: $after, first: 500) {
      cursor
      type
      ...TimelineEntry_event
    }
  }
`);

/** Unmasks each agent's AgentsPage_agent once, as it enters the store (lib/versioned-store.ts). */
const agents = new VersionedStore<AgentsPage_AgentFragment, FragmentType<typeof AgentsPage_agent>>((ref) => useFragment(AgentsPage_agent, ref));

const HEALTH_TITLE: Record<AgentHealth, string> = {
  HEALTHY: 'Heartbeating, and reporting on its task',
  STUCK: 'Heartbeats, but has reported nothing on its task for too long: its task is held, and goes back to the queue if it stays silent as long again',
  STALE: 'Missed its heartbeats: its task is held',
  CRASHED: 'No heartbeat for long: its task went back to the queue',
  OFFLINE: 'Signed off',
};

const AgentTaskTitle = graphql(`
  query AgentTaskTitle($id: ID!) {
    task(id: $id) {
      id
      title
    }
  }
`);

/**
 * The agent's task: its title when the viewer may read it. `currentTask` answers per viewer
 * (`@viewerDependent` in the SDL, so live agent updates carry a private task to its creator and
 * to the user its grant names); when an update or the list has none yet, the viewer's task
 * store fills in what it can, else the task is asked for by id once. Otherwise a busy agent
 * shows that it works on a task the viewer may not read, never "nothing".
 */
function CurrentTask(props: { agent: FragmentType<typeof CurrentTask_agent> }) {
  const agent = useFragment(CurrentTask_agent, props.agent);
  const id = agent.currentTaskId ?? agent.currentTask?.id ?? null;
  const stored = useStoreItem(tasks, id ?? '');
  const known = agent.currentTask ?? stored;
  const [{ data }] = useQuery({ query: AgentTaskTitle, variables: { id: id ?? '' }, pause: !id || known !== undefined });
  const task = known ?? data?.task;
  if (task) return <Link href={`/tasks/${task.id}`}>{task.title}</Link>;
  if (id) return <span className="muted" title="It works on a private task of someone else">a private task</span>;
  return <span className="muted">{agent.status === 'BUSY' ? 'a task (not reported)' : '—'}</span>;
}

const RECENT = 12;

/**
 * The selected agent's recent history (heartbeats left out). `agentTimeline` reads in order from
 * a cursor, so the first read pages through to the end once, and every later version of the
 * agent reads only what came after the last cursor seen (a single `first: 500` from the start
 * showed an agent's first 500 events forever, once it had more).
 */
function AgentActivity({ agent, now }: { agent: AgentsPage_AgentFragment; now: number }) {
  const client = useClient();
  const [items, setItems] = useState<TimelineItem[]>([]);
  const after = useRef<string | null>(null);
  const reading = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);
  const agentId = agent.id;

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(() => {
    // One reader at a time; a version that moves meanwhile makes it read once more.
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    void (async () => {
      try {
        do {
          again.current = false;
          for (;;) {
            const result = await client.query(AgentTimeline, { agentId, after: after.current }, { requestPolicy: 'network-only' }).toPromise();
            if (after.current !== null && cursorExpired(result.error?.graphQLErrors)) {
              // The server archived what came after the last cursor seen: read what it keeps.
              after.current = null;
              setItems([]);
              continue;
            }
            const page = result.data?.agentTimeline ?? [];
            if (!alive.current || page.length === 0) break;
            after.current = page[page.length - 1].cursor;
            const shown = page.filter((e) => e.type !== 'HEARTBEAT');
            if (shown.length > 0) setItems((list) => [...list, ...shown.filter((e) => !list.some((x) => x.cursor === e.cursor))].slice(-RECENT));
            if (page.length < TIMELINE_PAGE) break;
          }
        } while (again.current && alive.current);
      } finally {
        reading.current = false;
      }
    })();
  }, [client, agentId, agent.version]);

  return (
    <section className="card" aria-labelledby="agent-activity-heading">
      <h2 id="agent-activity-heading">Recent activity: {agent.name}</h2>
      <Timeline items={items} now={now} taskTitle={(id) => tasks.get(id)?.title} />
    </section>
  );
}

function AgentRow(props: { agent: FragmentType<typeof AgentRow_agent>; now: number; selected: boolean; onSelect: () => void }) {
  const agent = useFragment(AgentRow_agent, props.agent);
  const { now, selected } = props;
  return (
    <tr data-agent-id={agent.id} aria-selected={selected}>
      <th scope="row">{agent.name}</th>
      <td><span className={`badge agent-${agent.status.toLowerCase()}`}>{agent.status === 'BUSY' ? 'Busy' : 'Idle'}</span></td>
      <td>
        <span key={agent.health} className={`badge health-${agent.health.toLowerCase()}`} data-health={agent.health} title={HEALTH_TITLE[agent.health]}>
          {agent.health.toLowerCase()}
        </span>
      </td>
      <td data-testid="current-task"><CurrentTask agent={agent} /></td>
      <td className="agent-activity">{agent.lastActivity ?? <span className="muted">—</span>}</td>
      <td>
        {agent.lastProgressAt ? (
          <time dateTime={agent.lastProgressAt} title={new Date(agent.lastProgressAt).toLocaleString()}>
            {relativeTime(agent.lastProgressAt, now)}
          </time>
        ) : (
          <span className="muted">{agent.currentTaskId ? 'none yet' : '— (idle)'}</span>
        )}
      </td>
      <td>
        <time dateTime={agent.lastHeartbeatAt} title={new Date(agent.lastHeartbeatAt).toLocaleString()}>
          {relativeTime(agent.lastHeartbeatAt, now)}
        </time>
      </td>
      <td>
        <button type="button" className="button subtle" onClick={props.onSelect} aria-pressed={selected}>
          Show diagram
        </button>
      </td>
    </tr>
  );
}

export function AgentsPage() {
  const now = useNow(1000);
  const error = useLiveList(
    Agents,
    AgentUpdates,
    (data) => {
      agents.load(data.agentList.nodes, { complete: true });
      return data.agentList.cursor;
    },
    ({ agentUpdated }) => agents.apply(agentUpdated.agent),
  );
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
                  <th scope="col">Last activity</th>
                  <th scope="col">Last report on its task</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col"><span className="visually-hidden">Diagram</span></th>
                </tr>
              </thead>
              <tbody>
                {list.map((agent) => (
                  <AgentRow key={agent.id} agent={agent} now={now} selected={shown?.id === agent.id} onSelect={() => setSelected(agent.id)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {/* Read again when an agent takes or lets go of a task (the queue moves), not at every heartbeat. */}
      <Backlog changed={list.map((a) => `${a.id}:${a.currentTaskId ?? ''}`).join()} now={now} />
      {shown ? (
        <AgentSessions key={`sessions-${shown.id}`} agentId={shown.id} agentName={shown.name} changed={`${shown.currentTaskId ?? ''}|${shown.lastActivity ?? ''}`} now={now} />
      ) : null}
      {shown ? <AgentActivity key={shown.id} agent={shown} now={now} /> : null}
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
