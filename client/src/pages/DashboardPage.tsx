import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSubscription } from 'urql';
import { ALL_STATUSES, STATUS_LABEL } from '../components/StatusBadge';
import { CreateTaskForm } from '../components/CreateTaskForm';
import { TaskCard } from '../components/TaskCard';
import { graphql } from '../gql';
import type { DashboardCountsSubscription, TaskFilter, TaskScope, TaskStatus } from '../gql/graphql';
import { useSession, type Viewer } from '../lib/session';
import { countGroups, GROUPS, groupTasks, type GroupCounts, type GroupInfo } from '../lib/status-groups';
import { useNow } from '../lib/time';
import { useStore } from '../lib/versioned-store';
import { tasks, type LiveTask } from '../stores';

const Counts = graphql(`
  subscription DashboardCounts($filter: TaskFilter) {
    dashboardCounts(filter: $filter) {
      cursor
      byStatus {
        status
        count
      }
    }
  }
`);

type CountsValue = DashboardCountsSubscription['dashboardCounts'];

const NEW_FOR_MS = 8000;

/**
 * What the dashboard may list: exactly what the server counts (src/services/visibility.ts
 * `canSeeTask`). The store can also hold a private task read by id through an agent's grant;
 * that one is readable on its page but belongs to nobody's lists or counts but its creator's.
 */
function listable(task: LiveTask, viewer: Viewer): boolean {
  return task.creator.id === viewer.id || (task.org === viewer.org && !task.private);
}

/**
 * The counts subscription for one filter. Keyed by that filter, so a new filter starts from
 * nothing ("–") instead of showing the previous filter's figures until the first message.
 */
function CountsFeed({ filter, filterKey, onCounts }: { filter: TaskFilter; filterKey: string; onCounts: (key: string, value: CountsValue) => void }) {
  const [{ data }] = useSubscription({ query: Counts, variables: { filter } });
  useEffect(() => {
    if (data) onCounts(filterKey, data.dashboardCounts);
  }, [data, filterKey, onCounts]);
  return null;
}

export function DashboardPage() {
  const viewer = useSession()!.viewer;
  const all = useStore(tasks);
  const now = useNow(1000);
  const [scope, setScope] = useState<TaskScope>('ALL');
  const [statuses, setStatuses] = useState<TaskStatus[]>([]);
  const [creator, setCreator] = useState('');

  // The cards follow the same scope and creator as the lists (server side); the status chips
  // are applied to the per-status counts here, the same way the lists apply them.
  const filter = useMemo<TaskFilter>(() => (creator ? { scope, creatorId: creator } : { scope }), [scope, creator]);
  const filterKey = `${scope}|${creator}`;
  const [counts, setCounts] = useState<{ key: string; value: CountsValue } | null>(null);
  const onCounts = useCallback((key: string, value: CountsValue) => setCounts({ key, value }), []);
  const current = counts?.key === filterKey ? counts.value : undefined;
  const cards: GroupCounts | undefined = current ? countGroups(current.byStatus, statuses) : undefined;

  const listed = useMemo(() => all.filter((t) => listable(t, viewer)), [all, viewer]);
  const creators = useMemo(() => {
    const byId = new Map(listed.map((t) => [t.creator.id, t.creator.name]));
    return [...byId.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }, [listed]);

  const visible = useMemo(
    () =>
      listed
        .filter((t) => scope === 'ALL' || t.creator.id === viewer.id)
        .filter((t) => statuses.length === 0 || statuses.includes(t.status))
        .filter((t) => creator === '' || t.creator.id === creator)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [listed, scope, statuses, creator, viewer.id],
  );
  const lists = groupTasks(visible);
  const isNew = (id: string) => now - (tasks.arrivedAt.get(id) ?? 0) < NEW_FOR_MS;
  const creatorName = creators.find(([id]) => id === creator)?.[1] ?? creator;
  const scopeText = [
    scope === 'ALL' ? `All tasks you can see in ${viewer.org}` : 'Your tasks',
    creator ? `created by ${creatorName}` : null,
    statuses.length > 0 ? `with status ${statuses.map((s) => STATUS_LABEL[s]).join(', ')}` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const shownTotal = visible.length;
  const partial = tasks.truncated && cards !== undefined && shownTotal < cards.total;

  return (
    <div className="dashboard">
      <CountsFeed key={filterKey} filter={filter} filterKey={filterKey} onCounts={onCounts} />
      <section aria-label="Counts" className="counts-block">
        <p className="counts-scope muted" data-testid="counts-scope">
          {scopeText}
        </p>
        <div className="counts">
          {GROUPS.map((group) => (
            <Count key={group.key} group={group.key} label={group.label} title={`Tasks ${group.holds}`} value={cards?.[group.key]} tone={group.tone} />
          ))}
          <Count group="total" label="Total" title="Active + completed + failed + cancelled" value={cards?.total} tone="total" />
        </div>
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
                const count = current?.byStatus.find((b) => b.status === status)?.count;
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
              {partial ? (
                <p role="status" className="banner partial" data-testid="partial-list">
                  Showing {shownTotal} of {cards!.total} tasks: the newest 200 when the page loaded, and every task that changed since.
                  The counts cover all of them.
                </p>
              ) : null}
              {GROUPS.map((group) => (
                <TaskSection
                  key={group.key}
                  group={group}
                  items={lists[group.key]}
                  counted={cards?.[group.key]}
                  partial={tasks.truncated}
                  filtered={statuses.length > 0}
                  now={now}
                  isNew={isNew}
                />
              ))}
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function Count({ group, label, title, value, tone }: { group: string; label: string; title: string; value: number | undefined; tone: string }) {
  return (
    <div className={`count count-${tone}`} data-count={group} title={title}>
      <span className="count-value">{value ?? '–'}</span>
      <span className="count-label">{label}</span>
    </div>
  );
}

function TaskSection(props: {
  group: GroupInfo;
  items: LiveTask[];
  /** The card's figure for this list (same scope and filters). */
  counted: number | undefined;
  /** The store holds only part of the tasks (first page + changes). */
  partial: boolean;
  filtered: boolean;
  now: number;
  isNew: (id: string) => boolean;
}) {
  const { group, items } = props;
  const testId = `${group.key}-tasks`;
  const headingId = `${testId}-heading`;
  const short = props.partial && props.counted !== undefined && items.length < props.counted;
  return (
    <section className={`card task-section section-${group.tone}`} aria-labelledby={headingId} data-testid={testId} data-group={group.key}>
      <h2 id={headingId}>
        {group.label}{' '}
        <span className="muted" data-testid={`${testId}-count`} data-count={items.length}>
          ({short ? `showing ${items.length} of ${props.counted}` : items.length})
        </span>
        <span className="section-holds muted"> · {group.holds}</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted">
          {short
            ? `${props.counted} ${group.label.toLowerCase()}, none of them among the tasks loaded here.`
            : props.filtered
              ? `No ${group.label.toLowerCase()} tasks with the selected statuses.`
              : group.empty}
        </p>
      ) : (
        <ul className="task-list" aria-live="polite">
          {items.map((task) => (
            <TaskCard key={task.id} task={task} now={props.now} isNew={props.isNew(task.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}
