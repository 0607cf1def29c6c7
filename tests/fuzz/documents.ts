/**
 * fast-check arbitraries for GraphQL requests: valid documents of the test suite, mutated
 * (truncated, tokens swapped, dropped or replaced, nested too deep, aliased too often, unknown
 * fields, wrong argument types), random text, and random or malformed variables / operation names.
 *
 * Nothing generated here can be a *valid* state-changing operation: documents only mutate (or
 * name) task ids that do not exist, and the variables given to mutations are never valid inputs.
 * Valid changes are made by the tests themselves, deliberately. So "nothing stored changed" is an
 * exact check, not a guess.
 */
import fc from 'fast-check';
import { ANSWER, CANCEL, COUNTS, CREATE_TASK, TASK, TASK_UPDATED, TIMELINE } from '../utils/documents.js';

/** Reads and subscriptions that are valid as written (they change nothing). */
export const READ_DOCUMENTS = [
  TASK,
  TASK_UPDATED,
  TIMELINE,
  COUNTS,
  `{ viewer { id name org } }`,
  `query List($filter: TaskFilter, $first: Int, $after: String) { tasks(filter: $filter, first: $first, after: $after) { cursor nodes { id title status version } pageInfo { hasNextPage endCursor } } }`,
  `{ dashboardCounts(filter: { scope: MINE }) { active total byStatus { status count } cursor } }`,
  `query Agents { agents { id name status health currentTask { id } } agentList { cursor } }`,
  `query Machines { machines { name } machine(name: "task") { name definition } }`,
  `query History($id: ID!, $after: String) { timeline(taskId: $id, after: $after, first: 5) { cursor type payload state } }`,
  `subscription Agents($after: String) { agentUpdated(after: $after) { cursor event agent { id health } } }`,
  `{ __schema { queryType { name } types { name kind } } }`,
];

/** Mutations; the arbitraries only ever give them unknown ids or invalid inputs. */
export const MUTATION_DOCUMENTS = [
  CREATE_TASK,
  ANSWER,
  CANCEL,
  `mutation Retry($taskId: ID!) { retryTask(taskId: $taskId) { id status } }`,
  `mutation Fail($taskId: ID!, $error: String!) { failTask(taskId: $taskId, error: $error) { id } }`,
  `mutation Pr($taskId: ID!, $number: Int!, $url: String!, $title: String!) { reportPullRequestOpened(taskId: $taskId, number: $number, url: $url, title: $title) { id } }`,
  `mutation Merged($taskId: ID!, $sha: String!, $mergedAt: DateTime) { reportPullRequestMerged(taskId: $taskId, sha: $sha, mergedAt: $mergedAt) { id } }`,
  `mutation Heartbeat($agentId: ID!) { agentHeartbeat(agentId: $agentId) { id } }`,
  `mutation Code($taskId: ID!, $agentId: ID!, $branch: String!) { startCoding(taskId: $taskId, agentId: $agentId, branch: $branch) { id } }`,
];

export const DOCUMENTS = [...READ_DOCUMENTS, ...MUTATION_DOCUMENTS];

const TOKEN = /\.\.\.|\$?[_A-Za-z][_0-9A-Za-z]*|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[!(){}[\]:=@|&,]|\s+|./gs;

export function tokens(document: string): string[] {
  return document.match(TOKEN) ?? [];
}

/** Ids that exist nowhere: the generated operations address nothing real. */
const unknownId = fc.oneof(fc.uuid(), fc.string({ maxLength: 12 }), fc.constantFrom('', ' ', 'undefined', '__proto__', 'constructor', '0'));

/** Tokens to swap in: punctuators, keywords, schema names, literals of every type. */
const FOREIGN_TOKENS = [
  '{', '}', '(', ')', '[', ']', ':', '!', '$', '@', '...', '=', '|', '&', ',',
  'query', 'mutation', 'subscription', 'fragment', 'on', 'true', 'false', 'null', 'input', 'type',
  '__typename', '__schema', '__type', 'tasks', 'task', 'timeline', 'viewer', 'agents', 'cursor', 'id',
  'createTask', 'cancelTask', 'devSignIn', 'nodes', 'ALL', 'MINE', 'MERGED', '@skip', '@include', '@deprecated',
  '""', '" "', '"-bad branch"', '"zzz"', '"99999999999"', '0', '-1', '1.5', '1e400', '2147483648', '"\\u0000"', '$nope',
];

const tokenEdit = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), token: fc.constantFrom(...FOREIGN_TOKENS) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.oneof(fc.constantFrom(...FOREIGN_TOKENS), fc.string({ maxLength: 6 })) }),
);
type TokenEdit = typeof tokenEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdits(document: string, edits: TokenEdit[]): string {
  const list = tokens(document);
  for (const edit of edits) {
    if (list.length === 0) break;
    const at = edit.at % list.length;
    if (edit.kind === 'drop') list.splice(at, 1);
    else if (edit.kind === 'duplicate') list.splice(at, 0, list[at]);
    else if (edit.kind === 'swap') {
      const other = edit.with % list.length;
      [list[at], list[other]] = [list[other], list[at]];
    } else if (edit.kind === 'replace') list[at] = ` ${edit.token} `;
    else list.splice(at, 0, ` ${edit.token} `);
  }
  return list.join('');
}

const document = fc.constantFrom(...DOCUMENTS);

/** A field chain `assignedAgent { currentTask { … } }` deeper than the depth limit (12), or not. */
const deepNesting = fc.integer({ min: 1, max: 60 }).map((depth) => {
  let inner = 'id';
  for (let i = 0; i < depth; i++) inner = `${i % 2 ? 'currentTask' : 'assignedAgent'} { ${inner} }`;
  return `{ tasks(first: 1) { nodes { ${inner} } } }`;
});

/** Braces nested past anything sensible: the parser must refuse, not recurse without bound. */
const deepBraces = fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`);

/** Aliases (limit 20), and the same field merged many times (graphql-js's overlap check). */
const manyAliases = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.boolean()).map(([count, sameName]) =>
  `{ ${Array.from({ length: count }, (_, i) => `${sameName ? 'a' : `a${i}`}: viewer { id }`).join(' ')} }`,
);

const name = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,15}$/);

/** A selection of a field the schema does not have, next to real ones. */
const unknownField = fc.tuple(name, fc.constantFrom(...READ_DOCUMENTS)).map(([field, doc]) => doc.replace(/\{/, `{ ${field} `));

/** Arguments of the wrong type, or arguments that do not exist. */
const wrongArguments = fc.constantFrom(
  `{ tasks(first: "x") { cursor } }`,
  `{ tasks(first: 1.5) { cursor } }`,
  `{ tasks(first: 2147483648) { cursor } }`,
  `{ tasks(first: -1) { cursor } }`,
  `{ tasks(first: 0) { cursor } }`,
  `{ tasks(first: 501) { cursor } }`,
  `{ tasks(first: 100000) { cursor } }`,
  `{ tasks(filter: 7) { cursor } }`,
  `{ tasks(filter: { status: [NOPE] }) { cursor } }`,
  `{ tasks(filter: { scope: "MINE" }) { cursor } }`,
  `{ tasks(after: "-1") { cursor } }`,
  `{ tasks(after: "1e400") { cursor } }`,
  `{ tasks(after: "99999999999999999999") { cursor } }`,
  `{ task(id: 5) { id } }`,
  `{ task(id: null) { id } }`,
  `{ task { id } }`,
  `{ task(id: "x", extra: 1) { id } }`,
  `{ timeline(taskId: ["a"]) { cursor } }`,
  `{ timeline(taskId: "x", first: -5) { cursor } }`,
  `{ agentTimeline(agentId: "x", after: "abc") { cursor } }`,
  `{ machine(name: "__proto__") { name } }`,
  `mutation { createTask(input: "x") { id } }`,
  `mutation { createTask(input: { title: 42 }) { id } }`,
  `mutation { createTask(input: { title: "" }) { id } }`,
  `mutation { createTask(input: { title: "ok", extra: true }) { id } }`,
  `mutation { createTask(input: { title: "ok", private: "yes" }) { id } }`,
  `mutation { cancelTask(taskId: "nope", reason: 1) { id } }`,
  `mutation { reportPullRequestOpened(taskId: "nope", number: "1", url: "x", title: "t") { id } }`,
  `mutation { reportPullRequestMerged(taskId: "nope", sha: "abc1234", mergedAt: "yesterday") { id } }`,
  `mutation { devSignIn(name: "x", org: "y") { token } }`,
  `mutation { registerAgent(name: "") { id } }`,
  `mutation { registerAgent(name: "-bad") { id } }`,
  `subscription { taskUpdated(after: "zzz") { cursor } }`,
  `subscription { taskUpdated(after: "99999999") { cursor } }`,
  `subscription { timeline(taskId: "nope") { cursor } }`,
  `subscription { taskUpdated { cursor } dashboardCounts { total } }`,
  `subscription { __typename }`,
  `query A { viewer { id } } query A { viewer { id } }`,
  `query A { viewer { id } } query B { viewer { id } }`,
  `fragment F on Query { ...G } fragment G on Query { ...F } { ...F }`,
  `{ ...on Task { id } }`,
  `query($x: Int) { viewer { id } }`,
  `query { viewer @skip(if: $undefined) { id } }`,
  `query { viewer @nope { id } }`,
  `{ viewer ${'@include(if: true) '.repeat(30)}{ id } }`,
);

/** Arbitrary text, including code points the transport has to carry (NUL, lone surrogates). */
const randomText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'{}()[]:!$@.=|&,"\\ \n#'), maxLength: 200 }),
  fc.array(fc.constantFrom(...FOREIGN_TOKENS), { maxLength: 60 }).map((parts) => parts.join(' ')),
);

/** More tokens than the token limit (4000), still well under the body limit. */
const tooManyTokens = fc.integer({ min: 3_500, max: 9_000 }).map((n) => `{ viewer { ${'id '.repeat(n)}} }`);

export const queryArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(document, fc.array(tokenEdit, { minLength: 1, maxLength: 6 })).map(([doc, edits]) => applyEdits(doc, edits)) },
  { weight: 2, arbitrary: fc.tuple(document, fc.nat()).map(([doc, cut]) => doc.slice(0, cut % doc.length)) },
  { weight: 2, arbitrary: document },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: deepBraces },
  { weight: 1, arbitrary: manyAliases },
  { weight: 1, arbitrary: unknownField },
  { weight: 3, arbitrary: wrongArguments },
  { weight: 2, arbitrary: randomText },
  { weight: 1, arbitrary: tooManyTokens },
);

/** Values that are wrong for every argument of MUTATION_DOCUMENTS (type, shape or content). */
export const badScalar = fc.oneof(
  fc.constantFrom(null, '', '   ', '\u0000', 'a\u0000b', '\ud800', 'x'.repeat(10_001), -1, 0, 1.5, 2 ** 31, true, [], {}, [1, 2]),
  fc.string({ maxLength: 0 }),
  fc.double(),
  fc.array(fc.integer(), { maxLength: 3 }),
);

/** Inputs createTask refuses: missing/empty/overlong/wrongly typed titles, bad descriptions. */
export const badCreateInput = fc.oneof(
  fc.constantFrom(null, 'x', 42, [], {}),
  fc.record({ title: badScalar }),
  fc.record({ title: fc.constantFrom('ok'), description: fc.constantFrom('y'.repeat(10_001), 42, ['a'], '\u0000') }),
  fc.record({ title: fc.string({ minLength: 201, maxLength: 260 }).filter((t) => t.trim().length > 200) }),
  fc.record({ title: fc.constantFrom('ok'), private: fc.constantFrom('yes', 1, [], {}) }),
  fc.record({ title: fc.constantFrom('ok'), unknownField: fc.jsonValue() }),
  fc.record({ title: fc.constantFrom('\u0000', 'nul\u0000', 'lone \udc00 surrogate', '\t \n') }),
);

const VARIABLE_NAMES = ['input', 'id', 'taskId', 'agentId', 'answers', 'filter', 'first', 'after', 'error', 'number', 'url', 'title', 'sha', 'mergedAt', 'branch', 'name', 'x'];

/**
 * `variables` for a generated document: missing, of the wrong JSON type (the server must refuse
 * the request), random JSON, or the documents' own variable names with bad values.
 * Ids are never ids of anything stored, and `input` is never a valid task.
 */
export const variablesArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(undefined, null) },
  { weight: 1, arbitrary: fc.constantFrom('x', 42, true, [], [{}]) },
  { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        input: badCreateInput,
        id: unknownId,
        taskId: unknownId,
        agentId: unknownId,
        answers: fc.oneof(badScalar, fc.array(badScalar, { maxLength: 25 }), fc.constant(Array.from({ length: 21 }, () => 'a'))),
        filter: fc.oneof(badScalar, fc.record({ scope: fc.constantFrom('ALL', 'MINE', 'NONE', 1), status: fc.array(fc.constantFrom('MERGED', 'NOPE', 3), { maxLength: 3 }) })),
        first: fc.oneof(badScalar, fc.integer({ min: -10, max: 1_000 })),
        after: fc.oneof(badScalar, fc.constantFrom('0', '-1', 'zzz', '1e9', '99999999999999999999')),
        error: badScalar,
        number: badScalar,
        url: fc.oneof(badScalar, fc.constantFrom('ftp://x', 'javascript:alert(1)', 'http://', `http://${'a'.repeat(2_100)}`)),
        title: badScalar,
        sha: fc.oneof(badScalar, fc.constantFrom('not-a-sha', 'abc', 'g'.repeat(40))),
        mergedAt: fc.oneof(badScalar, fc.constantFrom('yesterday', '2026-13-45T99:00:00Z')),
        branch: fc.oneof(badScalar, fc.constantFrom('-bad branch', 'a b', 'x'.repeat(201))),
        name: badScalar,
        x: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
);

/** operationName: absent, null, a real name, an unknown name, or not a string at all. */
export const operationNameArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(null, 'Create', 'Task', 'Updated', 'List', 'A', 'B', 'Nope', '') },
  { weight: 1, arbitrary: fc.oneof(name, fc.constantFrom(5, true, {}, ['A'])) },
);

export { VARIABLE_NAMES, unknownId };
