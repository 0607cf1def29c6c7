/**
 * A refusal the fuzz tests (tests/fuzz, issue 7) showed was missing or wrongly coded: a client's
 * mistake that used to be INTERNAL_SERVER_ERROR, a bare status or a leak.
 *
 * `useNotAcceptable`: a request whose Accept allows no format the result can be sent in gets
 *   406 with a coded JSON body instead of an empty one; a subscription over HTTP whose Accept
 *   does not allow an event stream is refused before it starts. Before, Yoga ran it, found no way
 *   to send it, answered a bare 406 and never returned its stream: a feed cursor leaked for good
 *   with every such request.
 */
import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { ERROR_CODES, ErrorCode } from '../../shared/codes.js';

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
