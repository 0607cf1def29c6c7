/**
 * The checker's reads, through the public GraphQL API over HTTP only, signed in as each given
 * user: every task any of them can list (a private task only its creator can), their counts, the
 * agents of their orgs, and the timelines of tasks that moved. One `sample()` is one Snapshot.
 */
import { graphqlData, GraphqlRefusedError, NotGraphqlError } from '../shared/graphql-http.js';
import type { AgentSample, CountsRead, CountsValue, SessionSample, Snapshot, TaskSample, TaskStatus, TimelineEntry, UsageSample } from './types.js';

export interface User {
  id: string;
  name: string;
  org: string;
  token: string;
}

const USAGE = `usage { inputTokens outputTokens costMicros }`;
const TASK_FIELDS = `nodes { id title org private status state version assignedAgentId creator { id } ${USAGE} sessions { attempt agentId outcome ${USAGE} } } pageInfo { hasNextPage endCursor } cursor`;
const COUNTS_FIELDS = `cursor active completed failed cancelled total byStatus { status count }`;
/** Counts and first pages in one request: resolved in one turn, they usually share a cursor. */
const READ = `query LivenessRead($first: Int!, $agents: Boolean!) {
  countsAll: dashboardCounts(filter: { scope: ALL }) { ${COUNTS_FIELDS} }
  countsMine: dashboardCounts(filter: { scope: MINE }) { ${COUNTS_FIELDS} }
  all: tasks(filter: { scope: ALL }, first: $first) { ${TASK_FIELDS} }
  mine: tasks(filter: { scope: MINE }, first: $first) { ${TASK_FIELDS} }
  agentList @include(if: $agents) { nodes { id name org status health currentTaskId } cursor }
}`;
const PAGE = `query LivenessPage($scope: TaskScope!, $first: Int!, $after: String) {
  tasks(filter: { scope: $scope }, first: $first, after: $after) { ${TASK_FIELDS} }
}`;
const TIMELINE = `query LivenessTimeline($id: ID!, $after: String) { timeline(taskId: $id, after: $after, first: 500) { cursor version type at payload } }`;
const VIEWER = `{ viewer { id name org } }`;
const SIGN_IN = `mutation LivenessSignIn($n: String!, $o: String!) { devSignIn(name: $n, org: $o) { token viewer { id name org } } }`;

interface RawTask {
  id: string;
  title: string;
  org: string;
  private: boolean;
  status: TaskStatus;
  state: unknown;
  version: number;
  assignedAgentId: string | null;
  creator: { id: string };
  usage: UsageSample;
  sessions: SessionSample[];
}
interface RawPage {
  nodes: RawTask[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  cursor: string;
}
interface RawCounts extends Omit<CountsValue, 'byStatus'> {
  byStatus: { status: TaskStatus; count: number }[];
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One GraphQL request over HTTP, failing after `timeoutMs` rather than hanging the checker. */
export async function request<T>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
  try {
    return await graphqlData<T>(url, query, variables, { token, timeoutMs });
  } catch (error) {
    if (error instanceof GraphqlRefusedError) throw new ApiError(error.message, error.refusal.code === 'NONE' ? undefined : error.refusal.code);
    if (error instanceof NotGraphqlError) throw new ApiError(error.message);
    throw error;
  }
}

/** Who each token signs in as. */
export async function resolveUsers(url: string, tokens: string[]): Promise<User[]> {
  return Promise.all(
    tokens.map(async (token) => {
      const { viewer } = await request<{ viewer: Omit<User, 'token'> | null }>(url, token, VIEWER);
      if (!viewer) throw new ApiError('a token was refused (viewer is null)');
      return { ...viewer, token };
    }),
  );
}

/** Dev sign-in (embedded default on loopback) as `Name@org`. */
export async function devSignIn(url: string, spec: string): Promise<User> {
  const at = spec.lastIndexOf('@');
  if (at <= 0 || at === spec.length - 1) throw new ApiError(`--user wants Name@org, got "${spec}"`);
  const { devSignIn: result } = await request<{ devSignIn: { token: string; viewer: Omit<User, 'token'> } }>(url, null, SIGN_IN, { n: spec.slice(0, at), o: spec.slice(at + 1) });
  return { ...result.viewer, token: result.token };
}

/** Sub-state of a dispatched task from its state value, e.g. {"active":{"dispatched":"queued"}}. */
export function dispatchedPhase(state: unknown): TaskSample['phase'] {
  const phase = (state as { active?: { dispatched?: unknown } } | null)?.active?.dispatched;
  return phase === 'queued' || phase === 'assigned' || phase === 'openingIssue' ? phase : null;
}

const toTask = (t: RawTask): TaskSample => ({
  id: t.id,
  title: t.title,
  org: t.org,
  private: t.private,
  creatorId: t.creator.id,
  status: t.status,
  phase: dispatchedPhase(t.state),
  version: t.version,
  assignedAgentId: t.assignedAgentId,
  usage: t.usage,
  sessions: t.sessions,
});

const toCounts = (c: RawCounts): CountsValue => ({ ...c, byStatus: Object.fromEntries(c.byStatus.map((s) => [s.status, s.count])) });

export interface SamplerOptions {
  /** Page size of the task lists (the server allows up to 500). */
  pageSize?: number;
  /** Further reads of a user when its counts and pages were not at one cursor. */
  countRetries?: number;
  /** Timeline reads at once. */
  concurrency?: number;
}

interface UserRead {
  tasks: RawTask[];
  agents: AgentSample[] | null;
  counts: CountsRead[];
}

export class ApiSampler {
  private readonly pageSize: number;
  private readonly countRetries: number;
  private readonly concurrency: number;
  /** Per task: the newest timeline cursor and version read. */
  private readonly timelines = new Map<string, { cursor: string | null; version: number }>();
  /** Reads of a user repeated because its counts and pages were at different cursors. */
  rereads = 0;
  /** One user per org reads that org's agents. */
  private readonly agentReaders: Set<string>;

  constructor(
    readonly url: string,
    readonly users: User[],
    options: SamplerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.countRetries = options.countRetries ?? 4;
    this.concurrency = options.concurrency ?? 4;
    const byOrg = new Map<string, string>();
    for (const u of users) if (!byOrg.has(u.org)) byOrg.set(u.org, u.id);
    this.agentReaders = new Set(byOrg.values());
  }

  async sample(now: () => number = Date.now): Promise<Snapshot> {
    const at = now();
    const reads = await Promise.all(this.users.map((u) => this.readUser(u)));
    const tasks = new Map<string, TaskSample>();
    const reader = new Map<string, User>();
    const byId = new Map(this.users.map((u) => [u.id, u]));
    this.users.forEach((user, i) => {
      for (const raw of reads[i].tasks) {
        // Users' reads are moments apart: keep the newest version of each task. Its timeline is
        // read with its creator's token when the checker has it (a private task's only reader).
        if ((tasks.get(raw.id)?.version ?? -1) < raw.version) tasks.set(raw.id, toTask(raw));
        if (!reader.has(raw.id) || raw.creator.id === user.id) reader.set(raw.id, byId.get(raw.creator.id) ?? user);
      }
    });
    const agents = reads.flatMap((r) => r.agents ?? []);
    const { timelines, positions } = await this.readTimelines([...tasks.values()], reader);
    // Only a whole sample moves the timeline positions: a failed one is read again next time.
    for (const [id, position] of positions) this.timelines.set(id, position);
    return {
      at,
      tasks: [...tasks.values()],
      agents,
      agentOrgs: [...new Set(this.users.filter((u) => this.agentReaders.has(u.id)).map((u) => u.org))],
      timelines,
      counts: reads.flatMap((r) => r.counts),
    };
  }

  /** A user's lists and counts, read again (up to `countRetries` times) until they share a cursor. */
  private async readUser(user: User): Promise<UserRead> {
    let read: UserRead | null = null;
    for (let attempt = 0; attempt <= this.countRetries; attempt++) {
      if (attempt > 0) this.rereads++;
      read = await this.readUserOnce(user);
      if (read.counts.every((c) => c.pages.every((p) => p.cursor === c.counts.cursor))) break;
    }
    return read!;
  }

  private async readUserOnce(user: User): Promise<UserRead> {
    const withAgents = this.agentReaders.has(user.id);
    const first = await request<{ countsAll: RawCounts; countsMine: RawCounts; all: RawPage; mine: RawPage; agentList?: { nodes: AgentSample[] } }>(
      this.url,
      user.token,
      READ,
      { first: this.pageSize, agents: withAgents },
    );
    const rest = async (scope: 'ALL' | 'MINE', page: RawPage): Promise<RawPage[]> => {
      const pages = [page];
      while (pages.at(-1)!.pageInfo.hasNextPage && pages.at(-1)!.pageInfo.endCursor) {
        const { tasks } = await request<{ tasks: RawPage }>(this.url, user.token, PAGE, { scope, first: this.pageSize, after: pages.at(-1)!.pageInfo.endCursor });
        pages.push(tasks);
      }
      return pages;
    };
    const [all, mine] = await Promise.all([rest('ALL', first.all), rest('MINE', first.mine)]);
    const summary = (pages: RawPage[]) => pages.map((p) => ({ cursor: p.cursor, statuses: p.nodes.map((n) => n.status) }));
    return {
      tasks: all.flatMap((p) => p.nodes),
      agents: first.agentList?.nodes ?? null,
      counts: [
        { user: `${user.name}@${user.org}`, scope: 'ALL', counts: toCounts(first.countsAll), pages: summary(all) },
        { user: `${user.name}@${user.org}`, scope: 'MINE', counts: toCounts(first.countsMine), pages: summary(mine) },
      ],
    };
  }

  /** New timeline entries of every task whose version moved since its timeline was last read. */
  private async readTimelines(tasks: TaskSample[], reader: Map<string, User>) {
    const moved = tasks.filter((t) => (this.timelines.get(t.id)?.version ?? 0) < t.version);
    const out: Record<string, TimelineEntry[]> = {};
    const positions = new Map<string, { cursor: string | null; version: number }>();
    const queue = [...moved];
    await Promise.all(
      Array.from({ length: this.concurrency }, async () => {
        for (let task = queue.shift(); task; task = queue.shift()) {
          const known = { ...(this.timelines.get(task.id) ?? { cursor: null, version: 0 }) };
          const entries: TimelineEntry[] = [];
          for (;;) {
            const { timeline } = await request<{ timeline: (TimelineEntry & { cursor: string })[] }>(this.url, reader.get(task.id)!.token, TIMELINE, { id: task.id, after: known.cursor });
            for (const e of timeline) entries.push({ version: e.version, type: e.type, at: e.at, payload: e.payload });
            if (timeline.length > 0) known.cursor = timeline.at(-1)!.cursor;
            if (timeline.length < 500) break;
          }
          known.version = Math.max(known.version, ...entries.map((e) => e.version));
          positions.set(task.id, known);
          out[task.id] = entries;
        }
      }),
    );
    return { timelines: out, positions };
  }
}
