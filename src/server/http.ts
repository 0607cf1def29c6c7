/**
 * The Node HTTP request handler: which part of the server answers a request, in this order.
 * - security headers on every response (security-headers.ts; GETs may render the dashboard);
 * - /healthz and /readyz go to Yoga at once (plugins/use-health.ts, plugins/use-readiness.ts);
 * - POST /webhooks/github (webhooks.ts: it needs the raw body for its signature);
 * - GET /metrics (Prometheus text);
 * - the dashboard's files for every other GET but /graphql (dashboard.ts);
 * - body limits, before Yoga reads anything: a POST with no Content-Length is 411, a longer body
 *   than MAX_BODY_BYTES 413;
 * - everything else goes to Yoga (/graphql).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../shared/codes.js';
import type { Dashboard } from './dashboard.js';
import type { Metrics } from './metrics.js';
import { setSecurityHeaders } from './security-headers.js';

export interface HttpDeps {
  yoga: { requestListener: RequestListener };
  dashboard: Dashboard;
  webhook: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  metrics: Metrics;
  logger: Logger;
  maxBodyBytes: number;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A coded error response, shaped like a GraphQL one. */
export function httpError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  json(res, status, { errors: [{ message, extensions: { code } }] });
}

export function httpHandler(deps: HttpDeps): RequestListener {
  const { yoga, dashboard, webhook, metrics, maxBodyBytes } = deps;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    // Any other GET may render the dashboard (sirv's SPA fallback), so it gets its policy.
    const page = path === '/graphql' ? 'graphql' : req.method === 'GET' || req.method === 'HEAD' ? 'dashboard' : 'none';
    setSecurityHeaders(req, res, page);
    // Answered by Yoga plugins, before the routes and body limits below (as every probe is).
    if (path === '/healthz' || path === '/readyz') return yoga.requestListener(req, res);
    if (path === '/webhooks/github') return webhook(req, res);
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      return void res.end(await metrics.registry.metrics());
    }
    if (path !== '/graphql' && (req.method === 'GET' || req.method === 'HEAD') && dashboard(req, res, path)) return;
    if (req.method === 'POST') {
      // Body limits before Yoga reads anything: no length → 411, too long → 413.
      const length = req.headers['content-length'];
      if (length === undefined) {
        return httpError(res, 411, ErrorCode.LENGTH_REQUIRED, 'POST bodies need a Content-Length header');
      }
      if (Number(length) > maxBodyBytes) {
        return httpError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body exceeds ${maxBodyBytes} bytes`);
      }
    }
    return yoga.requestListener(req, res);
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'request failed');
      if (!res.headersSent) httpError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Unexpected error');
      else res.destroy();
    });
  };
}
