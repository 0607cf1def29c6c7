/**
 * Task-log use cases: a worker appends what its command printed to its running session; whoever
 * may read the task reads and follows its log. Stored beside the event log (src/logs/), masked
 * first; the session is the task's (its running one, of the agent that sends).
 */
import { badInput, invalidTransition } from '../errors.js';
import { maskSecrets } from '../logs/mask.js';
import type { LogFeed } from '../logs/log-feed.js';
import { LogTail } from '../logs/log-tail.js';
import type { LogLine, LogStore, NewLogLine, SessionLog } from '../logs/types.js';
import { runningSession } from '../machines/index.js';
import type { Viewer } from '../store/types.js';
import { parseCursor } from './cursor.js';
import type { TaskService } from './tasks.js';
import { LIMITS, parse, schemas } from './validate.js';

const CUT = ' … [line cut at 8,000 characters]';

export class LogService {
  constructor(
    private readonly tasks: TaskService,
    private readonly store: LogStore,
    private readonly feed: LogFeed,
    private readonly maxBytesPerSession: number,
  ) {}

  async append(viewer: Viewer, taskId: string, agentId: string, rawLines: unknown): Promise<{ cursor: number; lines: number; dropped: number }> {
    const lines = parse(schemas.logLines, rawLines, 'lines');
    const task = await this.tasks.requireWorkedBy(viewer, taskId, agentId);
    const session = runningSession(task.sessions);
    if (!session || session.agentId !== agentId) {
      throw invalidTransition('Task', taskId, task.status, `log lines from agent ${agentId}, which has no running session on it`);
    }
    const now = Date.now();
    const batch: NewLogLine[] = lines.map((l) => {
      const text = l.text.length > LIMITS.logLine ? l.text.slice(0, LIMITS.logLine) + CUT : l.text;
      return { stream: l.stream === 'stderr' ? 'stderr' : 'stdout', text: maskSecrets(text.replace(/\r?\n/g, ' ')), at: l.at ? l.at.getTime() : now };
    });
    const result = await this.store.append(taskId, session.attempt, batch, this.maxBytesPerSession);
    this.feed.ring(taskId);
    return { cursor: result.cursor, lines: batch.length, dropped: result.dropped };
  }

  async read(
    viewer: Viewer,
    taskId: string,
    attempt: number | null | undefined,
    after: string | null | undefined,
    first: number,
    last?: number | null,
  ): Promise<{ lines: LogLine[]; sessions: SessionLog[] }> {
    await this.tasks.require(viewer, taskId);
    if (last !== null && last !== undefined && after !== null && after !== undefined) throw badInput('give "after" or "last", not both', { argument: 'last' });
    const lines =
      last !== null && last !== undefined
        ? await this.store.readLast(taskId, parse(schemas.pageSize, last, 'last'), attempt)
        : await this.store.read(taskId, { after: parseCursor(after) ?? 0, limit: parse(schemas.pageSize, first, 'first'), attempt });
    return { lines, sessions: await this.store.sessions(taskId) };
  }

  async tail(viewer: Viewer, taskId: string, attempt: number | null | undefined, after: string | null | undefined): Promise<LogTail> {
    await this.tasks.require(viewer, taskId);
    return new LogTail(this.store, this.feed, taskId, attempt ?? null, parseCursor(after) ?? 0);
  }
}
