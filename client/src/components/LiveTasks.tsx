/**
 * Keeps the task store live for the whole app: reads where the log is (the cursor of a one-task
 * read), then follows `taskUpdated` from there (lib/live-list.ts), for every task the viewer may
 * see. What is listed is read page by page by the dashboard (lib/dashboard-view.ts), only once
 * this stream's start is known (`tasks.loaded`), so no change after a page's read is missed; if
 * the server no longer keeps the events after the stream's cursor (CURSOR_EXPIRED), the stream
 * restarts from a new read and the lists are read again.
 */
import { useClient } from 'urql';
import { graphql } from '../gql';
import { restartViews } from '../lib/dashboard-view';
import { useLiveList } from '../lib/live-list';
import { taskRef, tasks, updateKeys } from '../stores';

const LiveStart = graphql(`
  query LiveStart {
    tasks(first: 1) {
      cursor
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
  const client = useClient();
  const error = useLiveList(
    LiveStart,
    LiveTaskUpdates,
    (data) => {
      tasks.load([], { complete: true });
      return data.tasks.cursor;
    },
    ({ taskUpdated }) => {
      // The update's cursor is the task's key in "latest change first" order (lib/update-keys.ts).
      const task = taskRef(taskUpdated.task);
      updateKeys.note(task.id, task.version, taskUpdated.cursor);
      tasks.apply(taskUpdated.task, { isNew: taskUpdated.event === 'CREATED' });
    },
    // The stream's cursor expired and it restarted from a newer one: the lists read again.
    () => restartViews(client),
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
