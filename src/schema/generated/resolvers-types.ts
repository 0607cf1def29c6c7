import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { TaskView as TaskViewModel, AgentView as AgentViewModel, TaskSessionModel as TaskSessionModelModel } from '../../machines/index.js';
import type { LogLine as LogLineModel, SessionLog as SessionLogModel } from '../../logs/types.js';
import type { LogEvent as LogEventModel, Viewer as ViewerModel } from '../../store/types.js';
import type { CountsModel as CountsModelModel } from '../../services/counts.js';
import type { MachineModel as MachineModelModel } from '../../services/machines.js';
import type { GraphQLContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 date-time string in UTC, e.g. `2026-11-22T10:00:00.000Z`. */
  DateTime: { input: Date; output: string; }
  /** Any JSON value. */
  JSON: { input: unknown; output: unknown; }
};

/** A committed transition of a task or an agent, in the org's activity feed. */
export type ActivityEvent = {
  __typename?: 'ActivityEvent';
  actor?: Maybe<Scalars['String']['output']>;
  /** The agent as of this event (agent events). */
  agent?: Maybe<Agent>;
  at: Scalars['DateTime']['output'];
  cursor: Scalars['String']['output'];
  entityId: Scalars['ID']['output'];
  entityType: EntityType;
  payload?: Maybe<Scalars['JSON']['output']>;
  /** The task as of this event (task events). */
  task?: Maybe<Task>;
  /** The timeline event type, e.g. ASSIGNED, PR_OPENED, WENT_STALE. */
  type: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

export type ActivityFilter = {
  /** An agent's own events and those of the tasks it held at the time. */
  agentId?: InputMaybe<Scalars['ID']['input']>;
  entity?: InputMaybe<EntityType>;
  /** Not these (e.g. [HEARTBEAT]). */
  excludeTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** A task's events and those of the agent while it held it. */
  taskId?: InputMaybe<Scalars['ID']['input']>;
  /** Only these event types (e.g. [ASSIGNED, PR_OPENED]). */
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type Agent = {
  __typename?: 'Agent';
  /** The task the agent works on, if the viewer may read it (its creator, the org for a public task, the user running the agent by a private task's grant). */
  currentTask?: Maybe<Task>;
  currentTaskId?: Maybe<Scalars['ID']['output']>;
  health: AgentHealth;
  id: Scalars['ID']['output'];
  /** The last thing it reported doing. */
  lastActivity?: Maybe<Scalars['String']['output']>;
  /** When it last got a task (the orchestrator serves the longest-waiting agent first). */
  lastAssignedAt?: Maybe<Scalars['DateTime']['output']>;
  lastHeartbeatAt: Scalars['DateTime']['output'];
  /** When it last reported on its current task (or got it); null while idle. Drives STUCK. */
  lastProgressAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  org: Scalars['String']['output'];
  registeredAt: Scalars['DateTime']['output'];
  state: Scalars['JSON']['output'];
  status: AgentStatus;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type AgentHealth =
  | 'crashed'
  | 'healthy'
  /** Signed off cleanly (worker stopped). */
  | 'offline'
  | 'stale'
  /** Heartbeats, but has reported nothing on its task for AGENT_STUCK_AFTER_MS: its task is held, and requeued after as long again. */
  | 'stuck';

export type AgentList = {
  __typename?: 'AgentList';
  /** Log cursor of this read: pass it as `after` to `agentUpdated` to continue live with no gap. */
  cursor: Scalars['String']['output'];
  nodes: Array<Agent>;
};

export type AgentStatus =
  | 'busy'
  | 'idle';

export type AgentUpdate = {
  __typename?: 'AgentUpdate';
  agent: Agent;
  cursor: Scalars['String']['output'];
  event: Scalars['String']['output'];
};

export type AuthPayload = {
  __typename?: 'AuthPayload';
  expiresAt: Scalars['DateTime']['output'];
  token: Scalars['String']['output'];
  viewer: Viewer;
};

/** The org's queue as the viewer may see it. */
export type Backlog = {
  __typename?: 'Backlog';
  byCode: Array<WaitCount>;
  /** True when there are more dispatched tasks than the 500 newest that were counted. */
  more: Scalars['Boolean']['output'];
  /** Since when the longest-waiting one has waited, or null when none waits. */
  oldestSince?: Maybe<Scalars['DateTime']['output']>;
  /** Dispatched tasks waiting for an agent (not opening their issue, not assigned). */
  waiting: Scalars['Int']['output'];
};

export type BudgetWarning = {
  __typename?: 'BudgetWarning';
  /** When spending crossed `percent` of the budget. */
  at: Scalars['DateTime']['output'];
  percent: Scalars['Int']['output'];
};

export type ClarificationRound = {
  __typename?: 'ClarificationRound';
  /** Null while the questions are still open. */
  answers?: Maybe<Array<Scalars['String']['output']>>;
  questions: Array<Scalars['String']['output']>;
};

export type CreateTaskInput = {
  /** Spending (micro-units, a whole number) at which work on it stops and it is HELD; none when absent. */
  budgetMicros?: InputMaybe<Scalars['Float']['input']>;
  /** Up to 10,000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Visible only to its creator when true. */
  private?: InputMaybe<Scalars['Boolean']['input']>;
  /** 1 to 200 characters. */
  title: Scalars['String']['input'];
};

export type Creator = {
  __typename?: 'Creator';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type DashboardCounts = {
  __typename?: 'DashboardCounts';
  /** Tasks not yet merged, failed or cancelled. */
  active: Scalars['Int']['output'];
  byStatus: Array<StatusCount>;
  cancelled: Scalars['Int']['output'];
  /** Merged tasks. */
  completed: Scalars['Int']['output'];
  /** Log cursor these counts are exact for. */
  cursor: Scalars['String']['output'];
  failed: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
};

export type EntityType =
  | 'agent'
  | 'task';

/** Failures of one code in the window. */
export type ErrorCount = {
  __typename?: 'ErrorCount';
  code: Scalars['String']['output'];
  count: Scalars['Int']['output'];
  /** The newest one. */
  lastAt: Scalars['DateTime']['output'];
  lastMessage: Scalars['String']['output'];
  lastTaskId: Scalars['ID']['output'];
};

export type ErrorSummary = {
  __typename?: 'ErrorSummary';
  byCode: Array<ErrorCount>;
  /** True when more failed tasks than the 2,000 newest were in the window (the rest are not counted). */
  more: Scalars['Boolean']['output'];
  /** The window: failures since this time. */
  since: Scalars['DateTime']['output'];
  total: Scalars['Int']['output'];
};

export type Issue = {
  __typename?: 'Issue';
  number: Scalars['Int']['output'];
  url: Scalars['String']['output'];
};

export type Iteration = {
  __typename?: 'Iteration';
  at: Scalars['DateTime']['output'];
  /** The worker's own count. */
  n: Scalars['Int']['output'];
  summary: Scalars['String']['output'];
};

export type LogAppendResult = {
  __typename?: 'LogAppendResult';
  /** The cursor of the batch's last line. */
  cursor: Scalars['String']['output'];
  /** Lines dropped (oldest first, this batch's included) to keep the session within its bound. */
  dropped: Scalars['Int']['output'];
  /** Lines stored. */
  lines: Scalars['Int']['output'];
};

export type LogLine = {
  __typename?: 'LogLine';
  at: Scalars['DateTime']['output'];
  /** The session (attempt) it belongs to. */
  attempt: Scalars['Int']['output'];
  /** Pass as `after` to continue after this line (opaque; increasing within a task). */
  cursor: Scalars['String']['output'];
  stream: LogStream;
  /** The line as stored: secrets that look like tokens are masked. */
  text: Scalars['String']['output'];
};

export type LogLineInput = {
  /** When the worker read it (default: when the server receives it). */
  at?: InputMaybe<Scalars['DateTime']['input']>;
  stream?: InputMaybe<LogStream>;
  /** One line, up to 8,000 characters (longer lines are cut there and say so). */
  text: Scalars['String']['input'];
};

/** Where a log line came from. */
export type LogStream =
  /** Not a line of the command: the marker where a session's oldest lines were dropped (LOG_MAX_BYTES_PER_SESSION). */
  | 'dropped'
  | 'stderr'
  | 'stdout';

/** A state machine definition as XState's JSON, for diagrams and external visualizers. */
export type MachineDefinition = {
  __typename?: 'MachineDefinition';
  definition: Scalars['JSON']['output'];
  name: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  agentHeartbeat: Agent;
  /** One answer per open question, in order. */
  answerClarification: Task;
  /**
   * Worker: lines its command printed, in order, for the running session of the agent on the task
   * (up to 1,000 a call). Stored beside the event log, masked; a session keeps its newest
   * LOG_MAX_BYTES_PER_SESSION. Counted against its own rate limit, not the mutations'.
   */
  appendTaskLogs: LogAppendResult;
  cancelTask: Task;
  createTask: Task;
  /** Sign an agent off cleanly; a task it still holds goes back to the queue in the same step. */
  deregisterAgent: Agent;
  /** Embedded default only: a token for any name and org. Disabled when JWT_SECRET is set. */
  devSignIn: AuthPayload;
  /**
   * Worker: the work failed; `error` says why. `code` (A-Z, 0-9 and _, up to 50) classifies it for
   * `errorSummary`; `details` (a JSON object up to 8 KB) and `logsUrl` are shown with it.
   */
  failTask: Task;
  /** Register (or re-register) an agent of the viewer's org under a name unique in that org. */
  registerAgent: Agent;
  /** Worker: give an assigned or in-progress task back to the queue (e.g. on shutdown). */
  releaseTask: Task;
  /** Worker: one iteration of its work on the task (its own count `n` and a summary of up to 500 characters). */
  reportIteration: Task;
  /** Worker: progress while coding (shown on the timeline). */
  reportProgress: Task;
  /** Worker or webhook: the task's pull request was closed without merging. */
  reportPullRequestClosed: Task;
  /** Worker or webhook: the task's pull request was merged. */
  reportPullRequestMerged: Task;
  /** Worker or webhook: the task's pull request was opened. */
  reportPullRequestOpened: Task;
  /**
   * Worker: tokens and money spent on the task since its last report. Reaching the task's budget
   * ends the session and holds the task (HELD); its worker sees the assignment withdrawn.
   */
  reportUsage: Task;
  retryTask: Task;
  /**
   * The task's creator sets its budget (micro-units, a whole number; null for none). Raised past
   * what was spent, a HELD task goes back to the queue; lowered to it or below while an agent works
   * on it, the work stops and the task is HELD.
   */
  setTaskBudget: Task;
  /** Worker: the agent the task was assigned to starts coding it on a branch. */
  startCoding: Task;
};


export type MutationAgentHeartbeatArgs = {
  agentId: Scalars['ID']['input'];
};


export type MutationAnswerClarificationArgs = {
  answers: Array<Scalars['String']['input']>;
  taskId: Scalars['ID']['input'];
};


export type MutationAppendTaskLogsArgs = {
  agentId: Scalars['ID']['input'];
  lines: Array<LogLineInput>;
  taskId: Scalars['ID']['input'];
};


export type MutationCancelTaskArgs = {
  reason?: InputMaybe<Scalars['String']['input']>;
  taskId: Scalars['ID']['input'];
};


export type MutationCreateTaskArgs = {
  input: CreateTaskInput;
};


export type MutationDeregisterAgentArgs = {
  agentId: Scalars['ID']['input'];
};


export type MutationDevSignInArgs = {
  name: Scalars['String']['input'];
  org: Scalars['String']['input'];
};


export type MutationFailTaskArgs = {
  code?: InputMaybe<Scalars['String']['input']>;
  details?: InputMaybe<Scalars['JSON']['input']>;
  error: Scalars['String']['input'];
  logsUrl?: InputMaybe<Scalars['String']['input']>;
  taskId: Scalars['ID']['input'];
};


export type MutationRegisterAgentArgs = {
  name: Scalars['String']['input'];
};


export type MutationReleaseTaskArgs = {
  agentId: Scalars['ID']['input'];
  code?: InputMaybe<Scalars['String']['input']>;
  reason?: InputMaybe<Scalars['String']['input']>;
  taskId: Scalars['ID']['input'];
};


export type MutationReportIterationArgs = {
  agentId: Scalars['ID']['input'];
  n: Scalars['Int']['input'];
  summary: Scalars['String']['input'];
  taskId: Scalars['ID']['input'];
};


export type MutationReportProgressArgs = {
  agentId: Scalars['ID']['input'];
  message: Scalars['String']['input'];
  percent?: InputMaybe<Scalars['Int']['input']>;
  taskId: Scalars['ID']['input'];
};


export type MutationReportPullRequestClosedArgs = {
  taskId: Scalars['ID']['input'];
};


export type MutationReportPullRequestMergedArgs = {
  mergedAt?: InputMaybe<Scalars['DateTime']['input']>;
  sha: Scalars['String']['input'];
  taskId: Scalars['ID']['input'];
};


export type MutationReportPullRequestOpenedArgs = {
  number: Scalars['Int']['input'];
  taskId: Scalars['ID']['input'];
  title: Scalars['String']['input'];
  url: Scalars['String']['input'];
};


export type MutationReportUsageArgs = {
  agentId: Scalars['ID']['input'];
  taskId: Scalars['ID']['input'];
  usage: UsageInput;
};


export type MutationRetryTaskArgs = {
  taskId: Scalars['ID']['input'];
};


export type MutationSetTaskBudgetArgs = {
  budgetMicros?: InputMaybe<Scalars['Float']['input']>;
  taskId: Scalars['ID']['input'];
};


export type MutationStartCodingArgs = {
  agentId: Scalars['ID']['input'];
  branch: Scalars['String']['input'];
  taskId: Scalars['ID']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Progress = {
  __typename?: 'Progress';
  message: Scalars['String']['output'];
  /** 0 to 100, when the agent knows. */
  percent?: Maybe<Scalars['Int']['output']>;
};

export type PullRequest = {
  __typename?: 'PullRequest';
  number: Scalars['Int']['output'];
  title: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  agent?: Maybe<Agent>;
  /** Agents of the viewer's org with the log cursor they are exact for. */
  agentList: AgentList;
  /** The agent's sessions on tasks the viewer may read, newest first (its running one, if any, first). */
  agentSessions: Array<TaskSession>;
  /** An agent's history in order (registration, assignments, coding, progress, health). */
  agentTimeline: Array<TimelineEvent>;
  /** Agents of the viewer's org. */
  agents: Array<Agent>;
  /** The org's queue: how many tasks wait for an agent, and the oldest wait. */
  backlog: Backlog;
  /**
   * Tasks per status of the scope and creator of `filter` (its `status` is not applied: the counts
   * say how many each status has), read from counters the commits keep (O(1)). With
   * `filter.search`, of the matching tasks only: the tasks `tasks(filter: { search })` pages
   * through, counted over the full-text matches (costs what the search matches, not the history).
   */
  dashboardCounts: DashboardCounts;
  /** Whether dev sign-in is available (embedded default bound to loopback, no JWT_SECRET). */
  devSignInEnabled: Scalars['Boolean']['output'];
  /** The org's failures of the last `hours` (1 to 168) by code, as the viewer may see its tasks. */
  errorSummary: ErrorSummary;
  machine?: Maybe<MachineDefinition>;
  machines: Array<MachineDefinition>;
  task?: Maybe<Task>;
  /**
   * A task's log lines after `after`, in order (of one session with `attempt`), with what each
   * session dropped; or its `last` lines (e.g. those before a failure).
   */
  taskLogs: TaskLogPage;
  /**
   * Visible tasks, newest first by `sort` (or ranked, with `filter.search`), a page of `first`
   * after the cursor `after` (an `endCursor` or edge cursor of the same filter and sort). Each page
   * reads about as many rows as it returns, however long the history.
   */
  tasks: TaskConnection;
  /** A task's history in order; `after` skips what you already have. */
  timeline: Array<TimelineEvent>;
  /** The signed-in user, or null without a token. */
  viewer?: Maybe<Viewer>;
};


export type QueryAgentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAgentSessionsArgs = {
  agentId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAgentTimelineArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  agentId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryDashboardCountsArgs = {
  filter?: InputMaybe<TaskFilter>;
};


export type QueryErrorSummaryArgs = {
  hours?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryMachineArgs = {
  name: Scalars['String']['input'];
};


export type QueryTaskArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTaskLogsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  attempt?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  taskId: Scalars['ID']['input'];
};


export type QueryTasksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TaskFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  sort?: InputMaybe<TaskSort>;
};


export type QueryTimelineArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  taskId: Scalars['ID']['input'];
};

/** What a session's log holds and has dropped to stay within LOG_MAX_BYTES_PER_SESSION. */
export type SessionLog = {
  __typename?: 'SessionLog';
  attempt: Scalars['Int']['output'];
  bytes: Scalars['Float']['output'];
  droppedBytes: Scalars['Float']['output'];
  droppedLines: Scalars['Float']['output'];
  lines: Scalars['Float']['output'];
};

/** How a session ended. */
export type SessionOutcome =
  /** The task's spending reached its budget: the agent was let go and the task is HELD. */
  | 'budget'
  | 'cancelled'
  /** The agent stopped heartbeating and was declared crashed; the task went back to the queue. */
  | 'crashed'
  | 'failed'
  /** The agent opened the task's pull request. */
  | 'pr_opened'
  /** Its worker gave the task back (`releaseTask`). */
  | 'released'
  /** Given back to the queue for another reason (`reason` says which). */
  | 'requeued'
  /** Still running: the agent holds the task. */
  | 'running'
  /** The agent signed off (`deregisterAgent`) while it held the task. */
  | 'stopped'
  /** The agent reported nothing for twice AGENT_STUCK_AFTER_MS; the task went back to the queue. */
  | 'stuck';

export type StatusCount = {
  __typename?: 'StatusCount';
  count: Scalars['Int']['output'];
  status: TaskStatus;
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Every transition of the org's tasks and agents the viewer may see (private tasks: their
   * creator's), filtered; `after` as for taskUpdated.
   */
  activity: ActivityEvent;
  /** Changes to agents of the viewer's org (or just `agentId`); `after` as for taskUpdated. */
  agentUpdated: AgentUpdate;
  /**
   * Current counts at once (as the query), then a new value whenever they change, at most one per
   * 100 ms. With `filter.search`, recounted over the matches after changes to tasks of the scope,
   * at most one per 250 ms.
   */
  dashboardCounts: DashboardCounts;
  /** A task's log lines after `after` (all of them without), then live; of one session with `attempt`. */
  taskLogs: LogLine;
  /**
   * One message per committed transition of a task the viewer may see and the filter matches.
   * Without `after`: live from now. With `after`: every matching event after that cursor, then live.
   */
  taskUpdated: TaskUpdate;
  /** The task's history after `after` (all of it without), then live. */
  timeline: TimelineEvent;
};


export type SubscriptionActivityArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ActivityFilter>;
};


export type SubscriptionAgentUpdatedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  agentId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionDashboardCountsArgs = {
  filter?: InputMaybe<TaskFilter>;
};


export type SubscriptionTaskLogsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  attempt?: InputMaybe<Scalars['Int']['input']>;
  taskId: Scalars['ID']['input'];
};


export type SubscriptionTaskUpdatedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TaskFilter>;
};


export type SubscriptionTimelineArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  taskId: Scalars['ID']['input'];
};

export type Task = {
  __typename?: 'Task';
  assignedAgent?: Maybe<Agent>;
  assignedAgentId?: Maybe<Scalars['ID']['output']>;
  availableActions: Array<TaskAction>;
  branch?: Maybe<Scalars['String']['output']>;
  /** Spending at which the task is held (micro-units), or null for no limit. */
  budgetMicros?: Maybe<Scalars['Float']['output']>;
  /** The latest crossing of 80 % of the budget, if any. */
  budgetWarning?: Maybe<BudgetWarning>;
  clarifications: Array<ClarificationRound>;
  createdAt: Scalars['DateTime']['output'];
  creator: Creator;
  description?: Maybe<Scalars['String']['output']>;
  error?: Maybe<Scalars['String']['output']>;
  /** Why it failed, structured (`error` says it in words); null unless FAILED. */
  failure?: Maybe<TaskFailure>;
  /** Who besides its creator may read this private task right now (null for public tasks and unassigned ones). */
  grant?: Maybe<TaskGrant>;
  /** Why work is paused (its agent went stale or is stuck), or null. */
  heldReason?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  issue?: Maybe<Issue>;
  mergeCommitSha?: Maybe<Scalars['String']['output']>;
  mergedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Questions of the current round while the task needs clarification, otherwise empty. */
  openQuestions: Array<Scalars['String']['output']>;
  org: Scalars['String']['output'];
  private: Scalars['Boolean']['output'];
  /** Latest progress its agent reported while coding. */
  progress?: Maybe<Progress>;
  pullRequest?: Maybe<PullRequest>;
  /** Every assignment to an agent, oldest first. */
  sessions: Array<TaskSession>;
  /** The full machine state value (includes sub-states), for diagrams. */
  state: Scalars['JSON']['output'];
  status: TaskStatus;
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** What its agents reported spending on it, all sessions together. */
  usage: Usage;
  /** Per-task version: 1 at creation, +1 per committed transition, no gaps. */
  version: Scalars['Int']['output'];
  /** Why it waits in the queue, while it does (null otherwise). */
  waiting?: Maybe<TaskWaiting>;
};

/** What the viewer may do with a task right now, as the task machine decides. */
export type TaskAction =
  | 'ANSWER'
  | 'CANCEL'
  | 'FAIL'
  | 'REPORT_PR_CLOSED'
  | 'REPORT_PR_MERGED'
  | 'REPORT_PR_OPENED'
  | 'RETRY'
  | 'START_CODING';

export type TaskConnection = {
  __typename?: 'TaskConnection';
  /** Log cursor at the time of this read: pass it as `after` to `taskUpdated` to continue live with no gap. */
  cursor: Scalars['String']['output'];
  /** The same tasks as `nodes`, in order, each with its cursor. */
  edges: Array<TaskEdge>;
  nodes: Array<Task>;
  pageInfo: PageInfo;
};

/** A task of a page and its place in the list's order. */
export type TaskEdge = {
  __typename?: 'TaskEdge';
  /**
   * Where a page that continues after this task starts (`after`). In CREATED and UPDATED order it
   * is the log cursor of the task's first (CREATED) or latest (UPDATED) event: the `cursor` of the
   * `TaskUpdate` that created or last changed it, so a client can place live updates among the
   * rows of its pages by comparing the two (as numbers). Opaque with a search.
   */
  cursor: Scalars['String']['output'];
  node: Task;
};

/**
 * Why a task failed, structured. `code` is the worker's (e.g. TESTS_FAILED, EXIT_CODE) or the
 * pipeline's: ANALYSIS_FAILED, ISSUE_FAILED, PR_CLOSED, FAILED (no code given).
 */
export type TaskFailure = {
  __typename?: 'TaskFailure';
  at: Scalars['DateTime']['output'];
  /** The session it ended, or null when none was running. */
  attempt?: Maybe<Scalars['Int']['output']>;
  code: Scalars['String']['output'];
  details?: Maybe<Scalars['JSON']['output']>;
  /** Where the worker's own logs of it are, when it gave one. */
  logsUrl?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

export type TaskFilter = {
  creatorId?: InputMaybe<Scalars['ID']['input']>;
  scope?: InputMaybe<TaskScope>;
  /**
   * Tasks whose title, description, branch, issue number or PR number has, for every word of this
   * text, a word starting with it (case-insensitive; words are runs of letters and digits, so
   * punctuation is ignored). Ranked: best match first, ties newest first, among the newest 200
   * matches, then among the next older 200, and so on (a page costs the same however many tasks
   * match). Blank or only punctuation: no search. At most 200 characters. In `taskUpdated`, changes
   * to tasks that match.
   */
  search?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<Array<TaskStatus>>;
};

/**
 * A private task's read grant: while an agent holds the task, the user who runs that agent may read
 * this one task (by id, its timeline, and through its agent). Assignment grants it, release takes it
 * back. The task still never appears in that user's lists, counts or streams.
 */
export type TaskGrant = {
  __typename?: 'TaskGrant';
  agentId: Scalars['ID']['output'];
  agentName: Scalars['String']['output'];
  /** The user who runs the agent. */
  userId: Scalars['ID']['output'];
};

export type TaskLogPage = {
  __typename?: 'TaskLogPage';
  /** Pass as `after` for the next page, or to `taskLogs` (subscription) to follow live from here. */
  cursor?: Maybe<Scalars['String']['output']>;
  lines: Array<LogLine>;
  sessions: Array<SessionLog>;
};

export type TaskScope =
  /** Every task the viewer may see: their own and their org's public ones. */
  | 'ALL'
  /** Only tasks the viewer created. */
  | 'MINE';

/**
 * One assignment of a task to an agent: attempt n, from the assignment until the task let go of the
 * agent.
 */
export type TaskSession = {
  __typename?: 'TaskSession';
  agentId: Scalars['ID']['output'];
  agentName: Scalars['String']['output'];
  attempt: Scalars['Int']['output'];
  /** The failure's or release's code, when it ended with one. */
  code?: Maybe<Scalars['String']['output']>;
  /** Milliseconds from start to end (or to now, while it runs). */
  durationMs: Scalars['Float']['output'];
  /** Null while it runs. */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Iterations the worker reported (`reportIteration`), and the latest. */
  iterations: Scalars['Int']['output'];
  lastIteration?: Maybe<Iteration>;
  /** The model of the latest usage report that named one. */
  model?: Maybe<Scalars['String']['output']>;
  outcome: SessionOutcome;
  /** How long the task waited in the queue for this agent, in milliseconds (null on sessions from before it was kept). */
  queuedMs?: Maybe<Scalars['Float']['output']>;
  /** Why it ended, in words (the release reason, the error), when there is one. */
  reason?: Maybe<Scalars['String']['output']>;
  startedAt: Scalars['DateTime']['output'];
  /** The task this session worked on (on an agent's sessions). */
  taskId: Scalars['ID']['output'];
  usage: Usage;
};

/**
 * The order of a task list without a search, newest first. A search is ranked instead (best match
 * first, ties newest first): with one, only CREATED (the default) is accepted.
 */
export type TaskSort =
  /** By creation: a task keeps its place whatever happens to it. */
  | 'created'
  /** By latest change: a task moves to the top with every committed transition. */
  | 'updated';

/** Where a task is in its lifecycle. */
export type TaskStatus =
  | 'analyzing'
  | 'cancelled'
  | 'coding'
  | 'dispatched'
  | 'failed'
  /** Stopped at its budget, with no agent: back to the queue when the budget is raised past what was spent (`setTaskBudget`). */
  | 'held'
  | 'merged'
  | 'needs_clarification'
  | 'pr_open'
  | 'received';

export type TaskUpdate = {
  __typename?: 'TaskUpdate';
  cursor: Scalars['String']['output'];
  /** The timeline event type that produced this update, e.g. DISPATCHED. */
  event: Scalars['String']['output'];
  /** The task as of this update (not necessarily its latest version). */
  task: Task;
};

export type TaskWaiting = {
  __typename?: 'TaskWaiting';
  code: WaitCode;
  /** The same, in words. */
  reason: Scalars['String']['output'];
  /** When it started waiting in the queue. */
  since: Scalars['DateTime']['output'];
};

export type TimelineEvent = {
  __typename?: 'TimelineEvent';
  actor?: Maybe<Scalars['String']['output']>;
  at: Scalars['DateTime']['output'];
  cursor: Scalars['String']['output'];
  payload?: Maybe<Scalars['JSON']['output']>;
  /** The machine state value right after this event, for replaying the history on a diagram. */
  state: Scalars['JSON']['output'];
  type: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

/**
 * Tokens and money an agent reported spending (`reportUsage`). Money is in micro-units of the
 * org's currency (1,000,000 = one unit); every figure is a whole number.
 */
export type Usage = {
  __typename?: 'Usage';
  costMicros: Scalars['Float']['output'];
  inputTokens: Scalars['Float']['output'];
  outputTokens: Scalars['Float']['output'];
};

export type UsageInput = {
  costMicros: Scalars['Float']['input'];
  /** Whole numbers, 0 or more; what this report adds (not a running total). */
  inputTokens: Scalars['Float']['input'];
  /** The model that spent it, e.g. gpt-4o (up to 100 characters). */
  model?: InputMaybe<Scalars['String']['input']>;
  outputTokens: Scalars['Float']['input'];
};

export type Viewer = {
  __typename?: 'Viewer';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  org: Scalars['String']['output'];
};

/** Why a dispatched task waits in the queue instead of being worked. */
export type WaitCode =
  /** The org's idle agents are stale or stuck, so none may take work. */
  | 'agents_unhealthy'
  /** Every online agent of the org is working on another task. */
  | 'all_agents_busy'
  /** No agent of the task's org is online (none registered, or all crashed or signed off). */
  | 'no_agent_online';

export type WaitCount = {
  __typename?: 'WaitCount';
  code: WaitCode;
  count: Scalars['Int']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  ActivityEvent: ResolverTypeWrapper<LogEventModel>;
  ActivityFilter: ActivityFilter;
  Agent: ResolverTypeWrapper<AgentViewModel>;
  AgentHealth: null;
  AgentList: ResolverTypeWrapper<Omit<AgentList, 'nodes'> & { nodes: Array<ResolversTypes['Agent']> }>;
  AgentStatus: null;
  AgentUpdate: ResolverTypeWrapper<LogEventModel>;
  AuthPayload: ResolverTypeWrapper<Omit<AuthPayload, 'viewer'> & { viewer: ResolversTypes['Viewer'] }>;
  Backlog: ResolverTypeWrapper<Backlog>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BudgetWarning: ResolverTypeWrapper<BudgetWarning>;
  ClarificationRound: ResolverTypeWrapper<ClarificationRound>;
  CreateTaskInput: CreateTaskInput;
  Creator: ResolverTypeWrapper<Creator>;
  DashboardCounts: ResolverTypeWrapper<CountsModelModel>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  EntityType: null;
  ErrorCount: ResolverTypeWrapper<ErrorCount>;
  ErrorSummary: ResolverTypeWrapper<ErrorSummary>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Issue: ResolverTypeWrapper<Issue>;
  Iteration: ResolverTypeWrapper<Iteration>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  LogAppendResult: ResolverTypeWrapper<LogAppendResult>;
  LogLine: ResolverTypeWrapper<LogLineModel>;
  LogLineInput: LogLineInput;
  LogStream: null;
  MachineDefinition: ResolverTypeWrapper<MachineModelModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Progress: ResolverTypeWrapper<Progress>;
  PullRequest: ResolverTypeWrapper<PullRequest>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SessionLog: ResolverTypeWrapper<SessionLogModel>;
  SessionOutcome: null;
  StatusCount: ResolverTypeWrapper<StatusCount>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Task: ResolverTypeWrapper<TaskViewModel>;
  TaskAction: TaskAction;
  TaskConnection: ResolverTypeWrapper<Omit<TaskConnection, 'edges' | 'nodes'> & { edges: Array<ResolversTypes['TaskEdge']>, nodes: Array<ResolversTypes['Task']> }>;
  TaskEdge: ResolverTypeWrapper<Omit<TaskEdge, 'node'> & { node: ResolversTypes['Task'] }>;
  TaskFailure: ResolverTypeWrapper<TaskFailure>;
  TaskFilter: TaskFilter;
  TaskGrant: ResolverTypeWrapper<TaskGrant>;
  TaskLogPage: ResolverTypeWrapper<Omit<TaskLogPage, 'lines' | 'sessions'> & { lines: Array<ResolversTypes['LogLine']>, sessions: Array<ResolversTypes['SessionLog']> }>;
  TaskScope: TaskScope;
  TaskSession: ResolverTypeWrapper<TaskSessionModelModel>;
  TaskSort: null;
  TaskStatus: null;
  TaskUpdate: ResolverTypeWrapper<LogEventModel>;
  TaskWaiting: ResolverTypeWrapper<TaskWaiting>;
  TimelineEvent: ResolverTypeWrapper<LogEventModel>;
  Usage: ResolverTypeWrapper<Usage>;
  UsageInput: UsageInput;
  Viewer: ResolverTypeWrapper<ViewerModel>;
  WaitCode: null;
  WaitCount: ResolverTypeWrapper<WaitCount>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  ActivityEvent: LogEventModel;
  ActivityFilter: ActivityFilter;
  Agent: AgentViewModel;
  AgentList: Omit<AgentList, 'nodes'> & { nodes: Array<ResolversParentTypes['Agent']> };
  AgentUpdate: LogEventModel;
  AuthPayload: Omit<AuthPayload, 'viewer'> & { viewer: ResolversParentTypes['Viewer'] };
  Backlog: Backlog;
  Boolean: Scalars['Boolean']['output'];
  BudgetWarning: BudgetWarning;
  ClarificationRound: ClarificationRound;
  CreateTaskInput: CreateTaskInput;
  Creator: Creator;
  DashboardCounts: CountsModelModel;
  DateTime: Scalars['DateTime']['output'];
  ErrorCount: ErrorCount;
  ErrorSummary: ErrorSummary;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  Issue: Issue;
  Iteration: Iteration;
  JSON: Scalars['JSON']['output'];
  LogAppendResult: LogAppendResult;
  LogLine: LogLineModel;
  LogLineInput: LogLineInput;
  MachineDefinition: MachineModelModel;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Progress: Progress;
  PullRequest: PullRequest;
  Query: Record<PropertyKey, never>;
  SessionLog: SessionLogModel;
  StatusCount: StatusCount;
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  Task: TaskViewModel;
  TaskConnection: Omit<TaskConnection, 'edges' | 'nodes'> & { edges: Array<ResolversParentTypes['TaskEdge']>, nodes: Array<ResolversParentTypes['Task']> };
  TaskEdge: Omit<TaskEdge, 'node'> & { node: ResolversParentTypes['Task'] };
  TaskFailure: TaskFailure;
  TaskFilter: TaskFilter;
  TaskGrant: TaskGrant;
  TaskLogPage: Omit<TaskLogPage, 'lines' | 'sessions'> & { lines: Array<ResolversParentTypes['LogLine']>, sessions: Array<ResolversParentTypes['SessionLog']> };
  TaskSession: TaskSessionModelModel;
  TaskUpdate: LogEventModel;
  TaskWaiting: TaskWaiting;
  TimelineEvent: LogEventModel;
  Usage: Usage;
  UsageInput: UsageInput;
  Viewer: ViewerModel;
  WaitCount: WaitCount;
};

export type ViewerDependentDirectiveArgs = { };

export type ViewerDependentDirectiveResolver<Result, Parent, ContextType = GraphQLContext, Args = ViewerDependentDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ActivityEventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ActivityEvent'] = ResolversParentTypes['ActivityEvent']> = {
  actor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  agent?: Resolver<Maybe<ResolversTypes['Agent']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  entityId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  entityType?: Resolver<ResolversTypes['EntityType'], ParentType, ContextType>;
  payload?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  task?: Resolver<Maybe<ResolversTypes['Task']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AgentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Agent'] = ResolversParentTypes['Agent']> = {
  currentTask?: Resolver<Maybe<ResolversTypes['Task']>, ParentType, ContextType>;
  currentTaskId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  health?: Resolver<ResolversTypes['AgentHealth'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastActivity?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastAssignedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastHeartbeatAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  lastProgressAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  org?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  registeredAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AgentStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AgentHealthResolvers = { CRASHED: 'crashed', HEALTHY: 'healthy', OFFLINE: 'offline', STALE: 'stale', STUCK: 'stuck' };

export type AgentListResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AgentList'] = ResolversParentTypes['AgentList']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Agent']>, ParentType, ContextType>;
};

export type AgentStatusResolvers = { BUSY: 'busy', IDLE: 'idle' };

export type AgentUpdateResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AgentUpdate'] = ResolversParentTypes['AgentUpdate']> = {
  agent?: Resolver<ResolversTypes['Agent'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  event?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuthPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload']> = {
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  viewer?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
};

export type BacklogResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Backlog'] = ResolversParentTypes['Backlog']> = {
  byCode?: Resolver<Array<ResolversTypes['WaitCount']>, ParentType, ContextType>;
  more?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  oldestSince?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  waiting?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type BudgetWarningResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['BudgetWarning'] = ResolversParentTypes['BudgetWarning']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  percent?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ClarificationRoundResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ClarificationRound'] = ResolversParentTypes['ClarificationRound']> = {
  answers?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  questions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CreatorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Creator'] = ResolversParentTypes['Creator']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DashboardCountsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DashboardCounts'] = ResolversParentTypes['DashboardCounts']> = {
  active?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  byStatus?: Resolver<Array<ResolversTypes['StatusCount']>, ParentType, ContextType>;
  cancelled?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  completed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type EntityTypeResolvers = { AGENT: 'agent', TASK: 'task' };

export type ErrorCountResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ErrorCount'] = ResolversParentTypes['ErrorCount']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  lastMessage?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastTaskId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ErrorSummaryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ErrorSummary'] = ResolversParentTypes['ErrorSummary']> = {
  byCode?: Resolver<Array<ResolversTypes['ErrorCount']>, ParentType, ContextType>;
  more?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  since?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type IssueResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Issue'] = ResolversParentTypes['Issue']> = {
  number?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type IterationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Iteration'] = ResolversParentTypes['Iteration']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  n?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  summary?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type LogAppendResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['LogAppendResult'] = ResolversParentTypes['LogAppendResult']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dropped?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lines?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type LogLineResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['LogLine'] = ResolversParentTypes['LogLine']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stream?: Resolver<ResolversTypes['LogStream'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type LogStreamResolvers = { DROPPED: 'dropped', STDERR: 'stderr', STDOUT: 'stdout' };

export type MachineDefinitionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MachineDefinition'] = ResolversParentTypes['MachineDefinition']> = {
  definition?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  agentHeartbeat?: Resolver<ResolversTypes['Agent'], ParentType, ContextType, RequireFields<MutationAgentHeartbeatArgs, 'agentId'>>;
  answerClarification?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationAnswerClarificationArgs, 'answers' | 'taskId'>>;
  appendTaskLogs?: Resolver<ResolversTypes['LogAppendResult'], ParentType, ContextType, RequireFields<MutationAppendTaskLogsArgs, 'agentId' | 'lines' | 'taskId'>>;
  cancelTask?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationCancelTaskArgs, 'taskId'>>;
  createTask?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationCreateTaskArgs, 'input'>>;
  deregisterAgent?: Resolver<ResolversTypes['Agent'], ParentType, ContextType, RequireFields<MutationDeregisterAgentArgs, 'agentId'>>;
  devSignIn?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationDevSignInArgs, 'name' | 'org'>>;
  failTask?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationFailTaskArgs, 'error' | 'taskId'>>;
  registerAgent?: Resolver<ResolversTypes['Agent'], ParentType, ContextType, RequireFields<MutationRegisterAgentArgs, 'name'>>;
  releaseTask?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationReleaseTaskArgs, 'agentId' | 'taskId'>>;
  reportIteration?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationReportIterationArgs, 'agentId' | 'n' | 'summary' | 'taskId'>>;
  reportProgress?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationReportProgressArgs, 'agentId' | 'message' | 'taskId'>>;
  reportPullRequestClosed?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationReportPullRequestClosedArgs, 'taskId'>>;
  reportPullRequestMerged?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationReportPullRequestMergedArgs, 'sha' | 'taskId'>>;
  reportPullRequestOpened?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationReportPullRequestOpenedArgs, 'number' | 'taskId' | 'title' | 'url'>>;
  reportUsage?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationReportUsageArgs, 'agentId' | 'taskId' | 'usage'>>;
  retryTask?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationRetryTaskArgs, 'taskId'>>;
  setTaskBudget?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationSetTaskBudgetArgs, 'taskId'>>;
  startCoding?: Resolver<ResolversTypes['Task'], ParentType, ContextType, RequireFields<MutationStartCodingArgs, 'agentId' | 'branch' | 'taskId'>>;
};

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ProgressResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Progress'] = ResolversParentTypes['Progress']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  percent?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type PullRequestResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PullRequest'] = ResolversParentTypes['PullRequest']> = {
  number?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  agent?: Resolver<Maybe<ResolversTypes['Agent']>, ParentType, ContextType, RequireFields<QueryAgentArgs, 'id'>>;
  agentList?: Resolver<ResolversTypes['AgentList'], ParentType, ContextType>;
  agentSessions?: Resolver<Array<ResolversTypes['TaskSession']>, ParentType, ContextType, RequireFields<QueryAgentSessionsArgs, 'agentId' | 'first'>>;
  agentTimeline?: Resolver<Array<ResolversTypes['TimelineEvent']>, ParentType, ContextType, RequireFields<QueryAgentTimelineArgs, 'agentId' | 'first'>>;
  agents?: Resolver<Array<ResolversTypes['Agent']>, ParentType, ContextType>;
  backlog?: Resolver<ResolversTypes['Backlog'], ParentType, ContextType>;
  dashboardCounts?: Resolver<ResolversTypes['DashboardCounts'], ParentType, ContextType, Partial<QueryDashboardCountsArgs>>;
  devSignInEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  errorSummary?: Resolver<ResolversTypes['ErrorSummary'], ParentType, ContextType, RequireFields<QueryErrorSummaryArgs, 'hours'>>;
  machine?: Resolver<Maybe<ResolversTypes['MachineDefinition']>, ParentType, ContextType, RequireFields<QueryMachineArgs, 'name'>>;
  machines?: Resolver<Array<ResolversTypes['MachineDefinition']>, ParentType, ContextType>;
  task?: Resolver<Maybe<ResolversTypes['Task']>, ParentType, ContextType, RequireFields<QueryTaskArgs, 'id'>>;
  taskLogs?: Resolver<ResolversTypes['TaskLogPage'], ParentType, ContextType, RequireFields<QueryTaskLogsArgs, 'first' | 'taskId'>>;
  tasks?: Resolver<ResolversTypes['TaskConnection'], ParentType, ContextType, RequireFields<QueryTasksArgs, 'first' | 'sort'>>;
  timeline?: Resolver<Array<ResolversTypes['TimelineEvent']>, ParentType, ContextType, RequireFields<QueryTimelineArgs, 'first' | 'taskId'>>;
  viewer?: Resolver<Maybe<ResolversTypes['Viewer']>, ParentType, ContextType>;
};

export type SessionLogResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SessionLog'] = ResolversParentTypes['SessionLog']> = {
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  bytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  droppedBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  droppedLines?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  lines?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type SessionOutcomeResolvers = { BUDGET: 'budget', CANCELLED: 'cancelled', CRASHED: 'crashed', FAILED: 'failed', PR_OPENED: 'pr_opened', RELEASED: 'released', REQUEUED: 'requeued', RUNNING: 'running', STOPPED: 'stopped', STUCK: 'stuck' };

export type StatusCountResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StatusCount'] = ResolversParentTypes['StatusCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['TaskStatus'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  activity?: SubscriptionResolver<ResolversTypes['ActivityEvent'], "activity", ParentType, ContextType, Partial<SubscriptionActivityArgs>>;
  agentUpdated?: SubscriptionResolver<ResolversTypes['AgentUpdate'], "agentUpdated", ParentType, ContextType, Partial<SubscriptionAgentUpdatedArgs>>;
  dashboardCounts?: SubscriptionResolver<ResolversTypes['DashboardCounts'], "dashboardCounts", ParentType, ContextType, Partial<SubscriptionDashboardCountsArgs>>;
  taskLogs?: SubscriptionResolver<ResolversTypes['LogLine'], "taskLogs", ParentType, ContextType, RequireFields<SubscriptionTaskLogsArgs, 'taskId'>>;
  taskUpdated?: SubscriptionResolver<ResolversTypes['TaskUpdate'], "taskUpdated", ParentType, ContextType, Partial<SubscriptionTaskUpdatedArgs>>;
  timeline?: SubscriptionResolver<ResolversTypes['TimelineEvent'], "timeline", ParentType, ContextType, RequireFields<SubscriptionTimelineArgs, 'taskId'>>;
};

export type TaskResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Task'] = ResolversParentTypes['Task']> = {
  assignedAgent?: Resolver<Maybe<ResolversTypes['Agent']>, ParentType, ContextType>;
  assignedAgentId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  availableActions?: Resolver<Array<ResolversTypes['TaskAction']>, ParentType, ContextType>;
  branch?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  budgetMicros?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  budgetWarning?: Resolver<Maybe<ResolversTypes['BudgetWarning']>, ParentType, ContextType>;
  clarifications?: Resolver<Array<ResolversTypes['ClarificationRound']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  creator?: Resolver<ResolversTypes['Creator'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failure?: Resolver<Maybe<ResolversTypes['TaskFailure']>, ParentType, ContextType>;
  grant?: Resolver<Maybe<ResolversTypes['TaskGrant']>, ParentType, ContextType>;
  heldReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  issue?: Resolver<Maybe<ResolversTypes['Issue']>, ParentType, ContextType>;
  mergeCommitSha?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  mergedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  openQuestions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  org?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  private?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  progress?: Resolver<Maybe<ResolversTypes['Progress']>, ParentType, ContextType>;
  pullRequest?: Resolver<Maybe<ResolversTypes['PullRequest']>, ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['TaskSession']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['TaskStatus'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  usage?: Resolver<ResolversTypes['Usage'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  waiting?: Resolver<Maybe<ResolversTypes['TaskWaiting']>, ParentType, ContextType>;
};

export type TaskConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskConnection'] = ResolversParentTypes['TaskConnection']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  edges?: Resolver<Array<ResolversTypes['TaskEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Task']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type TaskEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskEdge'] = ResolversParentTypes['TaskEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Task'], ParentType, ContextType>;
};

export type TaskFailureResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskFailure'] = ResolversParentTypes['TaskFailure']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  attempt?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  details?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  logsUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TaskGrantResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskGrant'] = ResolversParentTypes['TaskGrant']> = {
  agentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  agentName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type TaskLogPageResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskLogPage'] = ResolversParentTypes['TaskLogPage']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['LogLine']>, ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['SessionLog']>, ParentType, ContextType>;
};

export type TaskSessionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskSession'] = ResolversParentTypes['TaskSession']> = {
  agentId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  agentName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  durationMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  iterations?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastIteration?: Resolver<Maybe<ResolversTypes['Iteration']>, ParentType, ContextType>;
  model?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['SessionOutcome'], ParentType, ContextType>;
  queuedMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  taskId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  usage?: Resolver<ResolversTypes['Usage'], ParentType, ContextType>;
};

export type TaskSortResolvers = { CREATED: 'created', UPDATED: 'updated' };

export type TaskStatusResolvers = { ANALYZING: 'analyzing', CANCELLED: 'cancelled', CODING: 'coding', DISPATCHED: 'dispatched', FAILED: 'failed', HELD: 'held', MERGED: 'merged', NEEDS_CLARIFICATION: 'needs_clarification', PR_OPEN: 'pr_open', RECEIVED: 'received' };

export type TaskUpdateResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskUpdate'] = ResolversParentTypes['TaskUpdate']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  event?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  task?: Resolver<ResolversTypes['Task'], ParentType, ContextType>;
};

export type TaskWaitingResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TaskWaiting'] = ResolversParentTypes['TaskWaiting']> = {
  code?: Resolver<ResolversTypes['WaitCode'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  since?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type TimelineEventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TimelineEvent'] = ResolversParentTypes['TimelineEvent']> = {
  actor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  payload?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type UsageResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Usage'] = ResolversParentTypes['Usage']> = {
  costMicros?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  inputTokens?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  outputTokens?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type ViewerResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  org?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type WaitCodeResolvers = { AGENTS_UNHEALTHY: 'agents_unhealthy', ALL_AGENTS_BUSY: 'all_agents_busy', NO_AGENT_ONLINE: 'no_agent_online' };

export type WaitCountResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WaitCount'] = ResolversParentTypes['WaitCount']> = {
  code?: Resolver<ResolversTypes['WaitCode'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  ActivityEvent?: ActivityEventResolvers<ContextType>;
  Agent?: AgentResolvers<ContextType>;
  AgentHealth?: AgentHealthResolvers;
  AgentList?: AgentListResolvers<ContextType>;
  AgentStatus?: AgentStatusResolvers;
  AgentUpdate?: AgentUpdateResolvers<ContextType>;
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  Backlog?: BacklogResolvers<ContextType>;
  BudgetWarning?: BudgetWarningResolvers<ContextType>;
  ClarificationRound?: ClarificationRoundResolvers<ContextType>;
  Creator?: CreatorResolvers<ContextType>;
  DashboardCounts?: DashboardCountsResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  EntityType?: EntityTypeResolvers;
  ErrorCount?: ErrorCountResolvers<ContextType>;
  ErrorSummary?: ErrorSummaryResolvers<ContextType>;
  Issue?: IssueResolvers<ContextType>;
  Iteration?: IterationResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  LogAppendResult?: LogAppendResultResolvers<ContextType>;
  LogLine?: LogLineResolvers<ContextType>;
  LogStream?: LogStreamResolvers;
  MachineDefinition?: MachineDefinitionResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Progress?: ProgressResolvers<ContextType>;
  PullRequest?: PullRequestResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SessionLog?: SessionLogResolvers<ContextType>;
  SessionOutcome?: SessionOutcomeResolvers;
  StatusCount?: StatusCountResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Task?: TaskResolvers<ContextType>;
  TaskConnection?: TaskConnectionResolvers<ContextType>;
  TaskEdge?: TaskEdgeResolvers<ContextType>;
  TaskFailure?: TaskFailureResolvers<ContextType>;
  TaskGrant?: TaskGrantResolvers<ContextType>;
  TaskLogPage?: TaskLogPageResolvers<ContextType>;
  TaskSession?: TaskSessionResolvers<ContextType>;
  TaskSort?: TaskSortResolvers;
  TaskStatus?: TaskStatusResolvers;
  TaskUpdate?: TaskUpdateResolvers<ContextType>;
  TaskWaiting?: TaskWaitingResolvers<ContextType>;
  TimelineEvent?: TimelineEventResolvers<ContextType>;
  Usage?: UsageResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
  WaitCode?: WaitCodeResolvers;
  WaitCount?: WaitCountResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = GraphQLContext> = {
  viewerDependent?: ViewerDependentDirectiveResolver<any, any, ContextType>;
};
