/**
 * What the two adapters (sqlite.ts, postgres.ts) share as an `EventStore`: every read that is
 * the same SQL in both, written once here over two primitives each adapter supplies — the rows
 * of a statement, and the rows of a statement with the log's head as of the same moment. A new
 * read is added here, once; the adapters keep their commit paths, the log read (`readAfter`,
 * tuned per database) and the writes only one dialect has.
 */
import type { AgentView, TaskStatus, TaskView } from '../machines/index.js';
import { toAgent, toDeadline, toRecord, toSearchPage, toTask, toTaskCounts, toTaskPage, type DeadlineRow, type ViewRow } from './rows.js';
import { readSql, type Dialect } from './sql.js';
import { searchPage, toCandidates, type Candidate, type CandidateRow } from './search-window.js';
import { searchRowsQuery, searchWindowQuery, taskCountQuery, taskPageQuery, taskSearchCountQuery } from './task-queries.js';
import type {
  ArchiveOptions,
  ArchivePass,
  Change,
  Deadline,
  EntityRecord,
  EventStore,
  LogEvent,
  ReadOptions,
  ReadResult,
  CountScope,
  TaskCounts,
  TaskPage,
  TaskQuery,
  Viewer,
} from './types.js';

/**
 * Raw access to the adapter's tables for `conveyor export` / `import` (transfer.ts): one
 * transaction on one connection, a consistent snapshot to read (`read`) or the whole import
 * (`write`, holding the store's write lock), ended with `end(true)` to commit or `end(false)`.
 * Values go in as the writers bind them (JSON as text, flags as 0/1); rows come back as the
 * driver gives them (rows.ts `json`, 0/1 or booleans).
 */
export interface TransferSession {
  readonly dialect: Dialect;
  rows<R>(sql: string, params?: unknown[]): Promise<R[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  end(commit: boolean): Promise<void>;
}

/**
 * An import's archived events on their way into the store's archive: `add` each (its export
 * line), `seal` before the import commits, then `committed` or `aborted` after.
 */
export interface ArchiveImport {
  add(cursor: number, line: string): Promise<void>;
  seal(): Promise<void>;
  committed(): Promise<void>;
  aborted(): Promise<void>;
}

export abstract class SqlStore implements EventStore {
  protected readonly sql: ReturnType<typeof readSql>;

  constructor(protected readonly dialect: Dialect) {
    this.sql = readSql(dialect);
  }

  /** The rows `sql` returns with these parameters. */
  protected abstract rows<R>(sql: string, params?: unknown[]): R[] | Promise<R[]>;
  /**
   * The rows `sql` returns and the log's head, as of one moment: a reader that applies the
   * events after `head` to the rows misses none and applies none twice.
   */
  protected abstract rowsAtHead<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; head: number }>;

  abstract commit(changes: Change[]): Promise<LogEvent[]>;
  abstract readAfter(cursor: number, options: ReadOptions): Promise<ReadResult>;
  abstract logBounds(): Promise<{ head: number; horizon: number }>;
  abstract archive(options: ArchiveOptions): Promise<ArchivePass | null>;
  /**
   * Every archived event as its export line (transfer-lines.ts), in the order the archive holds
   * them: SQLite's files by their first cursor, PostgreSQL's chunks likewise (each in cursor order).
   */
  abstract archivedLines(session?: TransferSession): AsyncIterable<string>;
  /** Where an import puts the archived events of an export made with them (transfer.ts). */
  abstract archiveImport(session: TransferSession): ArchiveImport;
  abstract dropDeadline(entityId: string, key: string, dueAt: number): Promise<void>;
  abstract claimOrphanedEffects(instanceId: string, deadAfterMs: number): Promise<EntityRecord[]>;
  abstract heartbeatInstance(instanceId: string): Promise<void>;
  abstract recordWebhookDelivery(id: string, outcome: string): Promise<void>;
  abstract allocateIssueNumber(key: string): Promise<number>;
  abstract ping(): Promise<void>;
  /** A transaction for export or import (transfer.ts); nothing else should write meanwhile. */
  abstract transfer(mode: 'read' | 'write'): Promise<TransferSession>;
  abstract close(): Promise<void>;

  private async first<R>(sql: string, params?: unknown[]): Promise<R | undefined> {
    return (await this.rows<R>(sql, params))[0];
  }

  /** The first row `sql` returns, decoded; null if none. */
  private async one<R, T>(sql: string, params: unknown[], decode: (row: R) => T): Promise<T | null> {
    const row = await this.first<R>(sql, params);
    return row === undefined ? null : decode(row);
  }

  async head(): Promise<number> {
    return (await this.first<{ head: number }>(this.sql.head))!.head;
  }

  async load(entityId: string): Promise<EntityRecord | null> {
    return this.one(this.sql.load, [entityId], toRecord);
  }

  async getTask(id: string): Promise<TaskView | null> {
    return this.one(this.sql.getTask, [id], toTask);
  }

  async listTasks(query: TaskQuery): Promise<TaskPage> {
    if (query.search !== undefined && query.search.length > 0) {
      // The head first: the rows read after it are as new or newer, and a subscription from it
      // brings every change after it (the client keeps the newest version of each task).
      const head = await this.head();
      const { page, hasNextPage } = await searchPage(query.first, query.searchAfter, (below) => this.searchWindow(query, below));
      const { sql, params } = searchRowsQuery(this.dialect, query.viewer, page.map((c) => c.seq));
      const rows = page.length === 0 ? [] : await this.rows<ViewRow & { seq: number | string }>(sql, params);
      return toSearchPage(page, rows, hasNextPage, head);
    }
    const { sql, params } = taskPageQuery(this.dialect, query);
    const { rows, head } = await this.rowsAtHead<ViewRow & { pos: number }>(sql, params);
    return toTaskPage(rows, query.first, head);
  }

  async countTasks(viewer: Viewer, scope: CountScope): Promise<TaskCounts> {
    if (scope.search !== undefined && scope.search.length > 0) {
      const { rows, head } = await this.searchCounts(viewer, scope, scope.search);
      return toTaskCounts(rows, head);
    }
    const { sql, params } = taskCountQuery(this.dialect, viewer, scope);
    const { rows, head } = await this.rowsAtHead<{ status: TaskStatus; n: number }>(sql, params);
    return toTaskCounts(rows, head);
  }

  /** One window of a search (search-window.ts): the newest `SEARCH_WINDOW` matches below `below`. */
  protected async searchWindow(query: TaskQuery, below: number | null): Promise<Candidate[]> {
    const { sql, params } = searchWindowQuery(this.dialect, query, below);
    return toCandidates(await this.rows<CandidateRow>(sql, params));
  }

  /** How many tasks a search matches per status, and the log's head as of that count. */
  protected searchCounts(viewer: Viewer, scope: CountScope, terms: readonly string[]): Promise<{ rows: { status: TaskStatus; n: number }[]; head: number }> {
    const { sql, params } = taskSearchCountQuery(this.dialect, viewer, scope, terms);
    return this.rowsAtHead<{ status: TaskStatus; n: number }>(sql, params);
  }

  async getAgent(id: string): Promise<AgentView | null> {
    return this.one(this.sql.getAgent, [id], toAgent);
  }

  async findAgentByName(org: string, name: string): Promise<AgentView | null> {
    return this.one(this.sql.agentByName, [org, name], toAgent);
  }

  async listAgents(org: string): Promise<AgentView[]> {
    return (await this.rows<ViewRow>(this.sql.listAgents, [org])).map(toAgent);
  }

  async listAgentsAt(org: string): Promise<{ agents: AgentView[]; logCursor: number }> {
    const { rows, head } = await this.rowsAtHead<ViewRow>(this.sql.listAgents, [org]);
    return { agents: rows.map(toAgent), logCursor: head };
  }

  async dueDeadlines(now: number, limit: number): Promise<Deadline[]> {
    return (await this.rows<DeadlineRow>(this.sql.due, [now, limit])).map(toDeadline);
  }

  async nextDeadlineAt(): Promise<number | null> {
    return (await this.first<{ due: number | null }>(this.sql.nextDue))!.due;
  }

  async listDispatchedTasks(limit: number): Promise<TaskView[]> {
    return (await this.rows<ViewRow>(this.sql.dispatched, [limit])).map(toTask);
  }

  async listAllAgents(): Promise<AgentView[]> {
    return (await this.rows<ViewRow>(this.sql.allAgents)).map(toAgent);
  }

  async findTaskByBranch(branch: string): Promise<TaskView | null> {
    return this.one(this.sql.byBranch, [branch], toTask);
  }

  async findTaskByIssueNumber(issueNumber: number): Promise<TaskView | null> {
    return this.one(this.sql.byIssue, [issueNumber], toTask);
  }

  async webhookDelivery(id: string): Promise<string | null> {
    return (await this.first<{ outcome: string }>(this.sql.delivery, [id]))?.outcome ?? null;
  }
}
