/**
 * Why a task is not moving, and who may read a private one — in the same words on task cards
 * and on the task page: a queued task's wait (`waiting`: reason and how long, ticking), a held
 * task's `heldReason`, a private task's read grant to the user running its agent.
 */
import { graphql, useFragment, type FragmentType } from '../gql';
import type { TaskNotices_TaskFragment, WaitCode } from '../gql/graphql';
import type { Viewer } from '../lib/session';
import { formatDuration, humanizeTimes } from '../lib/time';

export const TaskNotices_task = graphql(`
  fragment TaskNotices_task on Task {
    status
    private
    creator {
      id
      name
    }
    heldReason
    waiting {
      code
      reason
      since
    }
    grant {
      agentName
      userId
    }
    assignedAgent {
      health
    }
  }
`);

/** The helpers below read the fragment unmasked (components unmask it with useFragment). */
export type NoticeTask = TaskNotices_TaskFragment;

/** How long a queued task has waited and why, or null when it does not wait. */
export function waitFor(task: NoticeTask, now: number): { code: WaitCode; duration: string; reason: string } | null {
  if (!task.waiting || task.status !== 'DISPATCHED') return null;
  return { code: task.waiting.code, duration: formatDuration(now - Date.parse(task.waiting.since)), reason: task.waiting.reason };
}

/** "Waiting 42 s: every online agent of acme is busy", or null when it does not wait. */
export function waitingText(task: NoticeTask, now: number): string | null {
  const wait = waitFor(task, now);
  return wait ? `Waiting ${wait.duration}: ${wait.reason}` : null;
}

/** What happens next, per wait code (task page). */
export const WAIT_NEXT: Record<WaitCode, string> = {
  NO_AGENT_ONLINE: 'It is assigned as soon as a worker of this org signs in (npx conveyor worker).',
  ALL_AGENTS_BUSY: 'It is assigned when one of them finishes its task (the oldest waiting task goes first).',
  AGENTS_UNHEALTHY: 'It is assigned once an idle agent heartbeats and reports again.',
};

/** A held task's reason, its ISO times as local times and ages; null when not held. */
export function heldReason(task: NoticeTask, now: number): string | null {
  return task.heldReason ? humanizeTimes(task.heldReason, now) : null;
}

/** Who may read a private task, from the viewer's side; null for public tasks. */
export function privacyText(task: NoticeTask, viewer: Viewer): string | null {
  if (!task.private) return null;
  const mine = task.creator.id === viewer.id;
  if (task.grant?.userId === viewer.id && !mine) {
    return `Private task of ${task.creator.name} — you may read it only while your agent ${task.grant.agentName} works on it`;
  }
  const owner = mine ? 'you' : task.creator.name;
  if (task.grant) return `Private — readable by ${owner} and, while it works on it, by the user running agent ${task.grant.agentName}`;
  return `Private — readable by ${owner} only`;
}

/** The "private" tag beside a task's title; its tooltip says who may read it. */
export function PrivateTag(props: { task: FragmentType<typeof TaskNotices_task>; viewer: Viewer }) {
  const task = useFragment(TaskNotices_task, props.task);
  return task.private ? <span className="tag" title={privacyText(task, props.viewer) ?? undefined}>private</span> : null;
}

/** The one-line notes under a task card's title. */
export function TaskCardNotes(props: { task: FragmentType<typeof TaskNotices_task>; now: number }) {
  const task = useFragment(TaskNotices_task, props.task);
  const { now } = props;
  const waiting = waitingText(task, now);
  const held = heldReason(task, now);
  if (!waiting && !held) return null;
  return (
    <>
      {waiting ? (
        <p className="task-note waiting" data-testid="waiting" data-wait-code={task.waiting!.code}>
          {waiting}
        </p>
      ) : null}
      {held ? (
        <p className="task-note held" data-testid="held">
          On hold: {held}
        </p>
      ) : null}
    </>
  );
}

/** The task page's banners: its wait and what happens next, its hold, who may read it. */
export function TaskPageNotices(props: { task: FragmentType<typeof TaskNotices_task>; now: number; viewer: Viewer }) {
  const task = useFragment(TaskNotices_task, props.task);
  const waiting = waitFor(task, props.now);
  const held = heldReason(task, props.now);
  const privacy = privacyText(task, props.viewer);
  return (
    <>
      {waiting ? (
        <div role="status" className="banner waiting" data-testid="waiting" data-wait-code={waiting.code}>
          <strong>Waiting {waiting.duration}:</strong> {waiting.reason}. {WAIT_NEXT[waiting.code]}
        </div>
      ) : null}
      {held ? (
        <div role="status" className="banner held" data-testid="held">
          <strong>On hold:</strong> {held}.{' '}
          {task.status === 'HELD'
            ? 'Its agent was let go; raise its budget (Usage and budget, below) past what was spent to put it back in the queue.'
            : task.assignedAgent?.health === 'STUCK'
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
    </>
  );
}
