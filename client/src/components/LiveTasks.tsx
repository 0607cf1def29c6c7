/**
 * Keeps the task store live for the whole app: reads where the log is (the cursor of a one-task
 * read), then follows `taskUpdated` from there (lib/live-list.ts), for every task the viewer may
 * see. What is listed is read page by page by the dashboard (lib/dashboard-view.ts), only once
 * this stream's start is known (`tasks.loaded`), so no change after a page's read is missed.
 */
import { graphql } from '../gql';
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
