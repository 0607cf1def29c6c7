/**
 * GET /readyz: 200 when the store and the bus answer and the server is not stopping, else 503
 * with what is wrong (a data directory that refuses writes says why: full, read-only).
 */
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Bus } from '../../bus/types.js';
import { StorageFaultError, type EventStore } from '../../store/types.js';
import { jsonResponse } from './use-health.js';

export interface ReadinessDeps {
  store: Pick<EventStore, 'ping'>;
  bus: Pick<Bus, 'ping'>;
  logger: Logger;
  /** Whether the server is shutting down (app.ts's `stop()` has begun). */
  stopping: () => boolean;
}

/** What /readyz answers: status and body. */
export async function readiness({ store, bus, logger, stopping }: ReadinessDeps): Promise<[number, unknown]> {
  const checks = await Promise.allSettled([store.ping(), bus.ping?.() ?? Promise.resolve()]);
  const [db, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unreachable'));
  if (db === 'ok' && redis === 'ok' && !stopping()) return [200, { status: 'ready', database: db, bus: redis }];
  // A data directory that refuses writes is reachable but not usable: say why (full, read-only).
  const fault = checks[0].status === 'rejected' && checks[0].reason instanceof StorageFaultError ? checks[0].reason : null;
  const database = fault ? { database: 'unwritable', storage: fault.storage, reason: fault.message } : { database: db };
  logger.warn({ ...database, bus: redis, stopping: stopping() }, 'not ready');
  return [503, { status: 'not ready', ...database, bus: redis, stopping: stopping() }];
}

export function useReadiness(deps: ReadinessDeps): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/readyz') return;
      const [status, body] = await readiness(deps);
      endResponse(jsonResponse(fetchAPI, status, body));
    },
  };
}
