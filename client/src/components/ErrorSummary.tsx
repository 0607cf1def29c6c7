/**
 * The org's failures of the last 24 hours by code, on the dashboard. Read again whenever the
 * failed count changes (`failed`, from the live counts), which is when it can change.
 */
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../gql';

const Summary = graphql(`
  query ErrorSummary {
    errorSummary(hours: 24) {
      total
      more
      byCode {
        code
        count
        lastMessage
        lastTaskId
      }
    }
  }
`);

export function ErrorSummary({ failed }: { failed: number | null }) {
  const context = useMemo(() => ({ failed }), [failed]);
  const [{ data }] = useQuery({ query: Summary, requestPolicy: 'network-only', context });
  const summary = data?.errorSummary;
  if (!summary || summary.total === 0) return null;
  return (
    <section className="card error-summary" aria-labelledby="errors-heading" data-testid="error-summary">
      <h2 id="errors-heading">
        Failures, last 24 h: {summary.total}
        {summary.more ? '+' : ''}
      </h2>
      <ul>
        {summary.byCode.map((c) => (
          <li key={c.code} data-code={c.code}>
            <code>{c.code}</code> × {c.count} <span className="muted">· latest: </span>
            <Link href={`/tasks/${c.lastTaskId}`}>{c.lastMessage}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
