/**
 * The task page's "Sessions" card (one row per attempt: agent, when, how long, how it ended,
 * iterations, usage) and "Usage and budget" card (what was spent against the budget, which its
 * creator sets here). Live: the task store brings every committed report.
 */
import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql, useFragment, type FragmentType } from '../gql';
import { formatCost, formatTokens, parseCost } from '../lib/money';
import { tasks } from '../stores';
import { ErrorText } from './ErrorText';
import { SessionsTable } from './SessionsTable';

export const TaskWork_task = graphql(`
  fragment TaskWork_task on Task {
    id
    status
    budgetMicros
    budgetWarning {
      at
      percent
    }
    usage {
      inputTokens
      outputTokens
      costMicros
    }
    sessions {
      attempt
      agentId
      agentName
      startedAt
      endedAt
      outcome
      reason
      iterations
      queuedMs
      lastIteration {
        n
        summary
      }
      usage {
        inputTokens
        outputTokens
        costMicros
      }
      model
    }
  }
`);

const SetBudget = graphql(`
  mutation SetTaskBudget($taskId: ID!, $budgetMicros: Float) {
    task: setTaskBudget(taskId: $taskId, budgetMicros: $budgetMicros) {
      ...LiveTask_task
    }
  }
`);


type Props = { task: FragmentType<typeof TaskWork_task>; now: number };

export function TaskSessions({ task: ref, now }: Props) {
  const task = useFragment(TaskWork_task, ref);
  const sessions = [...task.sessions].reverse(); // the current attempt first
  return (
    <section className="card sessions-card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      {sessions.length === 0 ? (
        <p className="muted">No agent has worked on it yet.</p>
      ) : (
        <SessionsTable testId="sessions" lead="Agent" now={now} rows={sessions.map((s) => ({ ...s, key: String(s.attempt), lead: s.agentName }))} />
      )}
    </section>
  );
}

export function TaskBudget({ task: ref, canSet }: { task: FragmentType<typeof TaskWork_task>; canSet: boolean }) {
  const task = useFragment(TaskWork_task, ref);
  const [{ fetching, error }, setBudget] = useMutation(SetBudget);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const spent = task.usage.costMicros;
  const budget = task.budgetMicros ?? null;
  const share = budget ? Math.min(100, Math.round((spent / budget) * 100)) : null;
  const submit = async (micros: number | null) => {
    const r = await setBudget({ taskId: task.id, budgetMicros: micros });
    if (r.data) {
      tasks.apply(r.data.task);
      setDraft('');
    }
  };
  return (
    <section className="card budget-card" aria-labelledby="budget-heading">
      <h2 id="budget-heading">Usage and budget</h2>
      <dl className="usage-figures">
        <dt>Cost</dt>
        <dd data-testid="task-cost">{formatCost(spent)}</dd>
        <dt>Tokens</dt>
        <dd data-testid="task-tokens">
          {formatTokens(task.usage.inputTokens)} in · {formatTokens(task.usage.outputTokens)} out
        </dd>
        <dt>Budget</dt>
        <dd data-testid="task-budget">{budget === null ? <span className="muted">none</span> : formatCost(budget)}</dd>
      </dl>
      {share !== null ? (
        <div className={`budget-meter${share >= 100 ? ' over' : share >= 80 ? ' warn' : ''}`} role="meter" aria-label="Share of the budget spent" aria-valuemin={0} aria-valuemax={100} aria-valuenow={share}>
          <span style={{ width: `${share}%` }} />
          <em>{share} % spent</em>
        </div>
      ) : null}
      {task.budgetWarning && task.status !== 'HELD' ? (
        <p className="muted">Crossed {task.budgetWarning.percent} % of its budget at {new Date(task.budgetWarning.at).toLocaleTimeString()}.</p>
      ) : null}
      {canSet ? (
        <form
          className="budget-form"
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = parseCost(draft);
            if (typeof parsed === 'string') return setProblem(parsed);
            setProblem(null);
            void submit(parsed);
          }}
        >
          <label>
            New budget <input inputMode="decimal" placeholder="e.g. 2.50" value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="New budget" />
          </label>
          <button type="submit" className="button" disabled={fetching || draft.trim() === ''}>
            {fetching ? 'Saving…' : 'Set budget'}
          </button>
          {budget !== null ? (
            <button type="button" className="button ghost" disabled={fetching} onClick={() => void submit(null)}>
              No limit
            </button>
          ) : null}
        </form>
      ) : null}
      {problem ? <p className="error-text" role="alert">{problem}</p> : <ErrorText error={error} />}
    </section>
  );
}
