/** GraphQL documents shared by tests. */
export const TASK_FIELDS = `
  id title description status version private state
  creator { id name } org createdAt updatedAt
  clarifications { questions answers } openQuestions
  issue { number url } branch pullRequest { number url title }
  mergeCommitSha mergedAt error assignedAgentId availableActions
  heldReason waiting { code reason since } grant { agentId agentName userId }
`;

export const CREATE_TASK = `mutation Create($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_FIELDS} } }`;
export const TASK = `query Task($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`;
export const ANSWER = `mutation Answer($taskId: ID!, $answers: [String!]!) { answerClarification(taskId: $taskId, answers: $answers) { ${TASK_FIELDS} } }`;
export const CANCEL = `mutation Cancel($taskId: ID!) { cancelTask(taskId: $taskId) { id status version } }`;
export const TASK_UPDATED = `subscription Updated($filter: TaskFilter, $after: String) {
  taskUpdated(filter: $filter, after: $after) { cursor event task { id title status version private creator { id } org } }
}`;
export const TIMELINE = `subscription Timeline($taskId: ID!, $after: String) {
  timeline(taskId: $taskId, after: $after) { cursor version type at actor payload }
}`;
export const COUNTS = `subscription Counts($filter: TaskFilter) {
  dashboardCounts(filter: $filter) { active completed failed cancelled total cursor byStatus { status count } }
}`;

/** Long enough for the rule-based analyzer to dispatch without questions. */
export const CLEAR_DESCRIPTION =
  'Add a dark theme toggle to the settings page, persisted per user, following the system preference.';

export interface TaskUpdateData {
  taskUpdated: {
    cursor: string;
    event: string;
    task: { id: string; title: string; status: string; version: number; private: boolean; creator: { id: string }; org: string };
  };
}
export interface TimelineData {
  timeline: { cursor: string; version: number; type: string; at: string; actor: string | null; payload: any };
}
