/**
 * A refusal the fuzz tests (tests/fuzz, issue 7) showed was missing or wrongly coded: a client's
 * mistake that used to be INTERNAL_SERVER_ERROR, a bare status or a leak.
 *
 * `useParamsJsonErrors`: `variables` / `extensions` that are not JSON in a GET query string or a
 *   form body are a bad request (400 BAD_REQUEST), not an unexpected error.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { ERROR_CODES, ErrorCode } from '../../shared/codes.js';

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
