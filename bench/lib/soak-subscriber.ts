/**
 * A soak loader process (bench/soak.ts forks a few): dashboard-like subscribers, one graphql-ws
 * connection each, holding what the dashboard holds — taskUpdated from the run's start cursor,
 * dashboardCounts, and the timeline of one task, switched every 10–20 s to the newest task the
 * subscriber has seen (the user opening another task page).
 *
 * Checked as it arrives: taskUpdated and timeline cursors strictly increase, a timeline's
 * versions run 1, 2, 3… without a gap, counts' cursors and totals never go back. Any close,
 * subscription error or completion is a client error (the clients do not retry: a soak must not
 * need to). At the end (`final`) each subscriber's taskUpdated cursors up to the run's end are
 * compared with the ones the log says it may see. Controlled over IPC by soak.ts.
 */
import { readFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface SoakSubscriberArgs {
  wsUrl: string;
  /** One entry per subscriber: its user (a key of `expected` in `final`) and token. */
  subscribers: { user: string; token: string }[];
  /** taskUpdated starts after this cursor. */
  after: string;
}

/** soak.ts → loader. */
export type SoakCommand =
  | { cmd: 'stats' }
  | { cmd: 'final'; end: number; expected: Record<string, number[]>; timelines: Record<string, number[]>; waitMs: number }
  | { cmd: 'close' };

export interface SoakStats {
  type: 'stats';
  connected: number;
  deliveries: number;
  errors: string[];
}

export interface SoakFinal {
  type: 'final';
  checked: number;
  /** Events a subscriber may see that it did not get (up to the end cursor). */
  lost: number;
  /** Events it got twice, or got without being allowed to see them. */
  extra: number;
  outOfOrder: number;
  timelinesChecked: number;
  timelineMismatches: number;
  examples: string[];
}

const TASK_UPDATED = `subscription Soak($after: String) { taskUpdated(after: $after) { cursor event task { id status version } } }`;
const COUNTS = `subscription SoakCounts { dashboardCounts { active completed failed total cursor } }`;
const TIMELINE = `subscription SoakTimeline($taskId: ID!) { timeline(taskId: $taskId) { cursor version type } }`;

const args = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SoakSubscriberArgs;
let deliveries = 0;
const errors: string[] = [];
const fail = (what: string) => {
  if (errors.length < 100) errors.push(what);
};

interface Subscriber {
  user: string;
  client: Client;
  connected: boolean;
  updates: number[];
  outOfOrder: number;
  newestTask: string | null;
  timeline: { taskId: string; cursors: number[]; stop: () => void } | null;
  timer: NodeJS.Timeout | null;
  close: () => void;
}

function start(index: number, user: string, token: string): Subscriber {
  const client = createClient({
    url: args.wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
    onNonLazyError: () => {},
  });
  let closing = false;
  const s: Subscriber = {
    user,
    client,
    connected: false,
    updates: [],
    outOfOrder: 0,
    newestTask: null,
    timeline: null,
    timer: null,
    close: () => {
      closing = true;
      if (s.timer) clearTimeout(s.timer);
      void client.dispose();
    },
  };
  client.on('connected', () => (s.connected = true));
  client.on('closed', (e) => {
    s.connected = false;
    if (!closing) fail(`subscriber ${index} (${user}) closed: ${(e as { code?: number }).code} ${(e as { reason?: string }).reason ?? ''}`);
  });
  const sink = (what: string, next: (data: any) => void, stopped = () => false) => ({
    next: ({ data, errors: errs }: { data?: any; errors?: unknown }) => {
      if (errs) fail(`${what} of subscriber ${index}: ${JSON.stringify(errs).slice(0, 300)}`);
      if (!data) return;
      deliveries++;
      next(data);
    },
    error: (e: unknown) => closing || fail(`${what} of subscriber ${index} failed: ${JSON.stringify(e).slice(0, 300)}`),
    // graphql-ws completes the sink when we unsubscribe too: only an unasked completion is news.
    complete: () => closing || stopped() || fail(`${what} of subscriber ${index} completed by the server`),
  });

  client.subscribe(
    { query: TASK_UPDATED, variables: { after: args.after } },
    sink('taskUpdated', (d: { taskUpdated: { cursor: string; task: { id: string } } }) => {
      const cursor = Number(d.taskUpdated.cursor);
      if (s.updates.length > 0 && cursor <= s.updates[s.updates.length - 1]) s.outOfOrder++;
      s.updates.push(cursor);
      s.newestTask = d.taskUpdated.task.id;
    }),
  );
  let counts = { cursor: 0, total: 0 };
  client.subscribe(
    { query: COUNTS },
    sink('dashboardCounts', (d: { dashboardCounts: { cursor: string; total: number } }) => {
      const next = { cursor: Number(d.dashboardCounts.cursor), total: d.dashboardCounts.total };
      // Tasks are never deleted: neither the total nor the cursor it is exact for goes back.
      if (next.cursor < counts.cursor || next.total < counts.total) fail(`dashboardCounts of subscriber ${index} went back: ${JSON.stringify([counts, next])}`);
      counts = next;
    }),
  );
  const openTimeline = () => {
    const taskId = s.newestTask;
    if (taskId && taskId !== s.timeline?.taskId) {
      s.timeline?.stop();
      const cursors: number[] = [];
      let version = 0;
      let stopped = false;
      const unsubscribe = client.subscribe(
        { query: TIMELINE, variables: { taskId } },
        sink('timeline', (d: { timeline: { cursor: string; version: number } }) => {
          const cursor = Number(d.timeline.cursor);
          if (d.timeline.version !== version + 1) fail(`timeline ${taskId}: version ${d.timeline.version} after ${version}`);
          if (cursors.length > 0 && cursor <= cursors[cursors.length - 1]) fail(`timeline ${taskId}: cursor ${cursor} after ${cursors.at(-1)}`);
          version = d.timeline.version;
          cursors.push(cursor);
        }, () => stopped),
      );
      const stop = () => {
        stopped = true;
        unsubscribe();
      };
      s.timeline = { taskId, cursors, stop };
    }
    s.timer = setTimeout(openTimeline, 10_000 + Math.random() * 10_000);
  };
  s.timer = setTimeout(openTimeline, 1000 + Math.random() * 5000);
  return s;
}

const subscribers = args.subscribers.map((sub, i) => start(i, sub.user, sub.token));

/** Compare each subscriber's cursors up to `end` with what it may see. */
async function final(command: Extract<SoakCommand, { cmd: 'final' }>): Promise<SoakFinal> {
  const result: SoakFinal = { type: 'final', checked: 0, lost: 0, extra: 0, outOfOrder: 0, timelinesChecked: 0, timelineMismatches: 0, examples: [] };
  const example = (line: string) => result.examples.length < 10 && result.examples.push(line);
  // Whatever was committed up to `end` reaches every subscriber within the wait.
  const deadline = Date.now() + command.waitMs;
  const reached = (cursors: number[], last: number | undefined) =>
    last === undefined || (cursors.length > 0 && cursors[cursors.length - 1] >= last);
  const caughtUp = (s: Subscriber) =>
    reached(s.updates, command.expected[s.user]?.at(-1)) &&
    (!s.timeline || reached(s.timeline.cursors, command.timelines[s.timeline.taskId]?.at(-1)));
  while (Date.now() < deadline && !subscribers.every(caughtUp)) await new Promise((r) => setTimeout(r, 100));
  subscribers.forEach((s, i) => {
    const expected = command.expected[s.user] ?? [];
    const got = s.updates.filter((c) => c <= command.end);
    const want = new Set(expected);
    const have = new Set(got);
    const lost = expected.filter((c) => !have.has(c));
    const extra = got.length - got.filter((c) => want.has(c)).length + (got.length - have.size);
    result.checked++;
    result.lost += lost.length;
    result.extra += extra;
    result.outOfOrder += s.outOfOrder;
    if (lost.length || extra || s.outOfOrder) {
      example(`subscriber ${i} (${s.user}): ${lost.length} lost (first ${lost.slice(0, 5).join(', ')}), ${extra} extra, ${s.outOfOrder} out of order`);
    }
    const t = s.timeline;
    const full = t && command.timelines[t.taskId];
    if (t && full) {
      result.timelinesChecked++;
      const mine = t.cursors.filter((c) => c <= command.end);
      if (mine.join() !== full.join()) {
        result.timelineMismatches++;
        example(`subscriber ${i} timeline ${t.taskId}: got ${mine.length} events up to the end, the log has ${full.length}`);
      }
    }
  });
  return result;
}

process.on('message', (m: SoakCommand) => {
  if (m.cmd === 'stats') {
    const stats: SoakStats = { type: 'stats', connected: subscribers.filter((s) => s.connected).length, deliveries, errors: errors.splice(0) };
    process.send!(stats);
  } else if (m.cmd === 'final') {
    void final(m).then((r) => process.send!(r));
  } else if (m.cmd === 'close') {
    for (const s of subscribers) s.close();
    setTimeout(() => process.exit(0), 300);
  }
});
process.send!({ type: 'ready' });
