/**
 * The org's activity feed (issue 16): every committed transition of its tasks and agents the
 * viewer may see, as one stream from a cursor then live, filtered by event type, agent and task.
 * Tasks follow the streams' rule (`canSeeTask`: a private task only for its creator, never by a
 * read grant); agents are the org's.
 */
import type { TaskView } from '../machines/index.js';
import type { Feed } from '../runtime/feed.js';
import type { EventStore, LogEvent, Viewer } from '../store/types.js';
import { cursorExpired } from '../errors.js';
import { parseCursor } from './cursor.js';
import { EventStream } from './stream.js';
import { parse, schemas } from './validate.js';
import { canSeeAgent, canSeeTask } from './visibility.js';

export interface ActivityFilter {
  types?: readonly string[] | null;
  excludeTypes?: readonly string[] | null;
  agentId?: string | null;
  taskId?: string | null;
  entity?: 'task' | 'agent' | null;
}

export class ActivityService {
  constructor(
    private readonly store: EventStore,
    private readonly feed: Feed,
  ) {}

  async stream(viewer: Viewer, rawFilter: ActivityFilter | null | undefined, after: string | null | undefined): Promise<EventStream> {
    const filter = parse(schemas.activityFilter, rawFilter ?? {}, 'filter');
    const { head, horizon } = await this.store.logBounds();
    const start = parseCursor(after) ?? head;
    if (start < horizon) throw cursorExpired({ cursor: start, horizon, head });
    const types = filter.types && filter.types.length > 0 ? new Set(filter.types) : null;
    const excluded = new Set(filter.excludeTypes ?? []);
    const cursor = this.feed.subscribe({
      after: Math.min(start, head),
      ...(filter.entity ? { entityType: filter.entity } : {}),
      filter: (e) => !excluded.has(e.type) && visible(viewer, e) && matches(e, filter, types),
    });
    return new EventStream(cursor);
  }
}

function visible(viewer: Viewer, e: LogEvent): boolean {
  return e.entityType === 'task' ? canSeeTask(viewer, e.scope) : canSeeAgent(viewer, e.scope);
}

/** An agent's activity: its own events, and the events of the tasks it held at the time. */
function matches(e: LogEvent, filter: ActivityFilter, types: Set<string> | null): boolean {
  if (types && !types.has(e.type)) return false;
  if (filter.entity && e.entityType !== filter.entity) return false;
  if (filter.taskId && !(e.entityType === 'task' ? e.entityId === filter.taskId : (e.state as { currentTaskId?: string | null }).currentTaskId === filter.taskId)) return false;
  if (filter.agentId && !(e.entityType === 'agent' ? e.entityId === filter.agentId : (e.state as TaskView).agentId === filter.agentId)) return false;
  return true;
}

