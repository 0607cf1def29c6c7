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
import type { GraphiQLOptions } from 'graphql-yoga';
import type { Auth } from './auth.js';
import { ASSET_PARAM, assetUrl, WORKERS } from './plugins/use-graphiql-assets.js';

/** The dev user whose token a GraphiQL page carries when dev sign-in is on. */
const GRAPHIQL_USER = { name: 'GraphiQL', org: 'acme' } as const;

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
