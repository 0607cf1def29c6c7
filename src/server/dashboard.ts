/**
 * The dashboard's built files (client/dist), for every GET but /graphql.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { ErrorCode } from '../shared/codes.js';
import { httpError } from './http.js';

/** The checkout's client/dist, whether this file runs from src/ (tsx) or dist/src/ (`npm start`). */
export const DEFAULT_CLIENT_DIR = fileURLToPath(
  new URL(import.meta.url.includes('/dist/src/') ? '../../../client/dist' : '../../client/dist', import.meta.url),
);

/** Answers a GET or HEAD with a dashboard file; false when it leaves the request to what follows. */
export type Dashboard = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

export function dashboard(clientDir: string): Dashboard {
  // sirv: a well-kept static handler (path traversal, ETags, ranges); `single` serves index.html
  // for unknown paths so deep links work.
  const assets = existsSync(join(clientDir, 'index.html'))
    ? sirv(clientDir, { single: true, etag: true, dev: false })
    : null;
  return (req, res, path) => {
    if (assets) {
      assets(req, res, () => httpError(res, 404, ErrorCode.NOT_FOUND, 'Not found'));
      return true;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The dashboard is not built: run `npm run build:client` (npm start does it).\nGraphiQL: /graphql\n');
      return true;
    }
    return false;
  };
}
