import type { Feed } from '../runtime/feed.js';
import type { ActorHost } from '../runtime/host.js';
import type { EventStore } from '../store/types.js';
import { AgentService, type AgentTimeouts } from './agents.js';
import { TaskService } from './tasks.js';

export { AgentService, TaskService };
export type { AgentTimeouts };

export interface Services {
  tasks: TaskService;
  agents: AgentService;
  store: EventStore;
  feed: Feed;
  host: ActorHost;
}

export function createServices(deps: {
  store: EventStore;
  host: ActorHost;
  feed: Feed;
  agentTimeouts: AgentTimeouts;
}): Services {
  return {
    tasks: new TaskService(deps.store, deps.host, deps.feed),
    agents: new AgentService(deps.store, deps.host, deps.feed, deps.agentTimeouts),
    store: deps.store,
    feed: deps.feed,
    host: deps.host,
  };
}
