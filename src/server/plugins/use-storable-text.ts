/**
 * A refusal the fuzz tests (tests/fuzz, issue 7) showed was missing or wrongly coded: a client's
 * mistake that used to be INTERNAL_SERVER_ERROR, a bare status or a leak.
 *
 * `useStorableText` / `unstorableInput`: text no store can keep (NUL, unpaired UTF-16
 *   surrogates) is BAD_USER_INPUT. PostgreSQL refuses NUL in TEXT and JSONB and unpaired
 *   surrogates in JSONB, so such an id, title or filter failed as a database error in production.
 */
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../shared/codes.js';

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
