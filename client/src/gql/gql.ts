/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AgentSessions($agentId: ID!) {\n    agentSessions(agentId: $agentId, first: 20) {\n      taskId\n      attempt\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      model\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n    }\n  }\n": typeof types.AgentSessionsDocument,
    "\n  query Backlog {\n    backlog {\n      waiting\n      oldestSince\n      more\n      byCode {\n        code\n        count\n      }\n    }\n  }\n": typeof types.BacklogDocument,
    "\n  fragment Clarification_task on Task {\n    id\n    version\n    status\n    openQuestions\n    clarifications {\n      questions\n      answers\n    }\n  }\n": typeof types.Clarification_TaskFragmentDoc,
    "\n  mutation AnswerClarification($taskId: ID!, $answers: [String!]!) {\n    answerClarification(taskId: $taskId, answers: $answers) {\n      ...LiveTask_task\n    }\n  }\n": typeof types.AnswerClarificationDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      ...LiveTask_task\n    }\n  }\n": typeof types.CreateTaskDocument,
    "\n  query ErrorSummary {\n    errorSummary(hours: 24) {\n      total\n      more\n      byCode {\n        code\n        count\n        lastMessage\n        lastTaskId\n      }\n    }\n  }\n": typeof types.ErrorSummaryDocument,
    "\n  query LiveStart {\n    tasks(first: 1) {\n      cursor\n    }\n  }\n": typeof types.LiveStartDocument,
    "\n  subscription LiveTaskUpdates($after: String) {\n    taskUpdated(after: $after) {\n      cursor\n      event\n      task {\n        ...LiveTask_task\n      }\n    }\n  }\n": typeof types.LiveTaskUpdatesDocument,
    "\n  fragment StatusBadge_task on Task {\n    status\n  }\n": typeof types.StatusBadge_TaskFragmentDoc,
    "\n  mutation CancelTask($taskId: ID!) {\n    task: cancelTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n": typeof types.CancelTaskDocument,
    "\n  mutation RetryTask($taskId: ID!) {\n    task: retryTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n": typeof types.RetryTaskDocument,
    "\n  fragment TaskCard_task on Task {\n    id\n    version\n    title\n    createdAt\n    updatedAt\n    creator {\n      name\n    }\n    issue {\n      number\n    }\n    pullRequest {\n      number\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n  }\n": typeof types.TaskCard_TaskFragmentDoc,
    "\n  fragment TaskDetail_task on Task {\n    issue {\n      number\n      url\n    }\n    pullRequest {\n      number\n      url\n      title\n    }\n    branch\n    mergeCommitSha\n    mergedAt\n    assignedAgent {\n      name\n      health\n    }\n    waiting {\n      code\n    }\n  }\n": typeof types.TaskDetail_TaskFragmentDoc,
    "\n  fragment TaskFailure_task on Task {\n    id\n    failure {\n      code\n      message\n      details\n      logsUrl\n      at\n      attempt\n    }\n  }\n": typeof types.TaskFailure_TaskFragmentDoc,
    "\n  query FailureLines($taskId: ID!, $attempt: Int) {\n    taskLogs(taskId: $taskId, attempt: $attempt, last: 20) {\n      lines {\n        cursor\n        stream\n        text\n      }\n    }\n  }\n": typeof types.FailureLinesDocument,
    "\n  subscription TaskLogs($taskId: ID!, $attempt: Int, $after: String) {\n    taskLogs(taskId: $taskId, attempt: $attempt, after: $after) {\n      cursor\n      attempt\n      stream\n      text\n      at\n    }\n  }\n": typeof types.TaskLogsDocument,
    "\n  fragment TaskNotices_task on Task {\n    status\n    private\n    creator {\n      id\n      name\n    }\n    heldReason\n    waiting {\n      code\n      reason\n      since\n    }\n    grant {\n      agentName\n      userId\n    }\n    assignedAgent {\n      health\n    }\n  }\n": typeof types.TaskNotices_TaskFragmentDoc,
    "\n  fragment TaskWork_task on Task {\n    id\n    status\n    budgetMicros\n    budgetWarning {\n      at\n      percent\n    }\n    usage {\n      inputTokens\n      outputTokens\n      costMicros\n    }\n    sessions {\n      attempt\n      agentId\n      agentName\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n      model\n    }\n  }\n": typeof types.TaskWork_TaskFragmentDoc,
    "\n  mutation SetTaskBudget($taskId: ID!, $budgetMicros: Float) {\n    task: setTaskBudget(taskId: $taskId, budgetMicros: $budgetMicros) {\n      ...LiveTask_task\n    }\n  }\n": typeof types.SetTaskBudgetDocument,
    "\n  fragment TimelineEntry_event on TimelineEvent {\n    version\n    type\n    at\n    actor\n    payload\n  }\n": typeof types.TimelineEntry_EventFragmentDoc,
    "\n  fragment TaskDiagram_event on TimelineEvent {\n    type\n    at\n    state\n  }\n": typeof types.TaskDiagram_EventFragmentDoc,
    "\n  query DashboardTaskPage($filter: TaskFilter!, $first: Int!, $after: String, $sort: TaskSort) {\n    tasks(filter: $filter, first: $first, after: $after, sort: $sort) {\n      cursor\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          ...LiveTask_task\n        }\n      }\n    }\n  }\n": typeof types.DashboardTaskPageDocument,
    "\n  subscription DashboardSearchUpdates($filter: TaskFilter!, $after: String) {\n    taskUpdated(filter: $filter, after: $after) {\n      cursor\n      task {\n        id\n      }\n    }\n  }\n": typeof types.DashboardSearchUpdatesDocument,
    "\n  query MachineDefinition($name: String!) {\n    machine(name: $name) {\n      name\n      definition\n    }\n  }\n": typeof types.MachineDefinitionDocument,
    "\n  query ActivityStart {\n    tasks(first: 1) {\n      cursor\n    }\n    agents {\n      id\n      name\n    }\n  }\n": typeof types.ActivityStartDocument,
    "\n  subscription ActivityFeed($filter: ActivityFilter, $after: String) {\n    activity(filter: $filter, after: $after) {\n      cursor\n      entityType\n      entityId\n      version\n      type\n      at\n      actor\n      task {\n        id\n        title\n      }\n      agent {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ActivityFeedDocument,
    "\n  fragment AgentsPage_agent on Agent {\n    id\n    version\n    name\n    state\n    currentTaskId\n    lastActivity\n    ...AgentRow_agent\n  }\n": typeof types.AgentsPage_AgentFragmentDoc,
    "\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    status\n    health\n    lastActivity\n    lastProgressAt\n    lastHeartbeatAt\n    currentTaskId\n    ...CurrentTask_agent\n  }\n": typeof types.AgentRow_AgentFragmentDoc,
    "\n  fragment CurrentTask_agent on Agent {\n    status\n    currentTaskId\n    currentTask {\n      id\n      title\n    }\n  }\n": typeof types.CurrentTask_AgentFragmentDoc,
    "\n  query Agents {\n    agentList {\n      cursor\n      nodes {\n        ...AgentsPage_agent\n      }\n    }\n  }\n": typeof types.AgentsDocument,
    "\n  subscription AgentUpdates($after: String) {\n    agentUpdated(after: $after) {\n      cursor\n      agent {\n        ...AgentsPage_agent\n      }\n    }\n  }\n": typeof types.AgentUpdatesDocument,
    "\n  query AgentTimeline($agentId: ID!, $after: String) {\n    agentTimeline(agentId: $agentId, after: $after, first: 500) {\n      cursor\n      type\n      ...TimelineEntry_event\n    }\n  }\n": typeof types.AgentTimelineDocument,
    "\n  query AgentTaskTitle($id: ID!) {\n    task(id: $id) {\n      id\n      title\n    }\n  }\n": typeof types.AgentTaskTitleDocument,
    "\n  subscription DashboardCounts($filter: TaskFilter) {\n    dashboardCounts(filter: $filter) {\n      cursor\n      byStatus {\n        status\n        count\n      }\n    }\n  }\n": typeof types.DashboardCountsDocument,
    "\n  fragment MachineCard_machine on MachineDefinition {\n    name\n    definition\n  }\n": typeof types.MachineCard_MachineFragmentDoc,
    "\n  query Machines {\n    machines {\n      name\n      ...MachineCard_machine\n    }\n  }\n": typeof types.MachinesDocument,
    "\n  query DevSignInEnabled {\n    devSignInEnabled\n  }\n": typeof types.DevSignInEnabledDocument,
    "\n  mutation DevSignIn($name: String!, $org: String!) {\n    devSignIn(name: $name, org: $org) {\n      token\n      viewer {\n        id\n        name\n        org\n      }\n    }\n  }\n": typeof types.DevSignInDocument,
    "\n  fragment TaskPage_task on Task {\n    id\n    version\n    title\n    description\n    createdAt\n    creator {\n      id\n      name\n    }\n    status\n    availableActions\n    progress {\n      message\n      percent\n    }\n    error\n    sessions {\n      attempt\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n    ...TaskDetail_task\n    ...TaskWork_task\n    ...TaskFailure_task\n    ...Clarification_task\n  }\n": typeof types.TaskPage_TaskFragmentDoc,
    "\n  query TaskPage($id: ID!) {\n    task(id: $id) {\n      ...LiveTask_task\n    }\n  }\n": typeof types.TaskPageDocument,
    "\n  subscription TaskTimeline($taskId: ID!, $after: String) {\n    timeline(taskId: $taskId, after: $after) {\n      cursor\n      ...TimelineEntry_event\n      ...TaskDiagram_event\n    }\n  }\n": typeof types.TaskTimelineDocument,
    "\n  fragment LiveTask_task on Task {\n    id\n    version\n    title\n    status\n    org\n    private\n    createdAt\n    creator {\n      id\n      name\n    }\n    ...TaskCard_task\n    ...TaskPage_task\n  }\n": typeof types.LiveTask_TaskFragmentDoc,
};
const documents: Documents = {
    "\n  query AgentSessions($agentId: ID!) {\n    agentSessions(agentId: $agentId, first: 20) {\n      taskId\n      attempt\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      model\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n    }\n  }\n": types.AgentSessionsDocument,
    "\n  query Backlog {\n    backlog {\n      waiting\n      oldestSince\n      more\n      byCode {\n        code\n        count\n      }\n    }\n  }\n": types.BacklogDocument,
    "\n  fragment Clarification_task on Task {\n    id\n    version\n    status\n    openQuestions\n    clarifications {\n      questions\n      answers\n    }\n  }\n": types.Clarification_TaskFragmentDoc,
    "\n  mutation AnswerClarification($taskId: ID!, $answers: [String!]!) {\n    answerClarification(taskId: $taskId, answers: $answers) {\n      ...LiveTask_task\n    }\n  }\n": types.AnswerClarificationDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      ...LiveTask_task\n    }\n  }\n": types.CreateTaskDocument,
    "\n  query ErrorSummary {\n    errorSummary(hours: 24) {\n      total\n      more\n      byCode {\n        code\n        count\n        lastMessage\n        lastTaskId\n      }\n    }\n  }\n": types.ErrorSummaryDocument,
    "\n  query LiveStart {\n    tasks(first: 1) {\n      cursor\n    }\n  }\n": types.LiveStartDocument,
    "\n  subscription LiveTaskUpdates($after: String) {\n    taskUpdated(after: $after) {\n      cursor\n      event\n      task {\n        ...LiveTask_task\n      }\n    }\n  }\n": types.LiveTaskUpdatesDocument,
    "\n  fragment StatusBadge_task on Task {\n    status\n  }\n": types.StatusBadge_TaskFragmentDoc,
    "\n  mutation CancelTask($taskId: ID!) {\n    task: cancelTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n": types.CancelTaskDocument,
    "\n  mutation RetryTask($taskId: ID!) {\n    task: retryTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n": types.RetryTaskDocument,
    "\n  fragment TaskCard_task on Task {\n    id\n    version\n    title\n    createdAt\n    updatedAt\n    creator {\n      name\n    }\n    issue {\n      number\n    }\n    pullRequest {\n      number\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n  }\n": types.TaskCard_TaskFragmentDoc,
    "\n  fragment TaskDetail_task on Task {\n    issue {\n      number\n      url\n    }\n    pullRequest {\n      number\n      url\n      title\n    }\n    branch\n    mergeCommitSha\n    mergedAt\n    assignedAgent {\n      name\n      health\n    }\n    waiting {\n      code\n    }\n  }\n": types.TaskDetail_TaskFragmentDoc,
    "\n  fragment TaskFailure_task on Task {\n    id\n    failure {\n      code\n      message\n      details\n      logsUrl\n      at\n      attempt\n    }\n  }\n": types.TaskFailure_TaskFragmentDoc,
    "\n  query FailureLines($taskId: ID!, $attempt: Int) {\n    taskLogs(taskId: $taskId, attempt: $attempt, last: 20) {\n      lines {\n        cursor\n        stream\n        text\n      }\n    }\n  }\n": types.FailureLinesDocument,
    "\n  subscription TaskLogs($taskId: ID!, $attempt: Int, $after: String) {\n    taskLogs(taskId: $taskId, attempt: $attempt, after: $after) {\n      cursor\n      attempt\n      stream\n      text\n      at\n    }\n  }\n": types.TaskLogsDocument,
    "\n  fragment TaskNotices_task on Task {\n    status\n    private\n    creator {\n      id\n      name\n    }\n    heldReason\n    waiting {\n      code\n      reason\n      since\n    }\n    grant {\n      agentName\n      userId\n    }\n    assignedAgent {\n      health\n    }\n  }\n": types.TaskNotices_TaskFragmentDoc,
    "\n  fragment TaskWork_task on Task {\n    id\n    status\n    budgetMicros\n    budgetWarning {\n      at\n      percent\n    }\n    usage {\n      inputTokens\n      outputTokens\n      costMicros\n    }\n    sessions {\n      attempt\n      agentId\n      agentName\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n      model\n    }\n  }\n": types.TaskWork_TaskFragmentDoc,
    "\n  mutation SetTaskBudget($taskId: ID!, $budgetMicros: Float) {\n    task: setTaskBudget(taskId: $taskId, budgetMicros: $budgetMicros) {\n      ...LiveTask_task\n    }\n  }\n": types.SetTaskBudgetDocument,
    "\n  fragment TimelineEntry_event on TimelineEvent {\n    version\n    type\n    at\n    actor\n    payload\n  }\n": types.TimelineEntry_EventFragmentDoc,
    "\n  fragment TaskDiagram_event on TimelineEvent {\n    type\n    at\n    state\n  }\n": types.TaskDiagram_EventFragmentDoc,
    "\n  query DashboardTaskPage($filter: TaskFilter!, $first: Int!, $after: String, $sort: TaskSort) {\n    tasks(filter: $filter, first: $first, after: $after, sort: $sort) {\n      cursor\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          ...LiveTask_task\n        }\n      }\n    }\n  }\n": types.DashboardTaskPageDocument,
    "\n  subscription DashboardSearchUpdates($filter: TaskFilter!, $after: String) {\n    taskUpdated(filter: $filter, after: $after) {\n      cursor\n      task {\n        id\n      }\n    }\n  }\n": types.DashboardSearchUpdatesDocument,
    "\n  query MachineDefinition($name: String!) {\n    machine(name: $name) {\n      name\n      definition\n    }\n  }\n": types.MachineDefinitionDocument,
    "\n  query ActivityStart {\n    tasks(first: 1) {\n      cursor\n    }\n    agents {\n      id\n      name\n    }\n  }\n": types.ActivityStartDocument,
    "\n  subscription ActivityFeed($filter: ActivityFilter, $after: String) {\n    activity(filter: $filter, after: $after) {\n      cursor\n      entityType\n      entityId\n      version\n      type\n      at\n      actor\n      task {\n        id\n        title\n      }\n      agent {\n        id\n        name\n      }\n    }\n  }\n": types.ActivityFeedDocument,
    "\n  fragment AgentsPage_agent on Agent {\n    id\n    version\n    name\n    state\n    currentTaskId\n    lastActivity\n    ...AgentRow_agent\n  }\n": types.AgentsPage_AgentFragmentDoc,
    "\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    status\n    health\n    lastActivity\n    lastProgressAt\n    lastHeartbeatAt\n    currentTaskId\n    ...CurrentTask_agent\n  }\n": types.AgentRow_AgentFragmentDoc,
    "\n  fragment CurrentTask_agent on Agent {\n    status\n    currentTaskId\n    currentTask {\n      id\n      title\n    }\n  }\n": types.CurrentTask_AgentFragmentDoc,
    "\n  query Agents {\n    agentList {\n      cursor\n      nodes {\n        ...AgentsPage_agent\n      }\n    }\n  }\n": types.AgentsDocument,
    "\n  subscription AgentUpdates($after: String) {\n    agentUpdated(after: $after) {\n      cursor\n      agent {\n        ...AgentsPage_agent\n      }\n    }\n  }\n": types.AgentUpdatesDocument,
    "\n  query AgentTimeline($agentId: ID!, $after: String) {\n    agentTimeline(agentId: $agentId, after: $after, first: 500) {\n      cursor\n      type\n      ...TimelineEntry_event\n    }\n  }\n": types.AgentTimelineDocument,
    "\n  query AgentTaskTitle($id: ID!) {\n    task(id: $id) {\n      id\n      title\n    }\n  }\n": types.AgentTaskTitleDocument,
    "\n  subscription DashboardCounts($filter: TaskFilter) {\n    dashboardCounts(filter: $filter) {\n      cursor\n      byStatus {\n        status\n        count\n      }\n    }\n  }\n": types.DashboardCountsDocument,
    "\n  fragment MachineCard_machine on MachineDefinition {\n    name\n    definition\n  }\n": types.MachineCard_MachineFragmentDoc,
    "\n  query Machines {\n    machines {\n      name\n      ...MachineCard_machine\n    }\n  }\n": types.MachinesDocument,
    "\n  query DevSignInEnabled {\n    devSignInEnabled\n  }\n": types.DevSignInEnabledDocument,
    "\n  mutation DevSignIn($name: String!, $org: String!) {\n    devSignIn(name: $name, org: $org) {\n      token\n      viewer {\n        id\n        name\n        org\n      }\n    }\n  }\n": types.DevSignInDocument,
    "\n  fragment TaskPage_task on Task {\n    id\n    version\n    title\n    description\n    createdAt\n    creator {\n      id\n      name\n    }\n    status\n    availableActions\n    progress {\n      message\n      percent\n    }\n    error\n    sessions {\n      attempt\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n    ...TaskDetail_task\n    ...TaskWork_task\n    ...TaskFailure_task\n    ...Clarification_task\n  }\n": types.TaskPage_TaskFragmentDoc,
    "\n  query TaskPage($id: ID!) {\n    task(id: $id) {\n      ...LiveTask_task\n    }\n  }\n": types.TaskPageDocument,
    "\n  subscription TaskTimeline($taskId: ID!, $after: String) {\n    timeline(taskId: $taskId, after: $after) {\n      cursor\n      ...TimelineEntry_event\n      ...TaskDiagram_event\n    }\n  }\n": types.TaskTimelineDocument,
    "\n  fragment LiveTask_task on Task {\n    id\n    version\n    title\n    status\n    org\n    private\n    createdAt\n    creator {\n      id\n      name\n    }\n    ...TaskCard_task\n    ...TaskPage_task\n  }\n": types.LiveTask_TaskFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentSessions($agentId: ID!) {\n    agentSessions(agentId: $agentId, first: 20) {\n      taskId\n      attempt\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      model\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentSessions($agentId: ID!) {\n    agentSessions(agentId: $agentId, first: 20) {\n      taskId\n      attempt\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      model\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Backlog {\n    backlog {\n      waiting\n      oldestSince\n      more\n      byCode {\n        code\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query Backlog {\n    backlog {\n      waiting\n      oldestSince\n      more\n      byCode {\n        code\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment Clarification_task on Task {\n    id\n    version\n    status\n    openQuestions\n    clarifications {\n      questions\n      answers\n    }\n  }\n"): (typeof documents)["\n  fragment Clarification_task on Task {\n    id\n    version\n    status\n    openQuestions\n    clarifications {\n      questions\n      answers\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AnswerClarification($taskId: ID!, $answers: [String!]!) {\n    answerClarification(taskId: $taskId, answers: $answers) {\n      ...LiveTask_task\n    }\n  }\n"): (typeof documents)["\n  mutation AnswerClarification($taskId: ID!, $answers: [String!]!) {\n    answerClarification(taskId: $taskId, answers: $answers) {\n      ...LiveTask_task\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      ...LiveTask_task\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      ...LiveTask_task\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrorSummary {\n    errorSummary(hours: 24) {\n      total\n      more\n      byCode {\n        code\n        count\n        lastMessage\n        lastTaskId\n      }\n    }\n  }\n"): (typeof documents)["\n  query ErrorSummary {\n    errorSummary(hours: 24) {\n      total\n      more\n      byCode {\n        code\n        count\n        lastMessage\n        lastTaskId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LiveStart {\n    tasks(first: 1) {\n      cursor\n    }\n  }\n"): (typeof documents)["\n  query LiveStart {\n    tasks(first: 1) {\n      cursor\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveTaskUpdates($after: String) {\n    taskUpdated(after: $after) {\n      cursor\n      event\n      task {\n        ...LiveTask_task\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription LiveTaskUpdates($after: String) {\n    taskUpdated(after: $after) {\n      cursor\n      event\n      task {\n        ...LiveTask_task\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StatusBadge_task on Task {\n    status\n  }\n"): (typeof documents)["\n  fragment StatusBadge_task on Task {\n    status\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTask($taskId: ID!) {\n    task: cancelTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTask($taskId: ID!) {\n    task: cancelTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryTask($taskId: ID!) {\n    task: retryTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n"): (typeof documents)["\n  mutation RetryTask($taskId: ID!) {\n    task: retryTask(taskId: $taskId) {\n      ...LiveTask_task\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskCard_task on Task {\n    id\n    version\n    title\n    createdAt\n    updatedAt\n    creator {\n      name\n    }\n    issue {\n      number\n    }\n    pullRequest {\n      number\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n  }\n"): (typeof documents)["\n  fragment TaskCard_task on Task {\n    id\n    version\n    title\n    createdAt\n    updatedAt\n    creator {\n      name\n    }\n    issue {\n      number\n    }\n    pullRequest {\n      number\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskDetail_task on Task {\n    issue {\n      number\n      url\n    }\n    pullRequest {\n      number\n      url\n      title\n    }\n    branch\n    mergeCommitSha\n    mergedAt\n    assignedAgent {\n      name\n      health\n    }\n    waiting {\n      code\n    }\n  }\n"): (typeof documents)["\n  fragment TaskDetail_task on Task {\n    issue {\n      number\n      url\n    }\n    pullRequest {\n      number\n      url\n      title\n    }\n    branch\n    mergeCommitSha\n    mergedAt\n    assignedAgent {\n      name\n      health\n    }\n    waiting {\n      code\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskFailure_task on Task {\n    id\n    failure {\n      code\n      message\n      details\n      logsUrl\n      at\n      attempt\n    }\n  }\n"): (typeof documents)["\n  fragment TaskFailure_task on Task {\n    id\n    failure {\n      code\n      message\n      details\n      logsUrl\n      at\n      attempt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FailureLines($taskId: ID!, $attempt: Int) {\n    taskLogs(taskId: $taskId, attempt: $attempt, last: 20) {\n      lines {\n        cursor\n        stream\n        text\n      }\n    }\n  }\n"): (typeof documents)["\n  query FailureLines($taskId: ID!, $attempt: Int) {\n    taskLogs(taskId: $taskId, attempt: $attempt, last: 20) {\n      lines {\n        cursor\n        stream\n        text\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskLogs($taskId: ID!, $attempt: Int, $after: String) {\n    taskLogs(taskId: $taskId, attempt: $attempt, after: $after) {\n      cursor\n      attempt\n      stream\n      text\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription TaskLogs($taskId: ID!, $attempt: Int, $after: String) {\n    taskLogs(taskId: $taskId, attempt: $attempt, after: $after) {\n      cursor\n      attempt\n      stream\n      text\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskNotices_task on Task {\n    status\n    private\n    creator {\n      id\n      name\n    }\n    heldReason\n    waiting {\n      code\n      reason\n      since\n    }\n    grant {\n      agentName\n      userId\n    }\n    assignedAgent {\n      health\n    }\n  }\n"): (typeof documents)["\n  fragment TaskNotices_task on Task {\n    status\n    private\n    creator {\n      id\n      name\n    }\n    heldReason\n    waiting {\n      code\n      reason\n      since\n    }\n    grant {\n      agentName\n      userId\n    }\n    assignedAgent {\n      health\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskWork_task on Task {\n    id\n    status\n    budgetMicros\n    budgetWarning {\n      at\n      percent\n    }\n    usage {\n      inputTokens\n      outputTokens\n      costMicros\n    }\n    sessions {\n      attempt\n      agentId\n      agentName\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n      model\n    }\n  }\n"): (typeof documents)["\n  fragment TaskWork_task on Task {\n    id\n    status\n    budgetMicros\n    budgetWarning {\n      at\n      percent\n    }\n    usage {\n      inputTokens\n      outputTokens\n      costMicros\n    }\n    sessions {\n      attempt\n      agentId\n      agentName\n      startedAt\n      endedAt\n      outcome\n      reason\n      iterations\n      queuedMs\n      lastIteration {\n        n\n        summary\n      }\n      usage {\n        inputTokens\n        outputTokens\n        costMicros\n      }\n      model\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetTaskBudget($taskId: ID!, $budgetMicros: Float) {\n    task: setTaskBudget(taskId: $taskId, budgetMicros: $budgetMicros) {\n      ...LiveTask_task\n    }\n  }\n"): (typeof documents)["\n  mutation SetTaskBudget($taskId: ID!, $budgetMicros: Float) {\n    task: setTaskBudget(taskId: $taskId, budgetMicros: $budgetMicros) {\n      ...LiveTask_task\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TimelineEntry_event on TimelineEvent {\n    version\n    type\n    at\n    actor\n    payload\n  }\n"): (typeof documents)["\n  fragment TimelineEntry_event on TimelineEvent {\n    version\n    type\n    at\n    actor\n    payload\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskDiagram_event on TimelineEvent {\n    type\n    at\n    state\n  }\n"): (typeof documents)["\n  fragment TaskDiagram_event on TimelineEvent {\n    type\n    at\n    state\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardTaskPage($filter: TaskFilter!, $first: Int!, $after: String, $sort: TaskSort) {\n    tasks(filter: $filter, first: $first, after: $after, sort: $sort) {\n      cursor\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          ...LiveTask_task\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardTaskPage($filter: TaskFilter!, $first: Int!, $after: String, $sort: TaskSort) {\n    tasks(filter: $filter, first: $first, after: $after, sort: $sort) {\n      cursor\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          ...LiveTask_task\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardSearchUpdates($filter: TaskFilter!, $after: String) {\n    taskUpdated(filter: $filter, after: $after) {\n      cursor\n      task {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardSearchUpdates($filter: TaskFilter!, $after: String) {\n    taskUpdated(filter: $filter, after: $after) {\n      cursor\n      task {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MachineDefinition($name: String!) {\n    machine(name: $name) {\n      name\n      definition\n    }\n  }\n"): (typeof documents)["\n  query MachineDefinition($name: String!) {\n    machine(name: $name) {\n      name\n      definition\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActivityStart {\n    tasks(first: 1) {\n      cursor\n    }\n    agents {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query ActivityStart {\n    tasks(first: 1) {\n      cursor\n    }\n    agents {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ActivityFeed($filter: ActivityFilter, $after: String) {\n    activity(filter: $filter, after: $after) {\n      cursor\n      entityType\n      entityId\n      version\n      type\n      at\n      actor\n      task {\n        id\n        title\n      }\n      agent {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ActivityFeed($filter: ActivityFilter, $after: String) {\n    activity(filter: $filter, after: $after) {\n      cursor\n      entityType\n      entityId\n      version\n      type\n      at\n      actor\n      task {\n        id\n        title\n      }\n      agent {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentsPage_agent on Agent {\n    id\n    version\n    name\n    state\n    currentTaskId\n    lastActivity\n    ...AgentRow_agent\n  }\n"): (typeof documents)["\n  fragment AgentsPage_agent on Agent {\n    id\n    version\n    name\n    state\n    currentTaskId\n    lastActivity\n    ...AgentRow_agent\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    status\n    health\n    lastActivity\n    lastProgressAt\n    lastHeartbeatAt\n    currentTaskId\n    ...CurrentTask_agent\n  }\n"): (typeof documents)["\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    status\n    health\n    lastActivity\n    lastProgressAt\n    lastHeartbeatAt\n    currentTaskId\n    ...CurrentTask_agent\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CurrentTask_agent on Agent {\n    status\n    currentTaskId\n    currentTask {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  fragment CurrentTask_agent on Agent {\n    status\n    currentTaskId\n    currentTask {\n      id\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Agents {\n    agentList {\n      cursor\n      nodes {\n        ...AgentsPage_agent\n      }\n    }\n  }\n"): (typeof documents)["\n  query Agents {\n    agentList {\n      cursor\n      nodes {\n        ...AgentsPage_agent\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AgentUpdates($after: String) {\n    agentUpdated(after: $after) {\n      cursor\n      agent {\n        ...AgentsPage_agent\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AgentUpdates($after: String) {\n    agentUpdated(after: $after) {\n      cursor\n      agent {\n        ...AgentsPage_agent\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentTimeline($agentId: ID!, $after: String) {\n    agentTimeline(agentId: $agentId, after: $after, first: 500) {\n      cursor\n      type\n      ...TimelineEntry_event\n    }\n  }\n"): (typeof documents)["\n  query AgentTimeline($agentId: ID!, $after: String) {\n    agentTimeline(agentId: $agentId, after: $after, first: 500) {\n      cursor\n      type\n      ...TimelineEntry_event\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentTaskTitle($id: ID!) {\n    task(id: $id) {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  query AgentTaskTitle($id: ID!) {\n    task(id: $id) {\n      id\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardCounts($filter: TaskFilter) {\n    dashboardCounts(filter: $filter) {\n      cursor\n      byStatus {\n        status\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardCounts($filter: TaskFilter) {\n    dashboardCounts(filter: $filter) {\n      cursor\n      byStatus {\n        status\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MachineCard_machine on MachineDefinition {\n    name\n    definition\n  }\n"): (typeof documents)["\n  fragment MachineCard_machine on MachineDefinition {\n    name\n    definition\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Machines {\n    machines {\n      name\n      ...MachineCard_machine\n    }\n  }\n"): (typeof documents)["\n  query Machines {\n    machines {\n      name\n      ...MachineCard_machine\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DevSignInEnabled {\n    devSignInEnabled\n  }\n"): (typeof documents)["\n  query DevSignInEnabled {\n    devSignInEnabled\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DevSignIn($name: String!, $org: String!) {\n    devSignIn(name: $name, org: $org) {\n      token\n      viewer {\n        id\n        name\n        org\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DevSignIn($name: String!, $org: String!) {\n    devSignIn(name: $name, org: $org) {\n      token\n      viewer {\n        id\n        name\n        org\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskPage_task on Task {\n    id\n    version\n    title\n    description\n    createdAt\n    creator {\n      id\n      name\n    }\n    status\n    availableActions\n    progress {\n      message\n      percent\n    }\n    error\n    sessions {\n      attempt\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n    ...TaskDetail_task\n    ...TaskWork_task\n    ...TaskFailure_task\n    ...Clarification_task\n  }\n"): (typeof documents)["\n  fragment TaskPage_task on Task {\n    id\n    version\n    title\n    description\n    createdAt\n    creator {\n      id\n      name\n    }\n    status\n    availableActions\n    progress {\n      message\n      percent\n    }\n    error\n    sessions {\n      attempt\n    }\n    ...StatusBadge_task\n    ...TaskNotices_task\n    ...TaskDetail_task\n    ...TaskWork_task\n    ...TaskFailure_task\n    ...Clarification_task\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaskPage($id: ID!) {\n    task(id: $id) {\n      ...LiveTask_task\n    }\n  }\n"): (typeof documents)["\n  query TaskPage($id: ID!) {\n    task(id: $id) {\n      ...LiveTask_task\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskTimeline($taskId: ID!, $after: String) {\n    timeline(taskId: $taskId, after: $after) {\n      cursor\n      ...TimelineEntry_event\n      ...TaskDiagram_event\n    }\n  }\n"): (typeof documents)["\n  subscription TaskTimeline($taskId: ID!, $after: String) {\n    timeline(taskId: $taskId, after: $after) {\n      cursor\n      ...TimelineEntry_event\n      ...TaskDiagram_event\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LiveTask_task on Task {\n    id\n    version\n    title\n    status\n    org\n    private\n    createdAt\n    creator {\n      id\n      name\n    }\n    ...TaskCard_task\n    ...TaskPage_task\n  }\n"): (typeof documents)["\n  fragment LiveTask_task on Task {\n    id\n    version\n    title\n    status\n    org\n    private\n    createdAt\n    creator {\n      id\n      name\n    }\n    ...TaskCard_task\n    ...TaskPage_task\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;