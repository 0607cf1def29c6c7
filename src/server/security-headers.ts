/**
 * Response headers that tell the browser what the pages we serve may do.
 *
 * The dashboard (client/dist, served by sirv) gets a strict Content-Security-Policy: only its own
 * scripts and styles (Vite emits files, no inline `<script>` or `<style>`; React's `style=`
 * props are set through the DOM, which CSP allows; React Flow's styles are an imported CSS file),
 * images from itself and `data:` (the favicon in index.html), and connections to itself over
 * HTTP and WebSocket. `tests/browser/security.test.ts` loads it in Chromium and asserts that no
 * violation is reported.
 *
 * GraphiQL (GET /graphql, graphiql.ts) is served from conveyor too, with no inline script: the
 * same policy, but for what Monaco, GraphiQL's editor, needs: its workers from our own URLs
 * (`worker-src 'self'`), the `<style>` elements it adds at run time (`style-src 'unsafe-inline'`,
 * styles only: scripts stay `'self'`), and the fonts inlined in its stylesheet (`font-src data:`).
 * `tests/browser/graphiql.test.ts` loads it offline and asserts that no violation is reported.
 * The policy also covers GraphiQL's files and workers, which are served on /graphql.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Host header we are willing to repeat in a header: a hostname or IP literal and a port. */
const SAFE_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The dashboard's directives, in the order they are sent. Unset ones (`undefined`) fall back to
 * `default-src`; `connect-src` also names the page's WebSocket origins (see `policy`).
 */
const DASHBOARD: Record<string, string | undefined> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': undefined,
  'connect-src': "'self'",
  'worker-src': undefined,
  'frame-ancestors': "'none'",
  'base-uri': "'none'",
  'object-src': "'none'",
  'form-action': "'self'",
};

/** GraphiQL's: the dashboard's, and what Monaco needs (see above). */
const GRAPHIQL = { ...DASHBOARD, 'style-src': "'self' 'unsafe-inline'", 'font-src': "'self' data:", 'worker-src': "'self'" };

/** A policy header from `directives`; `host` (the Host the page was reached at) for its WebSocket. */
function policy(directives: Record<string, string | undefined>, host: string | undefined): string {
  // CSP 3 lets 'self' match ws:/wss: of the same host, but older engines do not: name them.
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return Object.entries(directives)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} ${value}${name === 'connect-src' ? sockets : ''}`)
    .join('; ');
}

/** The dashboard's policy; `host` (the Host it was reached at) for its WebSocket. */
export function dashboardPolicy(host: string | undefined): string {
  return policy(DASHBOARD, host);
}

/** GraphiQL's policy (see above); `host` for its WebSocket, as for the dashboard. */
export function graphiqlPolicy(host: string | undefined): string {
  return policy(GRAPHIQL, host);
}

/** Headers for every response; `page` says which policy a GET may render under. */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, page: 'dashboard' | 'graphql' | 'none'): void {
  // No MIME sniffing: a JSON answer or an uploaded-looking asset is never run as a script.
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Task pages carry ids in their URLs; the issue and PR links they open need no referrer.
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (page === 'dashboard') res.setHeader('Content-Security-Policy', dashboardPolicy(req.headers.host));
  if (page === 'graphql') res.setHeader('Content-Security-Policy', graphiqlPolicy(req.headers.host));
}
