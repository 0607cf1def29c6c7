/**
 * GET /healthz: liveness and the live figures ops tools read (the soak command plots them).
 */
import type { Plugin } from 'graphql-yoga';
import type { Feed } from '../../runtime/feed.js';
import type { Metrics } from '../metrics.js';
import type { FanoutEngine } from '../ws/fanout.js';

export interface HealthDeps {
  metrics: Metrics;
  feed: Pick<Feed, 'active' | 'head'>;
  fanout: Pick<FanoutEngine, 'stats'>;
}

/** Heap and resident memory of this process, in bytes, for /healthz. */
function memoryFigures(): { heapUsedBytes: number; rssBytes: number } {
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedBytes: heapUsed, rssBytes: rss };
}

/** What /healthz answers. */
export async function health({ metrics, feed, fanout }: HealthDeps) {
  return {
    status: 'ok',
    connections: (await metrics.connections.get()).values[0]?.value ?? 0,
    // Subscribers' feed cursors (the engine's own readers are not counted: FeedQuery.internal),
    // plus grouped members served live by the dispatcher (their cursors are gone once caught up).
    subscriptions: feed.active + fanout.stats.live,
    fanoutGroups: fanout.stats.groups,
    messagesPerSecond: metrics.messagesPerSecond(),
    errors: metrics.errorsTotal,
    cursor: feed.head,
    uptimeSeconds: Math.round(process.uptime()),
    // Ops information (the soak command plots it): not after a GC, so heap is a sawtooth.
    ...memoryFigures(),
  };
}

/**
 * A JSON response. Headers are a fresh object each time: fetch's Headers may keep the object it
 * is given and set `content-length` on it, which a shared object would pass to the next answer.
 */
export function jsonResponse(fetchAPI: { Response: typeof Response }, status: number, body: unknown): Response {
  return new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** Answers /healthz before anything else (no GraphQL involved). */
export function useHealth(deps: HealthDeps): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/healthz') return;
      endResponse(jsonResponse(fetchAPI, 200, await health(deps)));
    },
  };
}
