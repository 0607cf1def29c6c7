/**
 * Who may see what, decided from data the event or view carries (no query per event).
 * The SQL twin of `canSeeTask` is `VISIBLE` in the store adapters; keep them in step.
 */
import type { Scope, Viewer } from '../store/types.js';

/** A task is visible to its creator, and to the creator's org unless private. */
export function canSeeTask(viewer: Viewer, scope: Scope): boolean {
  return scope.ownerId === viewer.id || (scope.org === viewer.org && !scope.private);
}

/** Agents are visible to their org. */
export function canSeeAgent(viewer: Viewer, scope: Scope): boolean {
  return scope.org === viewer.org;
}
