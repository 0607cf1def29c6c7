/**
 * GraphQL over HTTP for the reliability tests, telling apart what a client can know about a
 * mutation: acknowledged (a 200 with data: the server says it is stored), refused (a coded
 * error: nothing stored), or unknown (the connection died first: stored or not).
 */
import { postGraphql, resultOf, type GraphqlResult } from '../../src/shared/graphql-http.js';

export type Outcome<T> = GraphqlResult<T> | { kind: 'unknown'; error: string };

export async function request<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Outcome<T>> {
  try {
    return resultOf(await postGraphql<T>(url, query, variables, { token, timeoutMs: 10_000 }));
  } catch (error) {
    return { kind: 'unknown', error: error instanceof Error ? `${error.message} (${String(error.cause ?? '')})` : String(error) };
  }
}

/** `request` for reads and set-up steps that must succeed. */
export async function ok<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const outcome = await request<T>(url, query, variables, token);
  if (outcome.kind !== 'ack') throw new Error(`${query.trim().split('\n')[0]} failed: ${JSON.stringify(outcome)}`);
  return outcome.data;
}

export async function signIn(url: string, name: string, org: string): Promise<string> {
  const data = await ok<{ devSignIn: { token: string } }>(url, SIGN_IN, { name, org });
  return data.devSignIn.token;
}

export async function readyz(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const TASK_FIELDS = 'id version status state';

export const SIGN_IN = `mutation SignIn($name: String!, $org: String!) { devSignIn(name: $name, org: $org) { token } }`;
export const CREATE = `mutation Create($title: String!, $description: String) {
  createTask(input: { title: $title, description: $description }) { ${TASK_FIELDS} } }`;
export const ANSWER = `mutation Answer($taskId: ID!, $answers: [String!]!) {
  answerClarification(taskId: $taskId, answers: $answers) { ${TASK_FIELDS} } }`;
export const CANCEL = `mutation Cancel($taskId: ID!) { cancelTask(taskId: $taskId, reason: "changed my mind") { ${TASK_FIELDS} } }`;
export const REGISTER = `mutation Register($name: String!) { registerAgent(name: $name) { id version lastHeartbeatAt } }`;
export const HEARTBEAT = `mutation Beat($agentId: ID!) { agentHeartbeat(agentId: $agentId) { id version lastHeartbeatAt } }`;
export const TASK = `query Task($id: ID!) {
  task(id: $id) { ${TASK_FIELDS} title openQuestions clarifications { questions answers } issue { number } } }`;
export const TIMELINE = `query Timeline($taskId: ID!) { timeline(taskId: $taskId, first: 500) { cursor version type state } }`;
export const AGENT = `query Agent($id: ID!) { agent(id: $id) { id version lastHeartbeatAt } }`;
export const AGENT_TIMELINE = `query AgentTimeline($agentId: ID!, $after: String) {
  agentTimeline(agentId: $agentId, after: $after, first: 200) { cursor version type } }`;
export const TASKS = `query Tasks($after: String, $status: [TaskStatus!]) {
  tasks(first: 200, after: $after, filter: { status: $status }) {
    nodes { id status state issue { number } } pageInfo { hasNextPage endCursor } cursor } }`;
export const CREATE_HUGE = `mutation Create($title: String!, $description: String) {
  createTask(input: { title: $title, description: $description }) { id version } }`;

export interface TaskNode {
  id: string;
  status: string;
  state: unknown;
  issue: { number: number } | null;
}

/** Every task the viewer may see (with these statuses), all pages. */
export async function allTasks(url: string, token: string, status?: string[]): Promise<TaskNode[]> {
  const out: TaskNode[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { tasks: { nodes: TaskNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await ok(
      url,
      TASKS,
      { after, status },
      token,
    );
    const { tasks } = data;
    out.push(...tasks.nodes);
    if (!tasks.pageInfo.hasNextPage) return out;
    after = tasks.pageInfo.endCursor;
  }
}
