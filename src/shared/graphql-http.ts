/**
 * GraphQL over HTTP as a client sees it: one POST to `<url>/graphql`, signed in with a Bearer
 * token or not. The one HTTP GraphQL client of the repository: the liveness checker
 * (src/liveness/api.ts) reads the API through it, and the tests (tests/utils/server.ts,
 * tests/reliability/client.ts) send their requests through it too.
 */

export interface GraphqlError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** What the server answered: its HTTP status and the GraphQL response body. */
export interface GraphqlResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphqlError[];
}

/** A response without data, or with errors: nothing of it is to be taken as done. */
export interface Refusal {
  status: number;
  /** `extensions.code` of the first error (`NONE` when it has none). */
  code: string;
  message: string;
  extensions: Record<string, unknown>;
}

export type GraphqlResult<T> = { kind: 'ack'; data: T } | ({ kind: 'refused' } & Refusal);

export interface GraphqlRequestOptions {
  /** Sent as `authorization: Bearer <token>`; none signs in as nobody. */
  token?: string | null;
  /** Abort the request (and fail) after this long. @default no limit */
  timeoutMs?: number;
}

/** Thrown for an answer that is not a GraphQL response (a body that is not JSON). */
export class NotGraphqlError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 200)}`);
    this.name = 'NotGraphqlError';
  }
}

/** Thrown by `graphqlData` when the server refused the operation. */
export class GraphqlRefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'GraphqlRefusedError';
  }
}

/**
 * POST one operation. Rejects when there is no whole answer (connection refused or cut, timeout)
 * or with `NotGraphqlError` when the body is not JSON.
 *
 * @example
 * const { status, data, errors } = await postGraphql(url, '{ viewer { id } }', {}, { token });
 */
export async function postGraphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  { token, timeoutMs }: GraphqlRequestOptions = {},
): Promise<GraphqlResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
  });
  // Only a whole body counts: a connection cut mid-body rejects here, as one cut before does.
  const text = await response.text();
  let body: Omit<GraphqlResponse<T>, 'status'>;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new NotGraphqlError(response.status, text);
  }
  return { status: response.status, ...body };
}

/** Data (a 200 with data and no error) or the refusal, told apart. */
export function resultOf<T>(response: GraphqlResponse<T>): GraphqlResult<T> {
  const first = response.errors?.[0];
  if (response.status === 200 && response.data && !first) return { kind: 'ack', data: response.data };
  return {
    kind: 'refused',
    status: response.status,
    code: String(first?.extensions?.code ?? 'NONE'),
    message: first?.message ?? `HTTP ${response.status} without data: ${JSON.stringify(response)}`,
    extensions: first?.extensions ?? {},
  };
}

/** `postGraphql` for operations that must succeed: their data, or a `GraphqlRefusedError`. */
export async function graphqlData<T>(url: string, query: string, variables: Record<string, unknown> = {}, options: GraphqlRequestOptions = {}): Promise<T> {
  const result = resultOf(await postGraphql<T>(url, query, variables, options));
  if (result.kind === 'refused') {
    const { kind: _kind, ...refusal } = result;
    throw new GraphqlRefusedError(refusal);
  }
  return result.data;
}
