/**
 * Configuration, validated once at boot. Every problem is reported at once (not the first one
 * only) and the process exits 1; nothing else in the code reads `process.env`.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const EnvSchema = z.object({
  PORT: int(4000).pipe(z.number().max(65535)),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (HS256 needs a 256-bit key)')
    .optional(),
  /** Comma-separated origins allowed to open WebSockets, e.g. `https://app.example.com`. */
  ALLOWED_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  AGENT_STALE_AFTER_MS: int(30_000, 100),
  AGENT_CRASH_AFTER_MS: int(90_000, 200),
  // Busy and heartbeating, but no report on its task this long: STUCK (task held); twice: requeued.
  AGENT_STUCK_AFTER_MS: int(600_000, 100),
  RATE_LIMIT_MUTATIONS: int(200, 1),
  RATE_LIMIT_WINDOW_MS: int(10_000, 100),
  // appendTaskLogs calls per user and window (RATE_LIMIT_WINDOW_MS): a fleet's logs are not its mutations.
  RATE_LIMIT_LOG_BATCHES: int(2_000, 1),
  // What a session's log keeps (UTF-8 bytes of its lines); the oldest lines go first, with a marker.
  LOG_MAX_BYTES_PER_SESSION: int(1_048_576, 1024),
  MAX_BODY_BYTES: int(262_144, 1024),
  WS_MAX_PAYLOAD_BYTES: int(65_536, 1024),
  WS_INIT_TIMEOUT_MS: int(10_000, 100),
  // A live subscriber with more than this queued on its socket is closed with 1013 (slow consumer).
  WS_MAX_BUFFERED_BYTES: int(1_048_576, 16_384),
  // Operations one WebSocket may run at once; a `subscribe` beyond it gets SUBSCRIPTION_LIMIT_EXCEEDED.
  WS_MAX_SUBSCRIPTIONS: int(500, 1),
  // How long an idle keep-alive HTTP connection stays open. Above the idle timeouts of common
  // proxies and load balancers (60 s), so the proxy closes first: a server closing first races a
  // request the proxy is sending on the connection, which then fails with ECONNRESET (Node's
  // default is 5 s).
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(65_000, 1000),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  ISSUE_BASE_URL: z.url().default('https://issues.conveyor.local/conveyor'),
  DEV_TOKEN_TTL_SECONDS: int(12 * 3600, 60),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lowercase letters, digits, _').default('public'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  REDIS_CHANNEL: z.string().min(1).default('conveyor:log'),
  GITHUB_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  GITHUB_TOKEN: z.string().optional(),
  GITHUB_REPO: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name').optional(),
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  ANALYZER_URL: z.url().optional(),
  ANALYZER_MODEL: z.string().optional(),
  ANALYZER_API_KEY: z.string().optional(),
  ANALYZER_TIMEOUT_MS: int(20_000, 100),
  // Retention (issue 14): finished tasks' and agents' events older than this many days leave the
  // log for the archive. Fractions allowed (0.5 = 12 h; tests use seconds). Unset: off.
  RETENTION_DAYS: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a positive number of days, such as 30 or 0.5 (unset it to keep every event)')
    .transform(Number)
    .pipe(z.number().positive('must be a positive number of days, such as 30 or 0.5 (unset it to keep every event)'))
    .optional(),
  // How often an archive pass runs (with RETENTION_DAYS).
  RETENTION_INTERVAL_MS: int(3_600_000, 100),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  jwtSecret: string | undefined;
  allowedOrigins: string[];
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  production: boolean;
  agentTimeouts: { staleAfterMs: number; crashAfterMs: number; stuckAfterMs: number };
  rateLimit: { mutations: number; windowMs: number; logBatches: number };
  maxBodyBytes: number;
  keepAliveTimeoutMs: number;
  logs: { maxBytesPerSession: number };
  wsMaxPayloadBytes: number;
  wsInitTimeoutMs: number;
  wsMaxBufferedBytes: number;
  wsMaxSubscriptions: number;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  issueBaseUrl: string;
  devTokenTtlSeconds: number;
  /** Dev sign-in: only with no JWT_SECRET and bound to loopback. */
  devSignIn: boolean;
  /** PostgreSQL (production) instead of the SQLite file. */
  database: { url: string; schema: string } | null;
  /** Redis doorbell between instances instead of the in-process bus. */
  redis: { url: string; channel: string } | null;
  githubWebhookSecret: string | undefined;
  /** GitHub issues for tracking; the local tracker when absent. */
  github: { token: string; repo: string; apiUrl: string } | null;
  /** An OpenAI-compatible analyzer; the rule-based one when absent. */
  analyzer: { url: string; model: string; apiKey: string | undefined; timeoutMs: number } | null;
  /** Retention (runtime/retention.ts): archive what is older than `maxAgeMs`, every `intervalMs`; off when null. */
  retention: { days: number; maxAgeMs: number; intervalMs: number } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** For entry points: the config, or every problem printed and exit 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

type Env = z.infer<typeof EnvSchema>;
type EnvKey = keyof Env;

/**
 * Each variable on its own, so that one bad value does not hide the others' problems: the values
 * that passed, and the problems of those that did not.
 */
function parseFields(present: Record<string, string | undefined>): { values: Partial<Env>; invalid: Set<EnvKey>; problems: string[] } {
  const values: Partial<Record<EnvKey, unknown>> = {};
  const invalid = new Set<EnvKey>();
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(EnvSchema.shape) as [EnvKey, z.ZodType][]) {
    const result = schema.safeParse(present[key]);
    if (result.success) {
      values[key] = result.data;
    } else {
      invalid.add(key);
      problems.push(...result.error.issues.map((i) => `${[key, ...i.path].join('.')}: ${i.message}`));
    }
  }
  return { values: values as Partial<Env>, invalid, problems };
}

/**
 * Checks across variables. Each runs when every variable it reads is valid (set or not): one
 * whose input is already reported as invalid could only repeat that problem, or be wrong.
 */
function crossFieldProblems(e: Partial<Env>, invalid: Set<EnvKey>): string[] {
  const problems: string[] = [];
  const valid = (...keys: EnvKey[]) => keys.every((key) => !invalid.has(key));
  if (valid('AGENT_CRASH_AFTER_MS', 'AGENT_STALE_AFTER_MS') && e.AGENT_CRASH_AFTER_MS! <= e.AGENT_STALE_AFTER_MS!) {
    problems.push('AGENT_CRASH_AFTER_MS: must be greater than AGENT_STALE_AFTER_MS');
  }
  if (valid('JWT_SECRET', 'HOST') && !e.JWT_SECRET && !isLoopback(e.HOST!)) {
    problems.push(
      `JWT_SECRET: required when HOST (${e.HOST}) is not a loopback address; dev sign-in is only for local use`,
    );
  }
  if (valid('ALLOWED_ORIGINS')) {
    for (const origin of allowedOrigins(e.ALLOWED_ORIGINS!)) {
      if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
        problems.push(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://app.example.com`);
      }
    }
  }
  if (valid('GITHUB_TOKEN', 'GITHUB_REPO') && !!e.GITHUB_TOKEN !== !!e.GITHUB_REPO) {
    problems.push('GITHUB_TOKEN and GITHUB_REPO: set both to open tracking issues on GitHub, or neither');
  }
  if (valid('ANALYZER_URL', 'ANALYZER_MODEL') && e.ANALYZER_URL && !e.ANALYZER_MODEL) {
    problems.push('ANALYZER_MODEL: required with ANALYZER_URL');
  }
  return problems;
}

const allowedOrigins = (list: string) => list.split(',').map((o) => o.trim()).filter(Boolean);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (`JWT_SECRET=` in an env file) means unset, not "the empty string".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const { values, invalid, problems } = parseFields(present);
  // Every problem at once: each variable's own, then those between variables.
  problems.push(...crossFieldProblems(values, invalid));
  if (problems.length > 0) throw new ConfigError(problems);
  const e = values as Env; // every field parsed
  const loopback = isLoopback(e.HOST);
  const origins = allowedOrigins(e.ALLOWED_ORIGINS);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    jwtSecret: e.JWT_SECRET,
    allowedOrigins: origins,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    agentTimeouts: { staleAfterMs: e.AGENT_STALE_AFTER_MS, crashAfterMs: e.AGENT_CRASH_AFTER_MS, stuckAfterMs: e.AGENT_STUCK_AFTER_MS },
    rateLimit: { mutations: e.RATE_LIMIT_MUTATIONS, windowMs: e.RATE_LIMIT_WINDOW_MS, logBatches: e.RATE_LIMIT_LOG_BATCHES },
    maxBodyBytes: e.MAX_BODY_BYTES,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    logs: { maxBytesPerSession: e.LOG_MAX_BYTES_PER_SESSION },
    wsMaxPayloadBytes: e.WS_MAX_PAYLOAD_BYTES,
    wsInitTimeoutMs: e.WS_INIT_TIMEOUT_MS,
    wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    wsMaxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    issueBaseUrl: e.ISSUE_BASE_URL,
    devTokenTtlSeconds: e.DEV_TOKEN_TTL_SECONDS,
    devSignIn: !e.JWT_SECRET && loopback,
    database: e.DATABASE_URL ? { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA } : null,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, channel: e.REDIS_CHANNEL } : null,
    githubWebhookSecret: e.GITHUB_WEBHOOK_SECRET,
    github: e.GITHUB_TOKEN && e.GITHUB_REPO ? { token: e.GITHUB_TOKEN, repo: e.GITHUB_REPO, apiUrl: e.GITHUB_API_URL } : null,
    analyzer:
      e.ANALYZER_URL && e.ANALYZER_MODEL
        ? { url: e.ANALYZER_URL, model: e.ANALYZER_MODEL, apiKey: e.ANALYZER_API_KEY, timeoutMs: e.ANALYZER_TIMEOUT_MS }
        : null,
    retention:
      e.RETENTION_DAYS === undefined ? null : { days: e.RETENTION_DAYS, maxAgeMs: Math.round(e.RETENTION_DAYS * 86_400_000), intervalMs: e.RETENTION_INTERVAL_MS },
  };
}
