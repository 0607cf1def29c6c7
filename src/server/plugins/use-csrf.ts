/**
 * Cross-site requests over HTTP, the counterpart of the WebSocket origin check in ws.ts.
 *
 * Two halves, both needed:
 * - CORS: only same-origin pages and ALLOWED_ORIGINS get CORS headers. Yoga's default reflects
 *   every Origin (with credentials), which would let any site preflight a JSON request to a
 *   local server and, with dev sign-in, act as anyone.
 * - CSRF: "simple" POSTs (form-encoded, multipart, text/plain bodies) skip the preflight, so
 *   CORS cannot stop them from running. Yoga's CSRF prevention refuses them unless they carry a
 *   header a cross-site page cannot set without a preflight: `x-graphql-yoga-csrf`, or
 *   `authorization` (every authenticated client sends it; a form cannot). JSON POSTs (the
 *   dashboard, the worker CLI, the bench loaders) are preflighted cross-site, so they need no
 *   extra header.
 * - GET is exempt: Yoga runs only queries and subscriptions over GET (a mutation gets 405), and
 *   those change nothing, while a cross-site page cannot read the answer (no CORS headers). The
 *   plugin would refuse every GET without the header, which breaks the sign-in page's anonymous
 *   urql query (urql sends queries as GET) and any plain GraphQL-over-HTTP GET client.
 */
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError, type CORSOptions, type Plugin } from 'graphql-yoga';
import { ERROR_CODES, ErrorCode } from '../../shared/codes.js';

/** Headers that prove a request was preflighted (or did not come from a browser form). */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'authorization'];

/** The message of the plugin's refusal, which `codeFor` in use-error-codes.ts gives the CSRF_PREVENTED code. */
export const CSRF_MESSAGE = 'Required CSRF header(s) not present';

/** Same-origin (Origin's host is the Host we were reached at) or listed in ALLOWED_ORIGINS. */
export function originAllowed(origin: string, host: string | null, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  if (!URL.canParse(origin)) return false; // an unparsable Origin ("null", garbage) is never ours
  return new URL(origin).host === host;
}

/** Yoga's `cors` option: CORS headers for allowed origins only; none for anyone else. */
export function corsFor(allowedOrigins: readonly string[]) {
  return (request: Request): CORSOptions | false => {
    const origin = request.headers.get('origin');
    if (!origin || !originAllowed(origin, request.headers.get('host'), allowedOrigins)) return false;
    // Bearer tokens, no cookies: nothing for the browser to send "with credentials".
    return { origin: [origin], credentials: false, methods: ['GET', 'POST'] };
  };
}

export function useCsrfPrevention(): Plugin {
  const guard = useCSRFPrevention({ requestHeaders: CSRF_HEADERS });
  return {
    onRequestParse(payload) {
      if (payload.request.method === 'GET') return;
      return guard.onRequestParse?.(payload);
    },
  };
}

/**
 * Yoga answers a POST body it has no parser for with a bare 415 and no body; every refusal here
 * carries a code, so this one does too. Runs after Yoga's parsers have had their say.
 */
export function useUnsupportedMediaType(): Plugin {
  return {
    onRequestParse({ request, requestParser }) {
      if (request.method !== 'POST' || requestParser) return;
      const type = (request.headers.get('content-type') ?? 'none').slice(0, 100);
      throw createGraphQLError(`Unsupported Content-Type (${type}): send application/json`, {
        extensions: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, http: { status: ERROR_CODES.UNSUPPORTED_MEDIA_TYPE.status } },
      });
    },
  };
}
