import { ErrorText } from './ErrorText';
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { graphql, useFragment, type FragmentType } from '../gql';
import { tasks } from '../stores';

export const Clarification_task = graphql(`
  fragment Clarification_task on Task {
    id
    version
    status
    openQuestions
    clarifications {
      questions
      answers
    }
  }
`);

const Answer = graphql(`
  mutation AnswerClarification($taskId: ID!, $answers: [String!]!) {
    answerClarification(taskId: $taskId, answers: $answers) {
      ...LiveTask_task
    }
  }
`);

/**
 * Questions appear live (the task store is fed by the subscription). After answering, a
 * "Re-analyzing…" indicator stays until the task's next status arrives.
 */
export function Clarification(props: { task: FragmentType<typeof Clarification_task>; canAnswer: boolean }) {
  const task = useFragment(Clarification_task, props.task);
  const { canAnswer } = props;
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [answeredAt, setAnsweredAt] = useState<number | null>(null);
  const [{ fetching, error }, answer] = useMutation(Answer);
  const open = task.openQuestions;
  const past = task.clarifications.filter((round) => round.answers);
  const reanalyzing = answeredAt !== null && task.status === 'ANALYZING';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await answer({ taskId: task.id, answers: open.map((_, i) => answers[i] ?? '') });
    if (result.data) {
      tasks.apply(result.data.answerClarification);
      setAnswers({});
      setAnsweredAt(Date.now());
    }
  }

  if (open.length === 0 && past.length === 0 && !reanalyzing) return null;
  return (
    <section className="card clarification" aria-labelledby="clarify-heading">
      <h2 id="clarify-heading">Clarification</h2>
      {past.map((round, r) => (
        <dl key={r} className="qa">
          {round.questions.map((q, i) => (
            <div key={i}>
              <dt>{q}</dt>
              <dd>{round.answers?.[i]}</dd>
            </div>
          ))}
        </dl>
      ))}
      {reanalyzing ? (
        <p className="reanalyzing" role="status">
          <span className="spinner" aria-hidden="true" /> Re-analyzing…
        </p>
      ) : null}
      {open.length > 0 ? (
        <form onSubmit={submit} data-testid="clarification-form">
          <p className="muted">The analyzer needs a few answers before this can be dispatched.</p>
          {open.map((question, i) => (
            <div key={`${task.version}-${i}`} className="field">
              <label htmlFor={`answer-${i}`}>{question}</label>
              <textarea
                id={`answer-${i}`}
                rows={2}
                required
                disabled={!canAnswer}
                value={answers[i] ?? ''}
                onChange={(e) => setAnswers((a) => ({ ...a, [i]: e.target.value }))}
              />
            </div>
          ))}
          <button type="submit" className="button primary" disabled={!canAnswer || fetching || open.some((_, i) => !(answers[i] ?? '').trim())}>
            {fetching ? 'Submitting…' : 'Submit answers'}
          </button>
          {!canAnswer ? <p className="muted">Only the task's creator can answer.</p> : null}
          <ErrorText error={error} />
        </form>
      ) : null}
    </section>
  );
}
