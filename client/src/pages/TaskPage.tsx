import { useEffect, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { Clarification } from '../components/Clarification';
import { StatusBadge } from '../components/StatusBadge';
import { TaskActions } from '../components/TaskActions';
import { TaskDetail } from '../components/TaskDetail';
import { PrivateTag, TaskPageNotices } from '../components/TaskNotices';
import { TaskFailure } from '../components/TaskFailure';
import { TaskLogs } from '../components/TaskLogs';
import { TaskBudget, TaskSessions } from '../components/TaskWork';
import { Timeline } from '../components/Timeline';
import { TaskDiagram } from '../diagram/TaskDiagram';
import { graphql, useFragment } from '../gql';
import type { TaskTimelineSubscription } from '../gql/graphql';
import { useMachineDefinition } from '../lib/machines';
import { useSession } from '../lib/session';
import { formatTime, relativeTime, useNow } from '../lib/time';
import { useStoreItem } from '../lib/versioned-store';
import { tasks } from '../stores';

/** What this page renders itself; its cards read their own fragments. */
export const TaskPage_task = graphql(`
  fragment TaskPage_task on Task {
    id
    version
    title
    description
    createdAt
    creator {
      id
      name
    }
    status
    availableActions
    progress {
      message
      percent
    }
    error
    sessions {
      attempt
    }
    ...StatusBadge_task
    ...TaskNotices_task
    ...TaskDetail_task
    ...TaskWork_task
    ...TaskFailure_task
    ...Clarification_task
  }
`);

const TaskQuery = graphql(`
  query TaskPage($id: ID!) {
    task(id: $id) {
      ...LiveTask_task
    }
  }
`);

const TimelineSubscription = graphql(`
  subscription TaskTimeline($taskId: ID!, $after: String) {
    timeline(taskId: $taskId, after: $after) {
      cursor
      ...TimelineEntry_event
      ...TaskDiagram_event
    }
  }
`);

type TimelineEvent = TaskTimelineSubscription['timeline'];

export function TaskPage({ id }: { id: string }) {
  const viewer = useSession()!.viewer;
  const now = useNow(1000);
  const [{ data, fetching }] = useQuery({ query: TaskQuery, variables: { id }, requestPolicy: 'network-only' });
  useEffect(() => {
    if (data?.task) tasks.load([data.task]);
  }, [data]);
  const task = useFragment(TaskPage_task, useStoreItem(tasks, id));

  // The whole history (after: null), then live; resumes from the last cursor on reconnect.
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  useEffect(() => setEvents([]), [id]);
  useSubscription({ query: TimelineSubscription, variables: { taskId: id, after: null } }, (_prev, message) => {
    const event = message.timeline;
    // A cursor already shown is never shown twice.
    setEvents((list) => (list.some((e) => e.cursor === event.cursor) ? list : [...list, event]));
    return message;
  });

  const definition = useMachineDefinition('task');

  if (!task) {
    return fetching || !data ? (
      <p className="muted">Loading task…</p>
    ) : (
      <div className="card">
        <h1>Task not found</h1>
        <p>It does not exist, or you are not allowed to see it.</p>
        <Link href="/">Back to tasks</Link>
      </div>
    );
  }

  const mine = task.creator.id === viewer.id;

  return (
    <article className="task-page" data-task-id={task.id}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Tasks</Link> / <span>{task.title}</span>
      </nav>
      <header className="task-header card">
        <div>
          <h1>{task.title}</h1>
          <p className="task-meta">
            created by <strong>{task.creator.name}</strong> ·{' '}
            <time dateTime={task.createdAt} title={formatTime(task.createdAt)}>
              {relativeTime(task.createdAt, now)}
            </time>{' '}
            · version {task.version}
            <PrivateTag task={task} viewer={viewer} />
          </p>
          {task.description ? <p className="description">{task.description}</p> : null}
        </div>
        <div className="task-header-side">
          <StatusBadge task={task} />
          <TaskActions taskId={task.id} available={mine ? task.availableActions : []} />
        </div>
      </header>

      <TaskPageNotices task={task} now={now} viewer={viewer} />
      {task.status === 'CODING' && task.progress ? (
        <div className="card progress-card" role="status" aria-label="Coding progress">
          <span>{task.progress.message}</span>
          {task.progress.percent !== null && task.progress.percent !== undefined ? (
            <progress max={100} value={task.progress.percent}>{task.progress.percent}%</progress>
          ) : null}
        </div>
      ) : null}
      {task.status === 'FAILED' ? (
        <TaskFailure task={task} />
      ) : task.error ? (
        <div role="alert" className="banner error">
          <strong>Failed:</strong> {task.error}
        </div>
      ) : null}

      <div className="task-grid">
        <TaskDetail task={task} />

        <TaskBudget task={task} canSet={mine} />

        <Clarification task={task} canAnswer={mine} />

        <TaskSessions task={task} now={now} />

        <TaskLogs taskId={task.id} attempts={task.sessions.map((s) => s.attempt)} />

        <section className="card timeline-card" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <Timeline items={events} now={now} />
        </section>

        <section className="card diagram-card" aria-labelledby="diagram-heading">
          <h2 id="diagram-heading">State diagram</h2>
          {definition ? (
            <TaskDiagram definition={definition} events={events} height={620} />
          ) : (
            <p className="muted">Loading diagram…</p>
          )}
        </section>
      </div>
    </article>
  );
}
