/**
 * The files of GraphiQL's page (graphiql.ts renders it): `GET /graphql?graphiql-asset=<name>&v=<version>`,
 * loaded from @graphql-yoga/render-graphiql the first time one is asked for, cached for a year
 * (gzip when accepted). First among the plugins: no GraphQL involved.
 */
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

const gzip = promisify(gzipCallback);

/** The query parameter that names a GraphiQL file (on /graphql, the only path Yoga is given). */
export const ASSET_PARAM = 'graphiql-asset';
const VERSION: string = createRequire(import.meta.url)('@graphql-yoga/render-graphiql/package.json').version;

export const assetUrl = (name: string) => `/graphql?${ASSET_PARAM}=${name}&v=${VERSION}`;

/** Monaco's workers by the label it asks for. */
export const WORKERS = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' } as const;

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
