/**
 * Operation limits: graphql-armor's depth, alias, directive, token and cost limits
 * (`useQueryLimits`) and the bracket nesting limit that runs before graphql-js parses
 * (`useNestingLimit`), with `reportLimit`, which makes a limit fail only its operation.
 *
 * `useNestingLimit`: a document nested deeper than any real one (`{{{{…`, 2,000 levels fit
 *   under the token limit) is refused before graphql-js's recursive parser overflows the stack,
 *   which surfaced as "Maximum call stack size exceeded" (INTERNAL_SERVER_ERROR, and a 4500 close
 *   on WebSockets).
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../shared/codes.js';

/**
 * Armor's validation rules throw by default. Yoga's HTTP path turns a throw into an error
 * response, but graphql-ws treats a throwing `validate` as an internal error and closes the
 * socket with 4500; reported as validation errors, a limit fails only that operation, with a code.
 */
export const reportLimit = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/** graphql-armor with conveyor's limits. */
export function useQueryLimits() {
  return EnvelopArmorPlugin({
    maxDepth: { n: 12, ...reportLimit },
    maxAliases: { n: 20, ...reportLimit },
    maxDirectives: { n: 20, ...reportLimit },
    maxTokens: { n: 4000 },
    // Cost multiplies by `first`: the dashboard's first page of 200 tasks costs ~72k (armor
    // counts a field once per fragment selecting it); 250k leaves room for real clients and
    // still stops `tasks(first: 100000)`-style requests.
    costLimit: { maxCost: 250_000, flattenFragments: true, ...reportLimit },
  });
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
