/**
 * Well-formed mutations on real, stored tasks and agents with one input that is wrong: the
 * answer must be BAD_USER_INPUT (validation runs before anything is looked up or stored), and
 * nothing may change.
 */
import fc from 'fast-check';
import { badCreateInput } from './documents.js';
import type { Fixture } from './fixture.js';

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

/** Text the server must refuse in any text field: NUL, unpaired surrogates, or not a string. */
const unstorableText = fc.constantFrom('\u0000', 'a\u0000b', 'x\ud800', '\udfff y');
const unstorable = fc.oneof(unstorableText, fc.constantFrom(42, true, ['a'], { a: 1 }));

/** A text field of at most `max` characters that must not be empty. */
const badText = (max: number) =>
  fc.oneof(
    fc.constantFrom(null, '', ' ', '\n\t'),
    unstorable,
    fc.integer({ min: max + 1, max: max + 50 }).map((n) => 'x'.repeat(n)),
  );

/** An optional text field of at most `max` characters (empty and null are fine there). */
const badOptionalText = (max: number) => fc.oneof(unstorable, fc.integer({ min: max + 1, max: max + 50 }).map((n) => 'r'.repeat(n)));

const badBranch = fc.oneof(badText(200), fc.constantFrom('-leading-dash', 'has space', 'semi;colon', 'émoji', '../..', 'a..b', '.hidden', 'x/.y', 'main.lock', 'a//b', 'trailing/', 'dot.'));
const badUrl = fc.oneof(badText(2_000), fc.constantFrom('ftp://example.com/pr/1', 'javascript:alert(1)', 'example.com', 'http//x'));
const badSha = fc.oneof(badText(64), fc.constantFrom('xyz1234', 'abc12', 'g'.repeat(40), 'a'.repeat(65)));
const badPrNumber = fc.constantFrom(0, -1, 1.5, 2 ** 31, '7', null, [1]);
const badPercent = fc.constantFrom(-1, 101, 2.5, '50', [50]);
const badAgentName = fc.oneof(badText(100), fc.constantFrom('-dash', '.dot', 'slash/name', 'tab\tname'));
const badAnswers = fc.oneof(
  fc.constantFrom(null, [], 'one answer', Array.from({ length: 21 }, () => 'a')),
  fc.array(fc.oneof(badText(2_000), fc.constant(null)), { minLength: 1, maxLength: 3 }),
);

export function badInputArb(f: Fixture): fc.Arbitrary<Operation> {
  const { dispatched, clarifying } = f.taskIds;
  const agentId = f.agentId;
  const op = (query: string) => (variables: Record<string, unknown>) => ({ query, variables });
  return fc.oneof(
    badCreateInput.map((input) => ({ query: `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`, variables: { input } })),
    badAnswers.map((answers) => op(`mutation($id: ID!, $answers: [String!]!) { answerClarification(taskId: $id, answers: $answers) { id } }`)({ id: clarifying, answers })),
    badOptionalText(500).map((reason) => op(`mutation($id: ID!, $reason: String) { cancelTask(taskId: $id, reason: $reason) { id } }`)({ id: dispatched, reason })),
    badText(2_000).map((error) => op(`mutation($id: ID!, $error: String!) { failTask(taskId: $id, error: $error) { id } }`)({ id: dispatched, error })),
    fc
      .oneof(
        badPrNumber.map((number) => ({ number, url: 'https://example.com/pr/1', title: 'PR' })),
        badUrl.map((url) => ({ number: 1, url, title: 'PR' })),
        badText(300).map((title) => ({ number: 1, url: 'https://example.com/pr/1', title })),
      )
      .map((pr) => op(`mutation($id: ID!, $number: Int!, $url: String!, $title: String!) { reportPullRequestOpened(taskId: $id, number: $number, url: $url, title: $title) { id } }`)({ id: dispatched, ...pr })),
    fc
      .oneof(
        badSha.map((sha) => ({ sha, mergedAt: null })),
        fc.constantFrom('yesterday', '2026-13-45T00:00:00Z', '', true).map((mergedAt) => ({ sha: 'abc1234', mergedAt })),
      )
      .map((v) => op(`mutation($id: ID!, $sha: String!, $mergedAt: DateTime) { reportPullRequestMerged(taskId: $id, sha: $sha, mergedAt: $mergedAt) { id } }`)({ id: dispatched, ...v })),
    badBranch.map((branch) => op(`mutation($id: ID!, $agent: ID!, $branch: String!) { startCoding(taskId: $id, agentId: $agent, branch: $branch) { id } }`)({ id: dispatched, agent: agentId, branch })),
    fc
      .oneof(badText(500).map((message) => ({ message, percent: 10 })), badPercent.map((percent) => ({ message: 'working', percent })))
      .map((v) => op(`mutation($id: ID!, $agent: ID!, $message: String!, $percent: Int) { reportProgress(taskId: $id, agentId: $agent, message: $message, percent: $percent) { id } }`)({ id: dispatched, agent: agentId, ...v })),
    badOptionalText(500).map((reason) => op(`mutation($id: ID!, $agent: ID!, $reason: String) { releaseTask(taskId: $id, agentId: $agent, reason: $reason) { id } }`)({ id: dispatched, agent: agentId, reason })),
    badAgentName.map((name) => op(`mutation($name: String!) { registerAgent(name: $name) { id } }`)({ name })),
    // Lookups with text no store can hold: refused as input, not failed as a database error.
    unstorableText.map((id) => op(`query($id: ID!) { task(id: $id) { id } }`)({ id })),
    unstorableText.map((id) => op(`query($id: ID!) { tasks(filter: { creatorId: $id }) { cursor } }`)({ id })),
  );
}
