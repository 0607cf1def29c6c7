/**
 * Keeps the task store live for the whole app: loads the visible tasks once, then follows
 * `taskUpdated` from the cursor that list was read at (lib/live-list.ts).
 */
import { graphql } from '../gql';
import { useLiveList } from '../lib/live-list';
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
  const error = useLiveList(
    InitialTasks,
    LiveTaskUpdates,
    (data) => {
      // More than one page: the dashboard says it shows part of what the counts count.
      tasks.load(data.tasks.nodes, { complete: true, truncated: data.tasks.pageInfo.hasNextPage });
      return data.tasks.cursor;
    },
    ({ taskUpdated }) => tasks.apply(taskUpdated.task, { isNew: taskUpdated.event === 'CREATED' }),
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
