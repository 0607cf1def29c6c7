import { graphql } from '../gql';

/** Everything the detail page shows; the live stream selects it too, so the page is always current. */
export const TaskDetail_task = graphql(`
  fragment TaskDetail_task on Task {
    ...TaskCard_task
    description
    org
    state
    error
    branch
    mergeCommitSha
    mergedAt
    openQuestions
    availableActions
    progress {
      message
      percent
    }
    clarifications {
      questions
      answers
    }
    pullRequest {
      number
      url
      title
    }
    assignedAgent {
      id
      name
      health
    }
  }
`);
