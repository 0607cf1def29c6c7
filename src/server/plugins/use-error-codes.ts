/**
 * Every error a client sees carries `extensions.code`: this plugin adds the codes graphql-js and
 * graphql-armor leave out, on every operation's result (`withCodes` is also used by ws/ws.ts and
 * the fan-out engine for errors raised outside the pipeline).
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../../schema/context.js';
import { ErrorCode } from '../../shared/codes.js';
import { CSRF_MESSAGE } from './use-csrf.js';

/**
 * Codes for errors that graphql-js and graphql-armor raise without one, so every error a client
 * sees carries `extensions.code`: bad variable values are the client's input errors, and armor's
 * rejections are limits.
 */
function codeFor(error: GraphQLError): ErrorCode | undefined {
  const code = error.extensions.code;
  // Armor reports limits as syntax errors ("Syntax Error: Token limit of 4000 exceeded"), which
  // Yoga may already have coded as a parse or validation failure: a limit is more specific.
  const generic = !code || code === ErrorCode.GRAPHQL_PARSE_FAILED || code === ErrorCode.GRAPHQL_VALIDATION_FAILED;
  // graphql-js aborts validation with "Validation aborted." when a document exhausts its work
  // budget for comparing overlapping fields: a limit too.
  const limit = /limit (of \d+ )?exceeded|Token limit|Max (depth|aliases|directives)|^Validation aborted\.$/i;
  if (generic && limit.test(error.message)) {
    return ErrorCode.QUERY_LIMIT_EXCEEDED;
  }
  if (code) return undefined;
  if (error.message.startsWith('Variable "$')) return ErrorCode.BAD_USER_INPUT;
  if (error.message.startsWith('Syntax Error')) return ErrorCode.GRAPHQL_PARSE_FAILED;
  if (error.message === CSRF_MESSAGE) return ErrorCode.CSRF_PREVENTED;
  return undefined;
}

/** Copy errors, adding the code `codeFor` gives to those that lack one. */
export function withCodes<E extends GraphQLError>(errors: readonly E[]): GraphQLError[] {
  return errors.map((e) => {
    const code = codeFor(e);
    return code ? new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions: { ...e.extensions, code } }) : e;
  });
}

function withInputCode<T extends { errors?: readonly GraphQLError[] }>(result: T): T {
  return result.errors ? { ...result, errors: withCodes(result.errors) } : result;
}

export function useErrorCodes(): Plugin<GraphQLContext> {
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) setResult(withInputCode(result));
      },
    }),
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) setResult(withInputCode(result));
      },
    }),
    onResultProcess: ({ result, setResult }) => {
      if (!Array.isArray(result) && !(Symbol.asyncIterator in result)) setResult(withInputCode(result));
    },
  };
}
