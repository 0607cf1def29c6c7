/**
 * Refusals the fuzz tests (tests/fuzz, issue 7) showed were missing or wrongly coded. Each turns
 * a client's mistake into a coded error where it used to be INTERNAL_SERVER_ERROR, a bare status
 * or a leak:
 * - `useParamsJsonErrors`: `variables` / `extensions` that are not JSON in a GET query string or a
 *   form body are a bad request (400 BAD_REQUEST), not an unexpected error;
 * - `useNotAcceptable`: a request whose Accept allows no format the result can be sent in gets
 *   406 with a coded JSON body instead of an empty one; a subscription over HTTP whose Accept
 *   does not allow an event stream is refused before it starts. Before, Yoga ran it, found no way
 *   to send it, answered a bare 406 and never returned its stream: a feed cursor leaked for good
 *   with every such request;
 * - `useNestingLimit`: a document nested deeper than any real one (`{{{{…`, 2,000 levels fit
 *   under the token limit) is refused before graphql-js's recursive parser overflows the stack,
 *   which surfaced as "Maximum call stack size exceeded" (INTERNAL_SERVER_ERROR, and a 4500 close
 *   on WebSockets);
 * - `useStorableText` / `unstorableInput`: text no store can keep (NUL, unpaired UTF-16
 *   surrogates) is BAD_USER_INPUT. PostgreSQL refuses NUL in TEXT and JSONB and unpaired
 *   surrogates in JSONB, so such an id, title or filter failed as a database error in production.
 */
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { createGraphQLError, isAsyncIterable, type Plugin } from 'graphql-yoga';
import { ERROR_CODES, ErrorCode } from '../shared/codes.js';

export function useParamsJsonErrors(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return; // no parser: useUnsupportedMediaType answers 415
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          // Yoga's query-string and form parsers JSON.parse `variables` and `extensions` as is.
          if (!(error instanceof SyntaxError)) throw error;
          throw createGraphQLError(`Request parameters are not valid JSON: ${error.message}`, {
            extensions: { code: ErrorCode.BAD_REQUEST, http: { status: ERROR_CODES.BAD_REQUEST.status } },
          });
        }
      });
    },
  };
}

/**
 * Brackets (`{`, `(`, `[`) a document may nest. Far above what the depth limit (12 fields) lets
 * through, far below what exhausts the stack (~1,900 levels on Node 20's default stack).
 */
export const MAX_NESTING = 64;

/** Whether `source` nests brackets deeper than `limit`, outside strings and comments. */
export function nestsDeeperThan(source: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"' && source.startsWith('"""', i)) {
      // Block string: ends at the next unescaped triple quote.
      i += 3;
      while (i < source.length && !(source.startsWith('"""', i) && source[i - 1] !== '\\')) i++;
      i += 2;
    } else if (c === '"') {
      // String: ends at the next unescaped quote, or the line (graphql-js refuses it then).
      i++;
      while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '{' || c === '(' || c === '[') {
      if (++depth > limit) return true;
    } else if (c === '}' || c === ')' || c === ']') {
      depth--;
    }
  }
  return false;
}

export function useNestingLimit(limit = MAX_NESTING): Plugin {
  return {
    onParse({ params }) {
      if (nestsDeeperThan(String(params.source), limit)) {
        throw new GraphQLError(`Document nests brackets deeper than ${limit} levels`, {
          extensions: { code: ErrorCode.QUERY_LIMIT_EXCEEDED },
        });
      }
    },
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Whether the request's Accept header allows `type`, read as Yoga reads it (utf-8 only). */
function accepts(request: Request, type: string): boolean {
  const [pre, suf] = type.split('/');
  return (request.headers.get('accept') || '*/*')
    .replace(/\s/g, '')
    .toLowerCase()
    .split(',')
    .some((entry) => {
      const [mediaType, ...params] = entry.split(';');
      if (params.some((p) => p.startsWith('charset=') && p !== 'charset=utf-8')) return false;
      const [askedPre, askedSuf] = mediaType.split('/');
      return (askedPre === '*' || askedPre === pre) && (askedSuf === '*' || askedSuf === suf);
    });
}

function notAcceptable(request: Request, offered: string): GraphQLError {
  return new GraphQLError(
    `Not Acceptable: "${(request.headers.get('accept') ?? '').slice(0, 100)}" allows none of ${offered} for this operation`,
    { extensions: { code: ErrorCode.NOT_ACCEPTABLE, http: { status: ERROR_CODES.NOT_ACCEPTABLE.status } } },
  );
}

export function useNotAcceptable(): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      // WebSocket operations carry no request; over HTTP a subscription is an event stream.
      if (!request || accepts(request, 'text/event-stream')) return;
      setResultAndStopExecution({ errors: [notAcceptable(request, 'text/event-stream')] });
    },
    onResultProcess({ request, result, resultProcessor, acceptableMediaTypes, setResultProcessor }) {
      if (resultProcessor) return;
      // Streams that cannot be sent were refused in onSubscribe; what gets here is one result the
      // Accept header allows no format for (not even JSON): the refusal goes out as JSON anyway.
      if (isAsyncIterable(result)) void result[Symbol.asyncIterator]().return?.(); // not expected; do not hold it
      const offered = [...new Set(acceptableMediaTypes)].join(', ');
      const body = JSON.stringify({ errors: [{ message: notAcceptable(request, offered).message, extensions: { code: ErrorCode.NOT_ACCEPTABLE } }] });
      setResultProcessor(
        (_result, fetchAPI) => new fetchAPI.Response(body, { status: 406, headers: { 'content-type': JSON_TYPE, accept: offered } }),
        JSON_TYPE,
      );
    },
  };
}

/** A surrogate without its pair: UTF-8 cannot encode it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

function findInValue(value: unknown, path: string): string | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = unstorable(key) ? `${path}.${key}` : findInValue(inner, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** Where the operation carries text no store can hold, as `$variable.path` or "a string literal", or null. */
export function unstorableInput(document: DocumentNode, variables: unknown): string | null {
  let literal = false;
  visit(document, {
    [Kind.STRING](node) {
      if (unstorable(node.value)) literal = true;
    },
  });
  if (literal) return 'a string literal';
  const found = findInValue(variables ?? null, '$');
  return found === null ? null : found.replace(/^\$\./, '$');
}

/** The coded error for `unstorableInput`'s finding. */
export function unstorableError(where: string): GraphQLError {
  return new GraphQLError(`Text in ${where} contains a NUL character or an unpaired surrogate: send valid Unicode text`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}

export function useStorableText(): Plugin {
  const guard = ({ args, setResultAndStopExecution }: { args: { document: DocumentNode; variableValues?: unknown }; setResultAndStopExecution: (r: { errors: GraphQLError[] }) => void }) => {
    const where = unstorableInput(args.document, args.variableValues);
    if (where) setResultAndStopExecution({ errors: [unstorableError(where)] });
  };
  return { onExecute: guard, onSubscribe: guard };
}
