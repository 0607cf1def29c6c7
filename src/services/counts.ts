import { ACTIVE_STATUSES, TASK_STATUSES, type TaskStatus, type TaskView } from '../machines/index.js';
import type { LogEvent } from '../store/types.js';

/** Counts per status, exact as of `cursor`. Derived figures (active, total) are computed on read. */
export interface CountsModel {
  byStatus: Record<TaskStatus, number>;
  cursor: number;
}

export function emptyCounts(): Record<TaskStatus, number> {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
}

/** Apply one task event as a delta. Returns the new model, or undefined when nothing changed. */
export function applyTaskEvent(model: CountsModel, event: LogEvent): CountsModel | undefined {
  const next = (event.state as TaskView).status;
  const prev = event.prevStatus as TaskStatus | null;
  if (prev === next) return undefined;
  const byStatus = { ...model.byStatus };
  if (prev !== null) byStatus[prev] = Math.max(0, byStatus[prev] - 1);
  byStatus[next] += 1;
  return { byStatus, cursor: event.cursor };
}

export function summarize(model: CountsModel) {
  const total = TASK_STATUSES.reduce((sum, s) => sum + model.byStatus[s], 0);
  const active = ACTIVE_STATUSES.reduce((sum, s) => sum + model.byStatus[s], 0);
  return {
    active,
    completed: model.byStatus.merged,
    failed: model.byStatus.failed,
    cancelled: model.byStatus.cancelled,
    total,
  };
}
