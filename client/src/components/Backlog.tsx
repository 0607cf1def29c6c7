/**
 * The org's queue on the Agents page: how many tasks wait for an agent, for how long the oldest
 * has, and why they wait. Read again every few seconds and whenever an agent takes or lets go of a
 * task (`changed`), which is when the queue moves; a heartbeat does not move it.
 */
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { formatDuration } from '../lib/time';

const BacklogQuery = graphql(`
  query Backlog {
    backlog {
      waiting
      oldestSince
      more
      byCode {
        code
        count
      }
    }
  }
`);

const CODE_LABEL: Record<string, string> = {
  NO_AGENT_ONLINE: 'no agent online',
  ALL_AGENTS_BUSY: 'all agents busy',
  AGENTS_UNHEALTHY: 'agents unhealthy',
};

export function Backlog({ changed, now }: { changed: string; now: number }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 5000);
    return () => clearInterval(timer);
  }, []);
  const context = useMemo(() => ({ changed, tick }), [changed, tick]);
  const [{ data, error }] = useQuery({ query: BacklogQuery, requestPolicy: 'network-only', context });
  const backlog = data?.backlog;
  return (
    <section className="card backlog-card" aria-labelledby="backlog-heading">
      <h2 id="backlog-heading">Backlog</h2>
      {error ? <p role="alert" className="error-text">{error.message}</p> : null}
      {backlog ? (
        <p data-testid="backlog">
          <strong>{backlog.waiting}{backlog.more ? '+' : ''}</strong> task{backlog.waiting === 1 ? '' : 's'} waiting for an agent
          {backlog.oldestSince ? <> · the oldest for <strong>{formatDuration(now - Date.parse(backlog.oldestSince))}</strong></> : null}
          {backlog.byCode.length > 0 ? (
            <span className="muted"> · {backlog.byCode.map((c) => `${c.count} ${CODE_LABEL[c.code] ?? c.code}`).join(', ')}</span>
          ) : null}
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
