import { useMemo, useState } from 'react';
import { useSubscription } from 'urql';
import { ACTIVE_STATUSES, ALL_STATUSES, STATUS_LABEL } from '../components/StatusBadge';
import { CreateTaskForm } from '../components/CreateTaskForm';
import { TaskCard } from '../components/TaskCard';
import { graphql } from '../gql';
import type { TaskScope, TaskStatus } from '../gql/graphql';
import { useSession } from '../lib/session';
import { useNow } from '../lib/time';
import { useStore } from '../lib/versioned-store';
import { tasks } from '../stores';

const Counts = graphql(`
  subscription DashboardCounts($filter: TaskFilter) {
    dashboardCounts(filter: $filter) {
      active
      completed
      failed
      cancelled
      total
      byStatus {
        status
        count
      }
    }
  }
`);

const NEW_FOR_MS = 8000;

export function DashboardPage() {
  const viewer = useSession()!.viewer;
  const all = useStore(tasks);
  const now = useNow(1000);
  const [scope, setScope] = useState<TaskScope>('ALL');
  const [statuses, setStatuses] = useState<TaskStatus[]>([]);
  const [creator, setCreator] = useState('');
  const [{ data: counts }] = useSubscription({ query: Counts, variables: { filter: { scope } } });

  const creators = useMemo(() => {
    const byId = new Map(all.map((t) => [t.creator.id, t.creator.name]));
    return [...byId.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }, [all]);

  const visible = useMemo(
    () =>
      all
        .filter((t) => scope === 'ALL' || t.creator.id === viewer.id)
        .filter((t) => statuses.length === 0 || statuses.includes(t.status))
        .filter((t) => creator === '' || t.creator.id === creator)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [all, scope, statuses, creator, viewer.id],
  );
  const active = visible.filter((t) => ACTIVE_STATUSES.includes(t.status));
  const completed = visible.filter((t) => !ACTIVE_STATUSES.includes(t.status));
  const isNew = (id: string) => now - (tasks.arrivedAt.get(id) ?? 0) < NEW_FOR_MS;
  const c = counts?.dashboardCounts;

  return (
    <div className="dashboard">
      <section aria-label="Counts" className="counts">
        <Count label="Active" value={c?.active} tone="active" />
        <Count label="Completed" value={c?.completed} tone="merged" />
        <Count label="Failed" value={c?.failed} tone="failed" />
        <Count label="Cancelled" value={c?.cancelled} tone="cancelled" />
        <Count label="Total" value={c?.total} tone="total" />
      </section>

      <div className="dashboard-grid">
        <div className="dashboard-side">
          <CreateTaskForm />
          <section className="card filters" aria-labelledby="filters-heading">
            <h2 id="filters-heading">Filters</h2>
            <fieldset className="segmented">
              <legend>Show</legend>
              {(['ALL', 'MINE'] as const).map((value) => (
                <label key={value} className={scope === value ? 'selected' : ''}>
                  <input type="radio" name="scope" value={value} checked={scope === value} onChange={() => setScope(value)} />
                  {value === 'ALL' ? 'All tasks' : 'My tasks'}
                </label>
              ))}
            </fieldset>
            <fieldset className="chips">
              <legend>Status</legend>
              {ALL_STATUSES.map((status) => {
                const pressed = statuses.includes(status);
                const count = c?.byStatus.find((b) => b.status === status)?.count;
                return (
                  <button
                    key={status}
                    type="button"
                    aria-pressed={pressed}
                    className={`chip status-${status.toLowerCase()}${pressed ? ' pressed' : ''}`}
                    onClick={() => setStatuses((s) => (pressed ? s.filter((x) => x !== status) : [...s, status]))}
                  >
                    {STATUS_LABEL[status]}
                    {count !== undefined ? <span className="chip-count">{count}</span> : null}
                  </button>
                );
              })}
            </fieldset>
            <label htmlFor="creator-filter">Creator</label>
            <select id="creator-filter" value={creator} onChange={(e) => setCreator(e.target.value)}>
              <option value="">Anyone</option>
              {creators.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </section>
        </div>

        <div className="dashboard-lists">
          {!tasks.loaded ? (
            <p className="muted">Loading tasks…</p>
          ) : (
            <>
              <TaskSection title="Active" testId="active-tasks" items={active} now={now} isNew={isNew} empty="Nothing in progress. Create a task to get started." />
              <TaskSection title="Completed" testId="completed-tasks" items={completed} now={now} isNew={isNew} empty="No merged or cancelled tasks yet." />
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function Count({ label, value, tone }: { label: string; value: number | undefined; tone: string }) {
  return (
    <div className={`count count-${tone}`} data-count={label.toLowerCase()}>
      <span className="count-value">{value ?? '–'}</span>
      <span className="count-label">{label}</span>
    </div>
  );
}

function TaskSection(props: {
  title: string;
  testId: string;
  items: ReturnType<typeof tasks.all>;
  now: number;
  isNew: (id: string) => boolean;
  empty: string;
}) {
  const headingId = `${props.testId}-heading`;
  return (
    <section className="card task-section" aria-labelledby={headingId} data-testid={props.testId}>
      <h2 id={headingId}>
        {props.title} <span className="muted">({props.items.length})</span>
      </h2>
      {props.items.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <ul className="task-list" aria-live="polite">
          {props.items.map((task) => (
            <TaskCard key={task.id} task={task} now={props.now} isNew={props.isNew(task.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}
