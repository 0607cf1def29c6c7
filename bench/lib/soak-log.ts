/**
 * What each soak subscriber should have received, from the server's public API: the tasks a user
 * may see (`tasks`, paged: visibility applied by the server) and each task's history
 * (`timeline`, one entry per log event, with its cursor). A taskUpdated subscriber started after
 * cursor S gets exactly the events of its visible tasks with a cursor above S, in cursor order.
 */

export interface ExpectedStreams {
  /** Per user: the taskUpdated cursors in (after, end], ascending. */
  expected: Record<string, number[]>;
  /** Per task: its timeline's cursors up to `end`. */
  timelines: Record<string, number[]>;
  tasks: number;
}

async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

interface TaskPage {
  tasks: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}
interface Timeline {
  timeline: { cursor: string }[];
}

const TASKS = `query SoakTasks($after: String) { tasks(first: 500, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
const TIMELINE = `query SoakTimeline($id: ID!, $after: String) { timeline(taskId: $id, first: 500, after: $after) { cursor } }`;

async function visibleTasks(url: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let after: string | null = null; ; ) {
    const { tasks }: TaskPage = await gql<TaskPage>(url, token, TASKS, { after });
    ids.push(...tasks.nodes.map((n) => n.id));
    if (!tasks.pageInfo.hasNextPage || !tasks.pageInfo.endCursor) return ids;
    after = tasks.pageInfo.endCursor;
  }
}

async function timelineCursors(url: string, token: string, id: string, end: number): Promise<number[]> {
  const cursors: number[] = [];
  for (let after: string | null = null; ; ) {
    const { timeline }: Timeline = await gql<Timeline>(url, token, TIMELINE, { id, after });
    cursors.push(...timeline.map((e) => Number(e.cursor)));
    if (timeline.length < 500) return cursors.filter((c) => c <= end);
    after = timeline[timeline.length - 1].cursor;
  }
}

/** `tokens`: one per user (the keys the subscribers report under). */
export async function expectedStreams(url: string, tokens: Record<string, string>, after: number, end: number): Promise<ExpectedStreams> {
  const visible = new Map<string, string[]>();
  const reader = new Map<string, string>(); // task → a token that may read it
  for (const [user, token] of Object.entries(tokens)) {
    const ids = await visibleTasks(url, token);
    visible.set(user, ids);
    for (const id of ids) if (!reader.has(id)) reader.set(id, token);
  }
  const timelines: Record<string, number[]> = {};
  const queue = [...reader.entries()];
  // A few requests at a time: the server is still serving the demo and the subscribers.
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) timelines[next[0]] = await timelineCursors(url, next[1], next[0], end);
    }),
  );
  const expected: Record<string, number[]> = {};
  for (const [user, ids] of visible) {
    expected[user] = ids.flatMap((id) => timelines[id].filter((c) => c > after)).sort((a, b) => a - b);
  }
  return { expected, timelines, tasks: reader.size };
}
