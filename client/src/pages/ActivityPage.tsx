/**
 * The org's activity feed: every transition of its tasks and agents the viewer may see, newest
 * first, live, filtered by event type and agent. It starts a few hundred events back (the log's
 * cursor minus RECENT) and then follows; a dropped connection resumes after the last event seen.
 */
import { useMemo, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { TYPE_LABEL } from '../components/Timeline';
import { graphql } from '../gql';
import type { ActivityFeedSubscription } from '../gql/graphql';
import { formatTime, relativeTime, useNow } from '../lib/time';

const Start = graphql(`
  query ActivityStart {
    tasks(first: 1) {
      cursor
    }
    agents {
      id
      name
    }
  }
`);

const Feed = graphql(`
  subscription ActivityFeed($filter: ActivityFilter, $after: String) {
    activity(filter: $filter, after: $after) {
      cursor
      entityType
      entityId
      version
      type
      at
      actor
      task {
        id
        title
      }
      agent {
        id
        name
      }
    }
  }
`);

type Event = ActivityFeedSubscription['activity'];
/** How far back the page starts, in log events; and how many it keeps. */
const RECENT = 300;
const KEPT = 500;

export function ActivityPage() {
  const now = useNow(5000);
  const [{ data }] = useQuery({ query: Start, requestPolicy: 'network-only' });
  const [type, setType] = useState('');
  const [agentId, setAgentId] = useState('');
  const [heartbeats, setHeartbeats] = useState(false);
  const start = data ? String(Math.max(0, Number(data.tasks.cursor) - RECENT)) : null;
  const filter = useMemo(
    () => ({ ...(type ? { types: [type] } : {}), ...(agentId ? { agentId } : {}), ...(heartbeats ? {} : { excludeTypes: ['HEARTBEAT'] }) }),
    [type, agentId, heartbeats],
  );
  return (
    <section className="card activity-page" aria-labelledby="activity-heading">
      <div className="logs-head">
        <h1 id="activity-heading">Activity</h1>
        <label>
          Event{' '}
          <select value={type} onChange={(e) => setType(e.target.value)} aria-label="Event type">
            <option value="">all</option>
            {Object.entries(TYPE_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agent{' '}
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)} aria-label="Agent">
            <option value="">all</option>
            {(data?.agents ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={heartbeats} onChange={(e) => setHeartbeats(e.target.checked)} /> heartbeats
        </label>
      </div>
      {start === null ? <p className="muted">Loading…</p> : <FeedList key={`${type}:${agentId}:${heartbeats}`} after={start} filter={filter} now={now} />}
    </section>
  );
}

function FeedList({ after, filter, now }: { after: string; filter: Record<string, unknown>; now: number }) {
  const [events, setEvents] = useState<Event[]>([]);
  useSubscription({ query: Feed, variables: { filter, after } }, (_prev, message) => {
    const e = message.activity;
    setEvents((list) => (list.length > 0 && Number(list[0].cursor) >= Number(e.cursor) ? list : [e, ...list].slice(0, KEPT)));
    return message;
  });
  if (events.length === 0) return <p className="muted">Nothing yet. Every transition of your org's tasks and agents appears here as it commits.</p>;
  return (
    <ol className="activity" data-testid="activity">
      {events.map((e) => (
        <li key={e.cursor} data-type={e.type} data-entity={e.entityType}>
          <time dateTime={e.at} title={formatTime(e.at)}>
            {relativeTime(e.at, now)}
          </time>
          <strong>{TYPE_LABEL[e.type] ?? e.type}</strong>
          {e.task ? (
            <Link href={`/tasks/${e.task.id}`}>{e.task.title}</Link>
          ) : e.agent ? (
            <span>agent {e.agent.name}</span>
          ) : null}
          <span className="muted">
            v{e.version}
            {e.actor ? ` · by ${e.actor}` : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}
