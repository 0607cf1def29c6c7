/**
 * Keeps the task store live for the whole app: loads the visible tasks once, then follows
 * `taskUpdated` from the cursor that list was read at, so nothing between the two is missed.
 * On reconnect the resume forwarder continues from the last cursor seen (lib/resume.ts).
 */
import { useEffect, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../gql';
import { tasks } from '../stores';

const InitialTasks = graphql(`
  query InitialTasks {
    tasks(first: 200) {
      cursor
      pageInfo {
        hasNextPage
      }
      nodes {
        ...LiveTask_task
      }
    }
  }
`);

const LiveTaskUpdates = graphql(`
  subscription LiveTaskUpdates($after: String) {
    taskUpdated(after: $after) {
      cursor
      event
      task {
        ...LiveTask_task
      }
    }
  }
`);

export function LiveTasks() {
  const [{ data, error }] = useQuery({ query: InitialTasks, requestPolicy: 'network-only' });
  const [after, setAfter] = useState<string | null>(null);

  useEffect(() => {
    if (!data) return;
    // More than one page: the dashboard says it shows part of what the counts count.
    tasks.load(data.tasks.nodes, { complete: true, truncated: data.tasks.pageInfo.hasNextPage });
    // Only the first answer fixes the starting cursor; later refetches must not restart the stream.
    setAfter((current) => current ?? data.tasks.cursor);
  }, [data]);

  useSubscription(
    { query: LiveTaskUpdates, variables: { after }, pause: after === null },
    (_previous, message) => {
      const update = message.taskUpdated;
      tasks.apply(update.task, { isNew: update.event === 'CREATED' });
      return message;
    },
  );

  if (error) {
    return (
      <div role="alert" className="banner error">
        Could not load tasks: {error.message}
      </div>
    );
  }
  return null;
}
