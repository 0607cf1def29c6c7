/**
 * Task use cases: validate, check who may do it, hand the machine event to the host, and build
 * the feeds subscriptions read. Resolvers call these and only shape the result.
 */
import { randomUUID } from 'node:crypto';
import type { AnyMachineSnapshot } from 'xstate';
import { badInput, forbidden, invalidTransition, notFound } from '../errors.js';
import { taskMachine, type TaskCommand, type TaskSessionModel, type TaskView } from '../machines/index.js';
import type { Feed } from '../runtime/feed.js';
import { committedView, type ActorHost, type Op } from '../runtime/host.js';
import type { EventStore, LogEvent, Viewer } from '../store/types.js';
import { parseCursor } from './cursor.js';
import { EventStream } from './stream.js';
import { TaskLists } from './task-lists.js';

import { parse, schemas } from './validate.js';
import { canReadTask } from './visibility.js';

export { parseSearch, type TaskFilterInput } from './task-lists.js';

/**
 * Machine events a user can send, with the GraphQL `TaskAction` each one is shown as. Probed with
 * `can()`, so guards decide too; ANSWER is probed with one answer per open question.
 */
const ACTION_PROBES: { action: string; event: (task: TaskView) => TaskCommand }[] = [
  {
    action: 'ANSWER',
    event: (task) => ({ type: 'ANSWER', answers: (task.clarifications.at(-1)?.questions ?? ['']).map(() => 'answer') }),
  },
  { action: 'CANCEL', event: () => ({ type: 'CANCEL' }) },
  { action: 'RETRY', event: () => ({ type: 'RETRY' }) },
  { action: 'START_CODING', event: (task) => ({ type: 'START_CODING', agentId: task.agentId ?? '', branch: 'b' }) },
  { action: 'REPORT_PR_OPENED', event: () => ({ type: 'PR_OPENED', number: 0, url: '', title: '' }) },
  { action: 'REPORT_PR_MERGED', event: () => ({ type: 'PR_MERGED', sha: '', mergedAt: '' }) },
  { action: 'REPORT_PR_CLOSED', event: () => ({ type: 'PR_CLOSED' }) },
  { action: 'FAIL', event: () => ({ type: 'FAIL', error: '' }) },
];

/** Task commands, reads of one task and its timeline; the lists and counts are TaskLists'. */
export class TaskService extends TaskLists {
  constructor(
    store: EventStore,
    private readonly host: ActorHost,
    feed: Feed,
  ) {
    super(store, feed);
  }

  async create(viewer: Viewer, rawInput: unknown): Promise<TaskView> {
    const input = parse(schemas.createTask, rawInput, 'input');
    const id = randomUUID();
    const events = await this.host.execute(
      [
        {
          kind: 'create',
          entityType: 'task',
          id,
          input: {
            id,
            title: input.title,
            description: input.description,
            private: input.private,
            creator: { id: viewer.id, name: viewer.name },
            org: viewer.org,
            createdAt: new Date().toISOString(),
            budgetMicros: input.budgetMicros,
          },
        },
      ],
      viewer.name,
    );
    return committedView(events, 'task', id);
  }

  /** A task the viewer may read, or NOT_FOUND (an invisible task is reported as missing). */
  async get(viewer: Viewer, id: string): Promise<TaskView | null> {
    const task = await this.store.getTask(id);
    if (!task || !canReadTask(viewer, task)) return null;
    return task;
  }

  async require(viewer: Viewer, id: string): Promise<TaskView> {
    const task = await this.get(viewer, id);
    if (!task) throw notFound('Task', id);
    return task;
  }

  async answer(viewer: Viewer, taskId: string, answers: unknown): Promise<TaskView> {
    const parsed = parse(schemas.answers, answers, 'answers');
    const task = await this.requireOwn(viewer, taskId, 'answer its questions');
    const open = task.clarifications.at(-1);
    if (task.status === 'needs_clarification' && open && parsed.length !== open.questions.length) {
      throw badInput(
        `answers must have one answer for each of the ${open.questions.length} open questions (got ${parsed.length})`,
        { expected: open.questions.length, got: parsed.length },
      );
    }
    return this.send(viewer.name, task.id, { type: 'ANSWER', answers: parsed });
  }

  async cancel(viewer: Viewer, taskId: string, reason: unknown): Promise<TaskView> {
    const why = parse(schemas.reason, reason, 'reason');
    const task = await this.requireOwn(viewer, taskId, 'cancel it');
    return this.send(viewer.name, task.id, why ? { type: 'CANCEL', reason: why } : { type: 'CANCEL' });
  }

  async retry(viewer: Viewer, taskId: string): Promise<TaskView> {
    const task = await this.requireOwn(viewer, taskId, 'retry it');
    return this.send(viewer.name, task.id, { type: 'RETRY' });
  }

  /** The agent the orchestrator assigned starts coding; only its owner (the worker) may say so. */
  async startCoding(viewer: Viewer, taskId: string, agentId: string, branch: unknown): Promise<TaskView> {
    const branchName = parse(schemas.branch, branch, 'branch');
    const task = await this.require(viewer, taskId);
    await this.requireOwnAgent(viewer, agentId);
    if (task.agentId !== agentId && task.status === 'dispatched') {
      throw invalidTransition('Task', taskId, 'dispatched', 'START_CODING (it is not assigned to this agent)');
    }
    return this.send(viewer.name, taskId, { type: 'START_CODING', agentId, branch: branchName }, [
      {
        kind: 'send',
        entityType: 'agent',
        id: agentId,
        event: { type: 'REPORT', taskId, report: 'coding_started', message: `branch ${branchName}`, branch: branchName, percent: null, at: new Date().toISOString() },
        optional: true,
      },
    ]);
  }

  async progress(viewer: Viewer, taskId: string, agentId: string, message: unknown, percent: unknown): Promise<TaskView> {
    const event: TaskCommand = {
      type: 'PROGRESS',
      message: parse(schemas.progressMessage, message, 'message'),
      percent: parse(schemas.percent, percent ?? null, 'percent'),
    };
    await this.requireWorkedBy(viewer, taskId, agentId);
    return this.send(viewer.name, taskId, event, [
      {
        kind: 'send',
        entityType: 'agent',
        id: agentId,
        event: { type: 'REPORT', taskId, report: 'progress', message: event.message, percent: event.percent, at: new Date().toISOString() },
        optional: true,
      },
    ]);
  }

  /**
   * The worker gives its task back (shutdown): task to the queue and agent idle, atomically (the
   * requeued task frees its agent).
   */
  async release(viewer: Viewer, taskId: string, agentId: string, reason: unknown, code?: unknown): Promise<TaskView> {
    const why = parse(schemas.reason, reason, 'reason') || 'released by its worker';
    const coded = parse(schemas.failureCode, code, 'code');
    await this.requireWorkedBy(viewer, taskId, agentId);
    return this.send(viewer.name, taskId, { type: 'REQUEUE', reason: why, cause: 'released', ...(coded ? { code: coded } : {}) });
  }

  /** An iteration of the agent's session; like progress, it proves the work moves (stuck watch). */
  async iteration(viewer: Viewer, taskId: string, agentId: string, n: unknown, summary: unknown): Promise<TaskView> {
    const event: TaskCommand = {
      type: 'ITERATION',
      agentId,
      n: parse(schemas.iteration, n, 'n'),
      summary: parse(schemas.summary, summary, 'summary'),
    };
    await this.requireWorkedBy(viewer, taskId, agentId);
    return this.send(viewer.name, taskId, event, [
      {
        kind: 'send',
        entityType: 'agent',
        id: agentId,
        event: { type: 'REPORT', taskId, report: 'progress', message: `iteration ${event.n}: ${event.summary}`, percent: null, at: new Date().toISOString() },
        optional: true,
      },
    ]);
  }

  /** What the agent spent since its last report; the task machine holds the task at its budget. */
  async usage(viewer: Viewer, taskId: string, agentId: string, usage: unknown): Promise<TaskView> {
    const spent = parse(schemas.usage, usage, 'usage');
    await this.requireWorkedBy(viewer, taskId, agentId);
    return this.send(viewer.name, taskId, { type: 'USAGE', agentId, ...spent });
  }

  async setBudget(viewer: Viewer, taskId: string, budgetMicros: unknown): Promise<TaskView> {
    const budget = parse(schemas.budgetMicros, budgetMicros ?? null, 'budgetMicros');
    const task = await this.requireOwn(viewer, taskId, 'set its budget');
    return this.send(viewer.name, task.id, { type: 'SET_BUDGET', budgetMicros: budget });
  }

  /**
   * The agent's sessions on tasks the viewer may read, newest first: the tasks its timeline says
   * it was assigned, each task's sessions of this agent.
   */
  async agentSessions(viewer: Viewer, agentId: string, first: unknown): Promise<TaskSessionModel[]> {
    const limit = parse(schemas.pageSize, first, 'first');
    const agent = await this.store.getAgent(agentId);
    if (!agent || agent.org !== viewer.org) throw notFound('Agent', agentId);
    const taskIds: string[] = [];
    for (let after = 0; ; ) {
      const { events } = await this.store.readAfter(after, { entityId: agentId, limit: 500 });
      for (const e of events) if (e.type === 'TASK_ASSIGNED' && typeof e.payload?.taskId === 'string') taskIds.push(e.payload.taskId);
      if (events.length < 500) break;
      after = events.at(-1)!.cursor;
    }
    const sessions: TaskSessionModel[] = [];
    for (const taskId of [...new Set(taskIds.reverse())]) {
      const task = await this.get(viewer, taskId);
      for (const s of task?.sessions ?? []) if (s.agentId === agentId) sessions.push({ ...s, taskId });
      if (sessions.length >= limit) break;
    }
    // Newest first (a running session starts after every ended one of the same agent).
    return sessions.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }

  async prOpened(viewer: Viewer, taskId: string, pr: { number: unknown; url: unknown; title: unknown }): Promise<TaskView> {
    const event: TaskCommand = {
      type: 'PR_OPENED',
      number: parse(schemas.prNumber, pr.number, 'number'),
      url: parse(schemas.url, pr.url, 'url'),
      title: parse(schemas.prTitle, pr.title, 'title'),
    };
    await this.require(viewer, taskId);
    return this.send(viewer.name, taskId, event);
  }

  async prMerged(viewer: Viewer, taskId: string, sha: unknown, mergedAt: unknown): Promise<TaskView> {
    const event: TaskCommand = {
      type: 'PR_MERGED',
      sha: parse(schemas.sha, sha, 'sha'),
      // The DateTime scalar has already parsed and validated it into a Date.
      mergedAt:
        mergedAt instanceof Date
          ? mergedAt.toISOString()
          : mergedAt === null || mergedAt === undefined
            ? new Date().toISOString()
            : new Date(parse(schemas.dateTime, mergedAt, 'mergedAt')).toISOString(),
    };
    await this.require(viewer, taskId);
    return this.send(viewer.name, taskId, event);
  }

  async prClosed(viewer: Viewer, taskId: string): Promise<TaskView> {
    await this.require(viewer, taskId);
    return this.send(viewer.name, taskId, { type: 'PR_CLOSED' });
  }

  async fail(viewer: Viewer, taskId: string, error: unknown, more: { code?: unknown; details?: unknown; logsUrl?: unknown } = {}): Promise<TaskView> {
    const message = parse(schemas.error, error, 'error');
    const code = parse(schemas.failureCode, more.code, 'code');
    const details = parse(schemas.failureDetails, more.details, 'details');
    const logsUrl = more.logsUrl === null || more.logsUrl === undefined ? null : parse(schemas.url, more.logsUrl, 'logsUrl');
    await this.require(viewer, taskId);
    return this.send(viewer.name, taskId, { type: 'FAIL', error: message, ...(code ? { code } : {}), ...(details ? { details } : {}), ...(logsUrl ? { logsUrl } : {}) });
  }

  /** Actions the machine accepts in the task's current state. */
  availableActions(task: TaskView): string[] {
    const snapshot = taskMachine.resolveState({
      value: task.stateValue,
      context: { ...task, attempts: 0 },
    } as never) as AnyMachineSnapshot;
    return ACTION_PROBES.filter(({ event }) => snapshot.can(event(task))).map((p) => p.action);
  }

  async timeline(viewer: Viewer, taskId: string, after: string | null | undefined, first: number): Promise<LogEvent[]> {
    await this.require(viewer, taskId);
    const { events } = await this.store.readAfter(parseCursor(after) ?? 0, {
      entityId: taskId,
      limit: parse(schemas.pageSize, first, 'first'),
    });
    return events;
  }

  async timelineStream(viewer: Viewer, taskId: string, after: string | null | undefined) {
    await this.require(viewer, taskId);
    // One task's history is never expired: what retention archived of it is served compact.
    const start = after === null || after === undefined ? 0 : await this.startCursor(after, { horizon: false });
    const cursor = this.feed.subscribe({
      after: start,
      entityId: taskId,
      filter: (e) => e.entityId === taskId,
    });
    return new EventStream(cursor);
  }

  private async requireOwnAgent(viewer: Viewer, agentId: string) {
    const agent = await this.store.getAgent(agentId);
    if (!agent || agent.org !== viewer.org) throw notFound('Agent', agentId);
    if (agent.ownerId !== viewer.id) throw forbidden('Only the worker that registered this agent may act for it');
    return agent;
  }

  /** A task the viewer may see, currently held by the viewer's agent `agentId`. */
  async requireWorkedBy(viewer: Viewer, taskId: string, agentId: string): Promise<TaskView> {
    const task = await this.require(viewer, taskId);
    await this.requireOwnAgent(viewer, agentId);
    if (task.agentId !== agentId) {
      throw invalidTransition('Task', taskId, task.status, `a report from agent ${agentId}, which does not hold it`);
    }
    return task;
  }

  /**
   * An event from a trusted system (a verified webhook): no viewer, so no visibility check.
   * Ending events free the agent in the same transaction, as for user commands.
   */
  async applyExternal(taskId: string, event: TaskCommand, actor: string): Promise<TaskView> {
    return this.send(actor, taskId, event);
  }

  private async requireOwn(viewer: Viewer, taskId: string, what: string): Promise<TaskView> {
    const task = await this.require(viewer, taskId);
    if (task.creator.id !== viewer.id) throw forbidden(`Only the task's creator may ${what}`);
    return task;
  }

  /**
   * Apply `event` to the task as `actor` (the name its timeline shows), and answer with the task
   * as that commit left it. A task that stops needing its agent frees it in the same transaction:
   * the task machine says so (src/machines/task.ts, `releaseAgent`), not the callers.
   */
  private async send(actor: string, taskId: string, event: TaskCommand, also: Op[] = []): Promise<TaskView> {
    const ops: Op[] = [{ kind: 'send', entityType: 'task', id: taskId, event }, ...also];
    return committedView(await this.host.execute(ops, actor), 'task', taskId);
  }
}
