/**
 * Start-up on a data directory that does not take writes (read-only, full, failing).
 *
 * Exiting would hand the problem to a process manager, which restarts the server into the same
 * failure: a crash loop whose only trace is a stack. And the server cannot run degraded either:
 * SQLite cannot even read a WAL database in a directory it cannot write (the `-shm` index lives
 * beside it), and starting resumes interrupted effects, which is a write. So it waits, listening:
 * `/readyz` answers 503 with the reason, every other request 503 `SERVICE_UNAVAILABLE`, and it
 * tries again every `retryMs`; once the store opens (with a real write), the app starts on the
 * same address. Nothing is written meanwhile, so nothing stored can be damaged.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ErrorCode } from '../shared/codes.js';
import { StorageFaultError, type EventStore } from '../store/types.js';
import { buildApp, createLogger, openStore, type App } from './app.js';
import type { Config } from './env.js';
import { STORAGE_MESSAGES } from './client-errors.js';

export interface WaitOptions {
  /** How often to try the data directory again. @default 2000 */
  retryMs?: number;
  /** Told once when it starts waiting (index.ts prints it), with the address it answers on. */
  onWaiting?: (url: string, fault: StorageFaultError) => void;
  logger?: Logger;
}

/** Build and start the app as soon as its data directory takes writes. */
export async function startWhenWritable(config: Config, options: WaitOptions = {}): Promise<{ app: App; url: string }> {
  const logger = options.logger ?? createLogger(config.logLevel);
  let waiting: { server: Server; port: number; fault: StorageFaultError } | null = null;
  for (;;) {
    let store: EventStore | null = null;
    let app: App | null = null;
    try {
      store = await openStore(config); // SqliteStore.open proves it can write
      if (waiting) {
        await close(waiting.server); // the port is the app's now
        logger.info({ dataDir: config.dataDir }, 'the data directory takes writes again: starting');
      }
      app = await buildApp(config, { store, logger });
      return { app, url: await app.start(waiting?.port ?? config.port) };
    } catch (error) {
      // What this attempt opened is closed before the next (the app's stop closes its store).
      await (app ? app.stop() : store?.close());
      if (!(error instanceof StorageFaultError)) throw error;
      if (!waiting || waiting.fault.storage !== error.storage) {
        logger.error({ err: error.cause, storage: error.storage, dataDir: config.dataDir }, 'the data directory does not take writes: waiting');
      }
      if (waiting?.server.listening) waiting.fault = error;
      else {
        const port: number = waiting?.port ?? config.port;
        waiting = { fault: error, port, server: createServer() };
        const current = waiting;
        current.server.on('request', (req, res) => refuse(res, current.fault, req.url ?? '/'));
        // WebSocket clients get the same answer and retry on their own (graphql-ws does).
        current.server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nConnection: close\r\n\r\n'));
        current.port = await listen(current.server, port, config.host);
        options.onWaiting?.(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${current.port}`, error);
      }
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 2000));
    }
  }
}

function refuse(res: ServerResponse, fault: StorageFaultError, url: string): void {
  const path = new URL(url, 'http://localhost').pathname;
  const why = { storage: fault.storage, reason: fault.message };
  // Alive (a restart would not help), not ready: a liveness probe leaves it be, a load balancer
  // sends it nothing.
  const [status, body] =
    path === '/healthz'
      ? [200, { status: 'waiting for the data directory', ...why }]
      : path === '/readyz'
        ? [503, { status: 'not ready', database: 'unwritable', ...why }]
        : [503, { errors: [{ message: STORAGE_MESSAGES[fault.storage], extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, storage: fault.storage } }] }];
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(status === 503 ? { 'retry-after': '2' } : {}),
  });
  res.end(JSON.stringify(body));
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
