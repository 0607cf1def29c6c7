/**
 * GraphiQL at GET /graphql, served entirely by conveyor: no CDN, so it works offline (issue 13).
 *
 * Yoga's built-in page loads GraphiQL's script, styles and Monaco's workers from unpkg; without
 * internet it stays on "Loading…" (`YogaGraphiQL is not defined`). `@graphql-yoga/render-graphiql`
 * ships the same bundle as strings (the package's own `renderGraphiQL` inlines all of it, 9 MB,
 * into every page). We take the bundle from it and serve each piece as its own file under the
 * same path, `/graphql?graphiql-asset=<name>&v=<version>` (every other GET path is the
 * dashboard's), through Yoga's documented `renderGraphiQL` hook and a plugin for the files:
 * - the page is 2 KB of HTML with no inline code (its options are a JSON data block), so it runs
 *   under a strict Content-Security-Policy (security-headers.ts, `graphiqlPolicy`);
 * - the files are immutable per version (cached for a year, gzip when accepted), loaded from the
 *   package the first time GraphiQL is asked for, not at start.
 *
 * Subscriptions run over graphql-ws (the dashboard's transport), not Yoga's default SSE: the
 * socket's `connection_init` carries the `Authorization` of the active tab's Headers editor at
 * the moment the socket opens (start.js below; GraphiQL's fetcher would only send headers with
 * HTTP requests). With dev sign-in, every page comes with a fresh token of the dev user
 * "GraphiQL" (org acme) in the Headers tab.
 */
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import type { Auth } from './auth.js';

const gzip = promisify(gzipCallback);

/** The query parameter that names a GraphiQL file (on /graphql, the only path Yoga is given). */
const ASSET_PARAM = 'graphiql-asset';
const VERSION: string = createRequire(import.meta.url)('@graphql-yoga/render-graphiql/package.json').version;

/** The dev user whose token a GraphiQL page carries when dev sign-in is on. */
const GRAPHIQL_USER = { name: 'GraphiQL', org: 'acme' } as const;

const assetUrl = (name: string) => `/graphql?${ASSET_PARAM}=${name}&v=${VERSION}`;

/** Monaco's workers by the label it asks for. */
const WORKERS = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' } as const;

/**
 * Runs in the page, after the GraphiQL bundle: Monaco's workers from our URLs, and the options
 * from the page's JSON block plus what JSON cannot carry (functions).
 */
const START = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var options = config.options;
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      return config.workers[label] || config.workers.editorWorkerService;
    },
  };
  // The Headers editor's content: GraphiQL reports every edit (onEditHeaders, at once) and every
  // tab change; before the first report, what it shows at start: the headers it kept in
  // localStorage (shouldPersistHeaders), else the page's.
  var current = null;
  function initialHeaders() {
    try {
      var kept = localStorage.getItem('graphiql:headers');
      if (kept !== null) return kept;
    } catch (e) {
      // no localStorage (disabled): GraphiQL starts with the page's headers too
    }
    return options.headers || '';
  }
  function authorization() {
    var headers;
    try {
      headers = JSON.parse((current !== null ? current : initialHeaders()) || '{}');
    } catch (e) {
      return undefined; // GraphiQL reports invalid JSON itself when an operation runs
    }
    for (var name in headers) {
      if (name.toLowerCase() === 'authorization' && typeof headers[name] === 'string') return headers[name];
    }
    return undefined;
  }
  var render = function () {
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), Object.assign({}, options, {
      onEditHeaders: function (value) {
        current = value;
      },
      onTabChange: function (state) {
        var tab = state.tabs[state.activeTabIndex];
        // A tab without headers of its own shows the page's (GraphiQL's defaultHeaders).
        current = tab && typeof tab.headers === 'string' ? tab.headers : options.headers || '';
      },
      // Read when a socket opens (graphql-ws, lazy: the first subscription opens it, the last one
      // to stop closes it), so a subscription started after editing the headers uses them.
      connectionParams: function () {
        var value = authorization();
        return value ? { authorization: value } : {};
      },
    }));
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
  else render();
})();
`;

interface Asset {
  type: string;
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
}

/** A Buffer as the plain byte view fetch's Response takes. */
const bytes = (buffer: Buffer) => new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);

let loading: Promise<Map<string, Asset>> | undefined;

/** The files, from the package (9 MB of strings: loaded once, when GraphiQL is first used). */
function assets(): Promise<Map<string, Asset>> {
  loading ??= (async () => {
    const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
    const favicon = /^data:[^;,]+;base64,(.*)$/.exec(bundle.favicon);
    const files: [string, string, Buffer][] = [
      ['graphiql.js', 'text/javascript', Buffer.from(bundle.js)],
      ['graphiql.css', 'text/css', Buffer.from(bundle.css)],
      ['start.js', 'text/javascript', Buffer.from(START)],
      [WORKERS.editorWorkerService, 'text/javascript', Buffer.from(bundle.editorWorkerService)],
      [WORKERS.json, 'text/javascript', Buffer.from(bundle.jsonWorker)],
      [WORKERS.graphql, 'text/javascript', Buffer.from(bundle.graphqlWorker)],
    ];
    if (favicon) files.push(['favicon.ico', 'image/x-icon', Buffer.from(favicon[1], 'base64')]);
    const entries = await Promise.all(
      files.map(async ([name, type, body]) => [name, { type, body: bytes(body), gzipped: bytes(await gzip(body)) }] as const),
    );
    return new Map(entries);
  })();
  loading.catch(() => {
    loading = undefined; // a failed load (say, the package missing) is retried on the next request
  });
  return loading;
}

/** Serves the files of `renderGraphiQL`'s page; first among the plugins (no GraphQL involved). */
export function useGraphiQLAssets(): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const name = url.searchParams.get(ASSET_PARAM);
      if (name === null || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      let asset: Asset | undefined;
      try {
        asset = (await assets()).get(name);
      } catch {
        // Answered below; the next request tries to load the package again.
        return endResponse(new fetchAPI.Response('GraphiQL is not available: @graphql-yoga/render-graphiql failed to load', {
            status: 500,
            headers: { 'content-type': 'text/plain' },
          }));
      }
      if (!asset) return endResponse(new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }));
      const gzipped = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      const body = gzipped ? asset.gzipped : asset.body;
      const headers: Record<string, string> = {
        'content-type': `${asset.type}${asset.type.startsWith('text/') ? '; charset=utf-8' : ''}`,
        'content-length': String(body.length),
        // The URL carries the package's version; start.js (2 KB) is conveyor's, so it is fetched anew.
        'cache-control': name === 'start.js' ? 'no-cache' : 'public, max-age=31536000, immutable',
        vary: 'Accept-Encoding',
      };
      if (gzipped) headers['content-encoding'] = 'gzip';
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status: 200, headers }));
    },
    onResponse({ request, response }) {
      // The page may carry a fresh token: never stored by a cache.
      if (request.method === 'GET' && response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('cache-control', 'no-store');
      }
    },
  };
}

/** JSON inside `<script type="application/json">`: no `<` that could close or open a tag. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Yoga's `renderGraphiQL`: the package's page, with its files from `useGraphiQLAssets`. */
export function renderGraphiQL(options: GraphiQLOptions): string {
  const workers = Object.fromEntries(Object.entries(WORKERS).map(([label, file]) => [label, assetUrl(file)]));
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${escapeHtml(assetUrl('favicon.ico'))}" />
    <link rel="stylesheet" href="${escapeHtml(assetUrl('graphiql.css'))}" />
    <script id="graphiql-config" type="application/json">${scriptJson({ options, workers })}</script>
    <script defer src="${escapeHtml(assetUrl('graphiql.js'))}"></script>
    <script defer src="${escapeHtml(assetUrl('start.js'))}"></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
  </body>
</html>
`;
}

const DOCUMENT = /* GraphQL */ `mutation SignIn {
  devSignIn(name: "Ada", org: "acme") { token viewer { id name org } }
}

mutation Create {
  createTask(input: { title: "Add dark mode", description: "Add a dark theme toggle to the settings page, persisted per user, following the system preference by default." }) {
    id status version
  }
}

subscription Watch {
  taskUpdated { cursor event task { id title status version issue { number url } } }
}
`;

/** The default document: the README's operations, with how to authenticate in this mode. */
export function defaultQuery(tokenPrefilled: boolean): string {
  const steps = tokenPrefilled
    ? `# The Headers tab holds a token of the dev user "${GRAPHIQL_USER.name}"
# (org ${GRAPHIQL_USER.org}), fresh with every page load. To be someone
# else, run "SignIn" and put its token there instead:
#   { "Authorization": "Bearer <token>" }
#
# Run "Watch" (it keeps running, over a WebSocket), then
# "Create" in a second tab, and watch the task move.`
    : `# 1. Put a token signed with the server's JWT_SECRET in the
#    Headers tab: { "Authorization": "Bearer <token>" }
#    ("SignIn" needs dev sign-in: no JWT_SECRET, loopback host.)
# 2. Run "Watch" (it keeps running, over a WebSocket), then
#    "Create" in a second tab, and watch the task move.`;
  return `# Welcome to conveyor.\n#\n${steps}\n\n${DOCUMENT}`;
}

/**
 * Yoga's `graphiql` option, per page: the defaults, over graphql-ws, and with dev sign-in a token
 * in the Headers tab. That token is not kept in localStorage (`shouldPersistHeaders: false`), so a
 * reload brings a fresh one instead of an expired one; without dev sign-in, headers the user
 * types are kept, as GraphiQL does by default.
 */
export function graphiqlOptions(auth: Auth, title: string) {
  const base: GraphiQLOptions = { title, subscriptionsProtocol: 'WS' };
  return async (request: Request): Promise<GraphiQLOptions | boolean> => {
    if (new URL(request.url).searchParams.has(ASSET_PARAM)) return false; // a file, not the page
    if (!auth.devSignInEnabled) return { ...base, defaultQuery: defaultQuery(false) };
    const { token } = await auth.devSignIn(GRAPHIQL_USER.name, GRAPHIQL_USER.org);
    return {
      ...base,
      defaultQuery: defaultQuery(true),
      headers: JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2),
      shouldPersistHeaders: false,
    };
  };
}
