/**
 * The task page's live log, like a CI job's: every line its agents' commands printed, per session
 * or all, from the start and then live (the subscription resumes after its last cursor when the
 * connection comes back). Following keeps the newest line in view; scrolling up, or Pause, stops
 * following and counts what arrives meanwhile.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useSubscription } from 'urql';
import { graphql } from '../gql';
import type { TaskLogsSubscription } from '../gql/graphql';

const TaskLogsSub = graphql(`
  subscription TaskLogs($taskId: ID!, $attempt: Int, $after: String) {
    taskLogs(taskId: $taskId, attempt: $attempt, after: $after) {
      cursor
      attempt
      stream
      text
      at
    }
  }
`);

type Line = TaskLogsSubscription['taskLogs'];
/** Lines kept in the page; a longer log shows its newest. */
const SHOWN = 2_000;

export function TaskLogs({ taskId, attempts }: { taskId: string; attempts: number[] }) {
  const [attempt, setAttempt] = useState<number | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [total, setTotal] = useState(0);
  const [following, setFollowing] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const followingRef = useRef(following);
  followingRef.current = following;

  useEffect(() => {
    setLines([]);
    setTotal(0);
    setUnseen(0);
  }, [taskId, attempt]);

  useSubscription({ query: TaskLogsSub, variables: { taskId, attempt, after: null } }, (_prev, message) => {
    const line = message.taskLogs;
    setLines((list) => {
      // A line already shown (a resumed stream) is never shown twice.
      if (list.length > 0 && Number(list[list.length - 1].cursor) >= Number(line.cursor)) return list;
      const next = list.length >= SHOWN ? [...list.slice(list.length - SHOWN + 1), line] : [...list, line];
      return next;
    });
    setTotal((n) => n + 1);
    if (!followingRef.current) setUnseen((n) => n + 1);
    return message;
  });

  // Following: the newest line stays in view.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines, following]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
    if (!atBottom && following) setFollowing(false);
  };
  const follow = () => {
    setFollowing(true);
    setUnseen(0);
  };

  return (
    <section className="card logs-card" aria-labelledby="logs-heading">
      <div className="logs-head">
        <h2 id="logs-heading">Log</h2>
        <label>
          Session{' '}
          <select value={attempt ?? ''} onChange={(e) => setAttempt(e.target.value === '' ? null : Number(e.target.value))} aria-label="Session">
            <option value="">all</option>
            {attempts.map((n) => (
              <option key={n} value={n}>
                #{n}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="log-count">
          {total.toLocaleString('en')} line{total === 1 ? '' : 's'}
          {total > lines.length ? ` (newest ${lines.length.toLocaleString('en')} shown)` : ''}
        </span>
        {following ? (
          <button type="button" className="button" onClick={() => setFollowing(false)}>
            Pause
          </button>
        ) : (
          <button type="button" className="button primary" onClick={follow}>
            Follow{unseen > 0 ? ` (${unseen.toLocaleString('en')} new)` : ''}
          </button>
        )}
      </div>
      <div className="log-box" ref={box} onScroll={onScroll} role="log" aria-live="off" aria-label="Task log" data-following={following}>
        {lines.length === 0 ? (
          <p className="muted">No output yet. A worker's --exec command's lines appear here as it prints them.</p>
        ) : (
          lines.map((l) => (
            <div key={l.cursor} className={`log-line log-${l.stream.toLowerCase()}`} data-cursor={l.cursor}>
              <time dateTime={l.at}>{new Date(l.at).toLocaleTimeString()}</time>
              {attempt === null && attempts.length > 1 ? <span className="log-attempt">#{l.attempt}</span> : null}
              <span className="log-text">{l.text}</span>
            </div>
          ))
        )}
      </div>
    </section>
  );
}
