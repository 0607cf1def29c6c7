import { ErrorText } from '../components/ErrorText';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { Clarification } from '../components/Clarification';
import { StatusBadge } from '../components/StatusBadge';
import { heldReason, privacyText, WAIT_NEXT, waitFor } from '../components/TaskNotices';
import { Timeline, type TimelineItem } from '../components/Timeline';
import { DiagramReplay } from '../diagram/DiagramReplay';
import { graphql } from '../gql';
import { useMachineDefinition } from '../lib/machines';
import { useSession } from '../lib/session';
import { formatTime, relativeTime, useNow } from '../lib/time';
import { useStoreItem } from '../lib/versioned-store';
import { tasks } from '../stores';

const TaskQuery = graphql(`
  query TaskPage($id: ID!) {
    task(id: $id) {
      ...TaskDetail_task
    }
  }
`);

const TimelineSubscription = graphql(`
  subscription TaskTimeline($taskId: ID!, $after: String) {
    timeline(taskId: $taskId, after: $after) {
      cursor
      version
      type
      at
      actor
      payload
      state
    }
  }
`);

const Cancel = graphql(`
  mutation CancelTask($taskId: ID!) {
    cancelTask(taskId: $taskId) {
      ...TaskDetail_task
    }
  }
`);
const Retry = graphql(`
  mutation RetryTask($taskId: ID!) {
    retryTask(taskId: $taskId) {
      ...TaskDetail_task
    }
  }
`);

export function TaskPage({ id }: { id: string }) {
  const viewer = useSession()!.viewer;
  const now = useNow(1000);
  const [{ data, fetching }] = useQuery({ query: TaskQuery, variables: { id }, requestPolicy: 'network-only' });
  useEffect(() => {
    if (data?.task) tasks.load([data.task]);
  }, [data]);
  const task = useStoreItem(tasks, id);

  // The whole history (after: null), then live; resumes from the last cursor on reconnect.
  const [events, setEvents] = useState<(TimelineItem & { state: unknown })[]>([]);
  useEffect(() => setEvents([]), [id]);
  useSubscription({ query: TimelineSubscription, variables: { taskId: id, after: null } }, (_prev, message) => {
    const event = message.timeline;
    // A cursor already shown is never shown twice.
    setEvents((list) => (list.some((e) => e.cursor === event.cursor) ? list : [...list, event]));
    return message;
  });

  const definition = useMachineDefinition('task');
  const steps = useMemo(() => events.map((e) => ({ state: e.state, label: e.type, at: e.at })), [events]);
  const [cancelState, cancel] = useMutation(Cancel);
  const [retryState, retry] = useMutation(Retry);
  const actionError = cancelState.error ?? retryState.error;

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
  const waiting = waitFor(task, now);
  const held = heldReason(task, now);
  const privacy = privacyText(task, viewer);
  const canCancel = mine && task.availableActions.includes('CANCEL');
  const canRetry = mine && task.availableActions.includes('RETRY');

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
            {task.private ? <span className="tag" title={privacy ?? undefined}>private</span> : null}
          </p>
          {task.description ? <p className="description">{task.description}</p> : null}
        </div>
        <div className="task-header-side">
          <StatusBadge status={task.status} />
          <div className="actions">
            {canCancel ? (
              <button type="button" className="button danger" disabled={cancelState.fetching} onClick={async () => {
                const r = await cancel({ taskId: task.id });
                if (r.data) tasks.apply(r.data.cancelTask);
              }}>
                {cancelState.fetching ? 'Cancelling…' : 'Cancel task'}
              </button>
            ) : null}
            {canRetry ? (
              <button type="button" className="button primary" disabled={retryState.fetching} onClick={async () => {
                const r = await retry({ taskId: task.id });
                if (r.data) tasks.apply(r.data.retryTask);
              }}>
                {retryState.fetching ? 'Retrying…' : 'Retry'}
              </button>
            ) : null}
          </div>
          <ErrorText error={actionError} />
        </div>
      </header>

      {waiting ? (
        <div role="status" className="banner waiting" data-testid="waiting" data-wait-code={waiting.code}>
          <strong>Waiting {waiting.duration}:</strong> {waiting.reason}. {WAIT_NEXT[waiting.code]}
        </div>
      ) : null}
      {held ? (
        <div role="status" className="banner held" data-testid="held">
          <strong>On hold:</strong> {held}.{' '}
          {task.assignedAgent?.health === 'STUCK'
            ? 'It resumes when the agent reports on it again; if it reports nothing for as long again, the task goes back to the queue for another agent.'
            : task.assignedAgent?.health === 'STALE'
              ? 'It resumes when the agent heartbeats again, or moves to another agent if it crashes.'
              : 'It resumes when the agent is healthy again, or moves to another agent.'}
        </div>
      ) : null}
      {privacy ? (
        <p className="banner private" data-testid="privacy">
          {privacy}.
        </p>
      ) : null}
      {task.status === 'CODING' && task.progress ? (
        <div className="card progress-card" role="status" aria-label="Coding progress">
          <span>{task.progress.message}</span>
          {task.progress.percent !== null && task.progress.percent !== undefined ? (
            <progress max={100} value={task.progress.percent}>{task.progress.percent}%</progress>
          ) : null}
        </div>
      ) : null}
      {task.error ? (
        <div role="alert" className="banner error">
          <strong>Failed:</strong> {task.error}
        </div>
      ) : null}

      <div className="task-grid">
        <section className="card facts" aria-labelledby="facts-heading">
          <h2 id="facts-heading">Details</h2>
          <dl>
            <dt>Issue</dt>
            <dd>
              {task.issue ? (
                <a href={task.issue.url} target="_blank" rel="noopener noreferrer" data-testid="issue-link">
                  #{task.issue.number}
                </a>
              ) : (
                <span className="muted">not opened yet</span>
              )}
            </dd>
            <dt>Pull request</dt>
            <dd>
              {task.pullRequest ? (
                <a href={task.pullRequest.url} target="_blank" rel="noopener noreferrer" data-testid="pr-link">
                  #{task.pullRequest.number} {task.pullRequest.title}
                </a>
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
            <dt>Branch</dt>
            <dd>{task.branch ? <code>{task.branch}</code> : <span className="muted">none</span>}</dd>
            <dt>Merge commit</dt>
            <dd>{task.mergeCommitSha ? <code data-testid="merge-sha">{task.mergeCommitSha}</code> : <span className="muted">not merged</span>}</dd>
            {task.mergedAt ? (
              <>
                <dt>Merged</dt>
                <dd>{formatTime(task.mergedAt)}</dd>
              </>
            ) : null}
            <dt>Agent</dt>
            <dd>
              {task.assignedAgent ? (
                <>
                  {task.assignedAgent.name}{' '}
                  {task.assignedAgent.health !== 'HEALTHY' ? (
                    <span className={`badge health-${task.assignedAgent.health.toLowerCase()}`}>{task.assignedAgent.health.toLowerCase()}</span>
                  ) : null}
                </>
              ) : (
                <span className="muted">{task.waiting ? 'waiting for one' : 'unassigned'}</span>
              )}
            </dd>
          </dl>
        </section>

        <Clarification task={task} canAnswer={mine} />

        <section className="card timeline-card" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <Timeline items={events} now={now} />
        </section>

        <section className="card diagram-card" aria-labelledby="diagram-heading">
          <h2 id="diagram-heading">State diagram</h2>
          {definition ? (
            <DiagramReplay definition={definition} steps={steps} title="Task state diagram" height={620} />
          ) : (
            <p className="muted">Loading diagram…</p>
          )}
        </section>
      </div>
    </article>
  );
}
