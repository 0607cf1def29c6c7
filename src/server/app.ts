/**
 * `buildApp(config)` wires ports, runtime, GraphQL and transports and returns `{ start, stop }`,
 * so tests run the real server on port 0 as cheaply as `index.ts` runs it for users. It builds
 * the pieces and connects them; which part answers a request is http.ts's (HTTP) and ws/ws.ts's
 * (WebSocket upgrades), and Yoga's plugins are listed in yoga.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Bus } from '../bus/types.js';
import { MemoryBus } from '../bus/memory.js';
import { RedisBus } from '../bus/redis.js';
import { GitHubIssueTracker } from '../effects/github-tracker.js';
import { MemoryLogFeed, RedisLogFeed, type LogFeed } from '../logs/log-feed.js';
import { PostgresLogStore } from '../logs/postgres-logs.js';
import { SqliteLogStore } from '../logs/sqlite-logs.js';
import type { LogStore } from '../logs/types.js';
import { LocalIssueTracker } from '../effects/local-tracker.js';
import { OpenAiAnalyzer } from '../effects/openai-analyzer.js';
import { RuleAnalyzer } from '../effects/rule-analyzer.js';
import { GitHubWebhooks } from '../services/github-webhooks.js';
import type { Analyzer, EffectRegistry, IssueTracker } from '../effects/types.js';
import type { AnalyzeInput, OpenIssueInput } from '../machines/index.js';
import { Feed } from '../runtime/feed.js';
import { ActorHost } from '../runtime/host.js';
import { Orchestrator } from '../runtime/orchestrator.js';
import { Retention } from '../runtime/retention.js';
import { Scheduler } from '../runtime/scheduler.js';
import { createServices, type Services } from '../services/index.js';
import { PostgresStore } from '../store/postgres.js';
import { SqliteStore } from '../store/sqlite.js';
import type { EventStore } from '../store/types.js';
import { Auth } from './auth.js';
import { toClientError } from './client-errors.js';
import { dashboard, DEFAULT_CLIENT_DIR } from './dashboard.js';
import type { Config } from './env.js';
import { httpHandler } from './http.js';
import { Metrics } from './metrics.js';
import { githubWebhookHandler } from './webhooks.js';
import { attachWebSockets } from './ws/ws.js';
import { buildYoga } from './yoga.js';
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
  /** Task logs. @default with `store` given, SQLite in memory; else as `openLogStore` */
  logStore?: LogStore;
}

export { DEFAULT_CLIENT_DIR } from './dashboard.js';

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
  /** Archive passes (RETENTION_DAYS); null when retention is off. */
  readonly retention: Retention | null;
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

/** Task logs beside the store: PostgreSQL's tables of the same schema, or SQLite's logs.db in DATA_DIR. */
export function openLogStore(config: Config): LogStore {
  if (config.database) return PostgresLogStore.connect(config.database.url, config.database.schema);
  return new SqliteLogStore(join(config.dataDir, 'logs.db'));
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
  const feed = new Feed({ store, bus, logger });
  const host = new ActorHost({
    store,
    bus,
    effects,
    logger,
    clock: overrides.clock,
    feed,
    onCommit: (events) => {
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
  const orchestrator = new Orchestrator({ store, host, feed, logger, clock: overrides.clock });
  const retention = config.retention
    ? new Retention({ store, logger, maxAgeMs: config.retention.maxAgeMs, intervalMs: config.retention.intervalMs, clock: overrides.clock })
    : null;
  const logStore = overrides.logStore ?? (overrides.store ? new SqliteLogStore(':memory:') : openLogStore(config));
  const logFeed: LogFeed = config.redis ? new RedisLogFeed({ url: config.redis.url, channel: config.redis.channel, logger }) : new MemoryLogFeed();
  const services = createServices({
    store,
    host,
    feed,
    agentTimeouts: config.agentTimeouts,
    logs: { store: logStore, feed: logFeed, maxBytesPerSession: config.logs.maxBytesPerSession },
  });
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
    probes: { store, bus, feed, fanout, stopping: () => stopping },
  });
  const ws = attachWebSockets({
    yoga,
    fanout,
    mask: (error) => toClientError(error, logger, metrics, config.production),
    auth,
    metrics,
    logger,
    allowedOrigins: config.allowedOrigins,
    maxPayloadBytes: config.wsMaxPayloadBytes,
    initTimeoutMs: config.wsInitTimeoutMs,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    maxSubscriptions: config.wsMaxSubscriptions,
  });

  const webhook = githubWebhookHandler({
    secret: config.githubWebhookSecret,
    webhooks: new GitHubWebhooks(store, services.tasks),
    store,
    logger,
  });
  const server = createServer(
    httpHandler({
      yoga,
      dashboard: dashboard(overrides.clientDir ?? DEFAULT_CLIENT_DIR),
      webhook,
      metrics,
      logger,
      maxBodyBytes: config.maxBodyBytes,
    }),
  );
  server.on('upgrade', ws.handleUpgrade);
  // A connection that sends no complete request head within 10 s is answered 408 and closed
  // (Node's default is 60 s): idle TCP connections (slowloris, a flood's half-opened sockets)
  // cannot hold file descriptors for long. Long-lived responses (SSE) are not affected.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // An idle keep-alive connection is kept longer than a proxy keeps its own (env.ts says why);
  // the head of each request on it is still timed from its first byte (headersTimeout above).
  server.keepAliveTimeout = config.keepAliveTimeoutMs;

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
    retention,
    async start(port = config.port) {
      await feed.start();
      await host.start();
      scheduler?.start();
      orchestrator.start();
      retention?.start();
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
      await retention?.stop();
      await orchestrator.stop();
      await scheduler?.stop();
      await host.stop(); // waits for in-flight commits
      feed.stop();
      await bus.close();
      await logFeed.close();
      await logStore.close();
      await store.close();
    },
  };
}
