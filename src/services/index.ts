import type { Feed } from '../runtime/feed.js';
import type { ActorHost } from '../runtime/host.js';
import type { EventStore } from '../store/types.js';
import type { LogFeed } from '../logs/log-feed.js';
import type { LogStore } from '../logs/types.js';
import { ActivityService } from './activity.js';
import { AgentService, type AgentTimeouts } from './agents.js';
import { LogService } from './logs.js';
import { TaskService } from './tasks.js';

export { AgentService, LogService, TaskService };
export type { AgentTimeouts };

export interface Services {
  tasks: TaskService;
  agents: AgentService;
  logs: LogService;
  activity: ActivityService;
  store: EventStore;
  feed: Feed;
  host: ActorHost;
}

export function createServices(deps: {
  store: EventStore;
  host: ActorHost;
  feed: Feed;
  agentTimeouts: AgentTimeouts;
  logs: { store: LogStore; feed: LogFeed; maxBytesPerSession: number };
}): Services {
  const tasks = new TaskService(deps.store, deps.host, deps.feed);
  return {
    tasks,
    agents: new AgentService(deps.store, deps.host, deps.feed, deps.agentTimeouts),
    logs: new LogService(tasks, deps.logs.store, deps.logs.feed, deps.logs.maxBytesPerSession),
    activity: new ActivityService(deps.store, deps.feed),
    store: deps.store,
    feed: deps.feed,
    host: deps.host,
  };
}
