/**
 * Who may see what, decided from data the event or view carries (no query per event).
 * The SQL twin of `canSeeTask` is `VISIBLE` in the store adapters; keep them in step.
 */
import type { TaskView } from '../machines/index.js';
import type { Scope, Viewer } from '../store/types.js';

/** A task is visible to its creator, and to the creator's org unless private. */
export function canSeeTask(viewer: Viewer, scope: Scope): boolean {
  return scope.ownerId === viewer.id || (scope.org === viewer.org && !scope.private);
}

/**
 * Reading one task by id: what `canSeeTask` allows, plus the grant of a private task to the user
 * whose agent holds it (src/machines/task.ts `grant`). Lists, counts and streams use
 * `canSeeTask` alone, so a granted task never appears on that user's dashboard.
 */
export function canReadTask(viewer: Viewer, task: TaskView): boolean {
  return canSeeTask(viewer, { org: task.org, ownerId: task.creator.id, private: task.private }) || task.grant?.userId === viewer.id;
}

/** Agents are visible to their org. */
export function canSeeAgent(viewer: Viewer, scope: Scope): boolean {
  return scope.org === viewer.org;
}
