/**
 * Why a task is not moving, and who may read a private one — in the same words on task cards
 * and on the task page: a queued task's wait (`waiting`: reason and how long, ticking), a held
 * task's `heldReason`, a private task's read grant to the user running its agent.
 */
import type { TaskStatus, WaitCode } from '../gql/graphql';
import type { Viewer } from '../lib/session';
import { formatDuration, humanizeTimes } from '../lib/time';

export interface NoticeTask {
  status: TaskStatus;
  private: boolean;
  creator: { id: string; name: string };
  org?: string;
  heldReason?: string | null;
  waiting?: { code: WaitCode; reason: string; since: string } | null;
  grant?: { agentName: string; userId: string } | null;
}

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

/** The one-line notes under a task card's title. */
export function TaskCardNotes({ task, now }: { task: NoticeTask; now: number }) {
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
