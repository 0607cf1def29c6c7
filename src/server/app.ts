/**
 * `buildApp(config)` wires ports, runtime, GraphQL and transports and returns `{ start, stop }`,
 * so tests run the real server on port 0 as cheaply as `index.ts` runs it for users.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import sirv from 'sirv';
import type { Bus } from '../bus/types.js';
import { MemoryBus } from '../bus/memory.js';
import { RedisBus } from '../bus/redis.js';
import { GitHubIssueTracker } from '../effects/github-tracker.js';
import { LocalIssueTracker } from '../effects/local-tracker.js';
import { OpenAiAnalyzer } from '../effects/openai-analyzer.js';
import { RuleAnalyzer } from '../effects/rule-analyzer.js';
import { GitHubWebhooks } from '../services/github-webhooks.js';
import type { Analyzer, EffectRegistry, IssueTracker } from '../effects/types.js';
import type { AnalyzeInput, OpenIssueInput } from '../machines/index.js';
import { Feed } from '../runtime/feed.js';
import { ActorHost } from '../runtime/host.js';
import { Orchestrator } from '../runtime/orchestrator.js';
import { Scheduler } from '../runtime/scheduler.js';
import { createServices, type Services } from '../services/index.js';
import { ErrorCode } from '../shared/codes.js';
import { PostgresStore } from '../store/postgres.js';
import { SqliteStore } from '../store/sqlite.js';
import { StorageFaultError, type EventStore } from '../store/types.js';
import { Auth } from './auth.js';
import type { Config } from './env.js';
import { Metrics } from './metrics.js';
import { setSecurityHeaders } from './security-headers.js';
import { githubWebhookHandler } from './webhooks.js';
import { attachWebSockets } from './ws/ws.js';
import { buildYoga, toClientError } from './yoga.js';
import { FanoutEngine } from './ws/fanout.js';

export interface AppOverrides {
  store?: EventStore;
  bus?: Bus;
  analyzer?: Analyzer;
  issueTracker?: IssueTracker;
  logger?: Logger;
  clock?: () => number;
  /** Directory of the built dashboard. @default client/dist of this checkout */
  clientDir?: string;
  /** Extra Yoga/envelop plugins (see YogaDeps.plugins). */
  plugins?: import('graphql-yoga').Plugin[];
}

/** The checkout's client/dist, whether this file runs from src/ (tsx) or dist/src/ (`npm start`). */
export const DEFAULT_CLIENT_DIR = fileURLToPath(
  new URL(import.meta.url.includes('/dist/src/') ? '../../../client/dist' : '../../client/dist', import.meta.url),
);

export interface App {
  /** Listen; resolves with the base URL (port 0 picks a free port). */
  start(port?: number): Promise<string>;
  /** Graceful: stop accepting, close sockets with 1001, finish in-flight work, close the store. */
  stop(): Promise<void>;
  readonly url: string;
  readonly services: Services;
  readonly auth: Auth;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly fanout: FanoutEngine;
}

/** Heap and resident memory of this process, in bytes, for /healthz. */
function memoryFigures(): { heapUsedBytes: number; rssBytes: number } {
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedBytes: heapUsed, rssBytes: rss };
}

export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    // Tokens never reach the logs, whatever logs a request or connection.
    redact: {
      paths: ['*.authorization', '*.Authorization', '*.token', 'req.headers.authorization', 'connectionParams'],
      censor: '[redacted]',
    },
  });
}

/** The configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
export async function openStore(config: Config): Promise<EventStore> {
  if (config.database) return PostgresStore.connect({ connectionString: config.database.url, schema: config.database.schema });
  return SqliteStore.open({ file: join(config.dataDir, 'conveyor.db'), synchronous: config.sqliteSynchronous });
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const store = overrides.store ?? (await openStore(config));
  const bus: Bus =
    overrides.bus ??
    (config.redis ? new RedisBus({ url: config.redis.url, channel: config.redis.channel, logger }) : new MemoryBus());
  const analyzer =
    overrides.analyzer ?? (config.analyzer ? new OpenAiAnalyzer(config.analyzer) : new RuleAnalyzer());
  const tracker =
    overrides.issueTracker ??
    (config.github ? new GitHubIssueTracker(config.github) : new LocalIssueTracker(store, config.issueBaseUrl));
  const effects: EffectRegistry = {
    analyze: (input: AnalyzeInput, signal: AbortSignal) => analyzer.analyze(input, signal),
    openIssue: (input: OpenIssueInput, signal: AbortSignal) => tracker.openIssue(input, signal),
  };

  let scheduler: Scheduler | null = null;
  const host = new ActorHost({
    store,
    bus,
    effects,
    logger,
    clock: overrides.clock,
    onCommit: (events) => {
      // Into the feed's ring at once, without reading them back from the log (when they follow
      // its head: always on SQLite; with other instances writing too, the doorbell's read does).
      feed.committed(events);
      let tasks = 0;
      for (const e of events) if (e.entityType === 'task') tasks++;
      if (tasks > 0) metrics.committed.inc({ entity: 'task' }, tasks);
      if (events.length > tasks) metrics.committed.inc({ entity: 'agent' }, events.length - tasks);
      const last = events.at(-1);
      if (last) metrics.logCursor.set(last.cursor);
    },
    onDeadlines: (at) => scheduler?.wake(at),
  });
  scheduler = new Scheduler({ store, logger, clock: overrides.clock, fire: (d) => host.fireDeadline(d) });
  const feed = new Feed({ store, bus, logger });
  const orchestrator = new Orchestrator({ store, host, feed, logger, clock: overrides.clock });
  const services = createServices({ store, host, feed, agentTimeouts: config.agentTimeouts });
  const auth = Auth.fromConfig(config);
  const fanout = new FanoutEngine({
    feed,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    mask: (error) => toClientError(error, logger, metrics, config.production),
    onSent: (frames) => metrics.messageSent(frames),
  });
  const yoga = buildYoga({
    services,
    auth,
    metrics,
    logger,
    production: config.production,
    rateLimit: config.rateLimit,
    allowedOrigins: config.allowedOrigins,
    plugins: overrides.plugins,
  });
  const ws = attachWebSockets({
    yoga,
    fanout,
    auth,
    metrics,
    logger,
    allowedOrigins: config.allowedOrigins,
    maxPayloadBytes: config.wsMaxPayloadBytes,
    initTimeoutMs: config.wsInitTimeoutMs,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    maxSubscriptions: config.wsMaxSubscriptions,
  });

  const clientDir = overrides.clientDir ?? DEFAULT_CLIENT_DIR;
  // sirv: a well-kept static handler (path traversal, ETags, ranges); `single` serves index.html
  // for unknown paths so deep links work.
  const assets = existsSync(join(clientDir, 'index.html'))
    ? sirv(clientDir, { single: true, etag: true, dev: false })
    : null;

  const webhook = githubWebhookHandler({
    secret: config.githubWebhookSecret,
    webhooks: new GitHubWebhooks(store, services.tasks),
    store,
    logger,
  });

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const httpError = (res: ServerResponse, status: number, code: ErrorCode, message: string) =>
    json(res, status, { errors: [{ message, extensions: { code } }] });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    // Any other GET may render the dashboard (sirv's SPA fallback), so it gets its policy.
    const page = path === '/graphql' ? 'graphql' : req.method === 'GET' || req.method === 'HEAD' ? 'dashboard' : 'none';
    setSecurityHeaders(req, res, page);
    if (path === '/healthz') {
      return json(res, 200, {
        status: 'ok',
        connections: (await metrics.connections.get()).values[0]?.value ?? 0,
        // Feed cursors, less the groups' shared readers, plus grouped members reading from them.
        // Feed cursors (the fan-out dispatcher's is nobody's subscription), plus grouped members
        // served live by the dispatcher (their own cursors are gone once they caught up).
        subscriptions: feed.active - fanout.stats.dispatchers + fanout.stats.live,
        fanoutGroups: fanout.stats.groups,
        messagesPerSecond: metrics.messagesPerSecond(),
        errors: metrics.errorsTotal,
        cursor: feed.head,
        uptimeSeconds: Math.round(process.uptime()),
        // Ops information (the soak command plots it): not after a GC, so heap is a sawtooth.
        ...memoryFigures(),
      });
    }
    if (path === '/readyz') {
      const checks = await Promise.allSettled([store.ping(), bus.ping?.() ?? Promise.resolve()]);
      const [db, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unreachable'));
      if (db === 'ok' && redis === 'ok' && !stopping) return json(res, 200, { status: 'ready', database: db, bus: redis });
      // A data directory that refuses writes is reachable but not usable: say why (full, read-only).
      const fault = checks[0].status === 'rejected' && checks[0].reason instanceof StorageFaultError ? checks[0].reason : null;
      const database = fault ? { database: 'unwritable', storage: fault.storage, reason: fault.message } : { database: db };
      logger.warn({ ...database, bus: redis, stopping }, 'not ready');
      return json(res, 503, { status: 'not ready', ...database, bus: redis, stopping });
    }
    if (path === '/webhooks/github') return webhook(req, res);
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      return void res.end(await metrics.registry.metrics());
    }
    if (path !== '/graphql' && (req.method === 'GET' || req.method === 'HEAD')) {
      if (assets) return assets(req, res, () => httpError(res, 404, ErrorCode.NOT_FOUND, 'Not found'));
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('The dashboard is not built: run `npm run build:client` (npm start does it).\nGraphiQL: /graphql\n');
      }
    }
    if (req.method === 'POST') {
      // Body limits before Yoga reads anything: no length → 411, too long → 413.
      const length = req.headers['content-length'];
      if (length === undefined) {
        return httpError(res, 411, ErrorCode.LENGTH_REQUIRED, 'POST bodies need a Content-Length header');
      }
      if (Number(length) > config.maxBodyBytes) {
        return httpError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body exceeds ${config.maxBodyBytes} bytes`);
      }
    }
    return yoga.requestListener(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'request failed');
      if (!res.headersSent) httpError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Unexpected error');
      else res.destroy();
    });
  });
  server.on('upgrade', ws.handleUpgrade);
  // A connection that sends no complete request head within 10 s is answered 408 and closed
  // (Node's default is 60 s): idle TCP connections (slowloris, a flood's half-opened sockets)
  // cannot hold file descriptors for long. Long-lived responses (SSE) are not affected.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  let url = '';
  let started = false;
  let stopping = false;

  return {
    get url() {
      return url;
    },
    services,
    auth,
    metrics,
    logger,
    fanout,
    async start(port = config.port) {
      await feed.start();
      await host.start();
      scheduler?.start();
      orchestrator.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.host, () => resolve());
      });
      started = true;
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `http://${shownHost}:${address.port}`;
      return url;
    },
    async stop() {
      stopping = true;
      // Stop accepting first; then close sockets with 1001 so clients reconnect and resume.
      const closed = started ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      server.closeIdleConnections();
      await ws.close();
      // In-flight HTTP requests get a moment to finish before their sockets are cut.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      server.closeAllConnections();
      await closed;
      await orchestrator.stop();
      await scheduler?.stop();
      await host.stop(); // waits for in-flight commits
      feed.stop();
      await bus.close();
      await store.close();
    },
  };
}
