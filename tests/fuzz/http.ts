/**
 * HTTP requests for the fuzz tests: an arbitrary over method, path, headers and body, a sender
 * with a hard deadline (a hang is a failure, not a stuck test), and the oracle every answer must
 * satisfy.
 */
import fc from 'fast-check';
import { operationNameArb, queryArb, variablesArb } from './documents.js';
import { DOCUMENTED_CODES } from './codes.js';
import { leaksInternals } from './support.js';

export interface HttpCase {
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  /** The body, or for an event stream its first event. */
  text: string;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/graphql-response+json',
  'application/graphql',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/xml',
  'application/json; charset=utf-16',
  ';;;',
];

const ACCEPTS = [
  'application/graphql-response+json, application/json',
  'application/json',
  'application/graphql-response+json',
  '*/*',
  'text/event-stream',
  'multipart/mixed',
  'text/html',
  'image/png',
  'application/json;q=0, text/html',
  '',
];

/** A GraphQL-over-HTTP JSON body: the right fields with random values, sometimes mistyped. */
const jsonBody = fc
  .record(
    {
      query: fc.oneof({ weight: 19, arbitrary: queryArb }, { weight: 1, arbitrary: fc.constantFrom(42, null, ['{ viewer { id } }'], {}) }),
      variables: variablesArb,
      operationName: operationNameArb,
      extensions: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom({}, 'x', [], { persistedQuery: { version: 1, sha256Hash: 'x' } }) },
      ),
    },
    { requiredKeys: ['query'] },
  )
  .map((fields) => JSON.stringify(fields));

/** Bodies that are not a GraphQL request object: not JSON, truncated, another JSON type. */
const rawBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.tuple(jsonBody, fc.nat()).map(([body, cut]) => body.slice(0, cut % Math.max(1, body.length))),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.integer({ min: 1, max: 50_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constantFrom('', '{}', '[]', '[{"query":"{ viewer { id } }"}]', '{"query":"{ viewer { id } }"', '\u0000', '\ufeff{"query":"{ viewer { id } }"}'),
);

/** A form or query-string encoding of the same fields (GET, or a urlencoded POST). */
const searchParams = fc
  .record(
    {
      query: queryArb,
      // JSON text of variables / extensions, sometimes not JSON at all.
      variables: fc.oneof(
        { weight: 4, arbitrary: variablesArb.map((v) => JSON.stringify(v) ?? '') },
        { weight: 1, arbitrary: fc.constantFrom('x', '{', '[1', '{"a":') },
      ),
      operationName: fc.oneof(fc.constant('Nope'), fc.string({ maxLength: 8 })),
      extensions: fc.oneof({ weight: 4, arbitrary: fc.constant('{}') }, { weight: 1, arbitrary: fc.constantFrom('{', 'x', '[]') }),
    },
    { requiredKeys: ['query'] },
  )
  .map((fields) => new URLSearchParams(fields as Record<string, string>).toString());

export function httpCaseArb(tokens: { valid: string }): fc.Arbitrary<HttpCase> {
  const authorization = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${tokens.valid}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer not.a.jwt', 'Basic abc', `Bearer ${tokens.valid}x`, 'bearer  ') },
  );
  const accept = fc.oneof({ weight: 4, arbitrary: fc.constant(ACCEPTS[0]) }, { weight: 3, arbitrary: fc.constantFrom(...ACCEPTS) });
  const post = fc.record({
    method: fc.constant('POST'),
    body: fc.oneof({ weight: 8, arbitrary: jsonBody }, { weight: 1, arbitrary: rawBody }, { weight: 1, arbitrary: searchParams }),
    contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    csrf: fc.boolean(),
    authorization,
    accept,
  });
  const get = fc.record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS') }),
    query: searchParams,
    authorization,
    accept,
  });
  return fc.oneof({ weight: 4, arbitrary: post }, { weight: 1, arbitrary: get }).map((c): HttpCase => {
    const headers: Record<string, string> = {};
    if (c.authorization !== undefined) headers.authorization = c.authorization;
    if (c.accept) headers.accept = c.accept;
    if ('body' in c) {
      if (c.contentType !== undefined) headers['content-type'] = c.contentType;
      if (c.csrf) headers['x-graphql-yoga-csrf'] = '1';
      return { method: c.method, path: '/graphql', headers, body: c.body };
    }
    return { method: c.method, path: `/graphql?${c.query}`, headers };
  });
}

/** An SSE body holds a whole event once a `data:` line is followed by the blank line ending it. */
function hasFirstEvent(text: string): boolean {
  const data = text.search(/^data:/m);
  return data >= 0 && text.indexOf('\n\n', data) >= 0;
}

/** Send one request; reject if the server has not answered (headers and body) within `timeoutMs`. */
export async function send(baseUrl: string, c: HttpCase, timeoutMs = 10_000): Promise<HttpAnswer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
  try {
    const response = await fetch(baseUrl + c.path, { method: c.method, headers: c.headers, body: c.body, signal: abort.signal });
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.startsWith('text/event-stream')) return { status: response.status, contentType, text: await response.text() };
    // A subscription over SSE stays open: its first event is the answer; then hang up.
    const reader = response.body!.getReader();
    let text = '';
    while (!hasFirstEvent(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += Buffer.from(chunk.value).toString('utf8');
    }
    abort.abort();
    return { status: response.status, contentType, text };
  } finally {
    clearTimeout(timer);
  }
}

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown };
}

/** The GraphQL errors of an answer (its first event, for SSE), or why the answer is malformed. */
export function errorsOf(answer: HttpAnswer): { errors: WireError[]; data: unknown } {
  let json = answer.text;
  if (answer.contentType.startsWith('multipart/mixed')) {
    // Incremental delivery: parts of headers, a blank line, then the JSON of each result.
    const part = /\r?\n\r?\n(\{.*\})\r?\n/s.exec(answer.text);
    if (!part) throw new Error(`multipart answer without a JSON part: ${answer.text.slice(0, 200)}`);
    json = part[1];
  } else if (answer.contentType.startsWith('text/event-stream')) {
    const data = /^data: ?(.*)$/m.exec(answer.text);
    if (!data) throw new Error(`event stream without a data line: ${answer.text.slice(0, 200)}`);
    json = data[1];
  }
  const body = JSON.parse(json) as { errors?: WireError[]; data?: unknown };
  return { errors: body.errors ?? [], data: body.data };
}

/**
 * What every answer must be: a status below 500, a JSON body (or an event stream whose first
 * event is JSON), no internals, and errors that each carry a documented code other than
 * INTERNAL_SERVER_ERROR. An answer without errors must carry data. Returns the codes seen.
 */
export function checkAnswer(c: HttpCase, answer: HttpAnswer): string[] {
  const where = `${c.method} ${c.path.slice(0, 120)} ${JSON.stringify(c.headers)} ${c.body?.slice(0, 200) ?? ''}\n→ ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500) throw new Error(`status ${answer.status}: ${where}`);
  if (leaksInternals(answer.text)) throw new Error(`internals in the answer: ${where}`);
  // Node's HTTP parser refuses a request line and headers over 16 KiB before the app sees it.
  if (answer.status === 431 && answer.text === '' && c.path.length > 16_000) return [];
  // OPTIONS is a CORS preflight: 204 and headers only (plugins/use-csrf.ts decides which origins get them).
  if (c.method === 'OPTIONS' && answer.status === 204 && answer.text === '') return [];
  // A browser's GET of /graphql (Accept: text/html) is GraphiQL's page, not a GraphQL answer.
  if (c.method === 'GET' && answer.status === 200 && answer.contentType.startsWith('text/html')) return [];
  let parsed: { errors: WireError[]; data: unknown };
  try {
    parsed = errorsOf(answer);
  } catch (error) {
    throw new Error(`not a GraphQL answer (${String(error)}): ${where}`, { cause: error });
  }
  if (parsed.errors.length === 0) {
    if (answer.status >= 400 || parsed.data == null) throw new Error(`no errors and no data: ${where}`);
    return [];
  }
  return parsed.errors.map((error) => {
    const code = error.extensions?.code;
    if (typeof error.message !== 'string' || error.message === '') throw new Error(`error without a message: ${where}`);
    if (typeof code !== 'string' || !DOCUMENTED_CODES.has(code)) throw new Error(`undocumented code ${String(code)}: ${where}`);
    if (code === 'INTERNAL_SERVER_ERROR') throw new Error(`unexpected error: ${where}`);
    return code;
  });
}
