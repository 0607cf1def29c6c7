/**
 * `conveyor export` / `conveyor import`: a store's log and the rows the log alone does not
 * rebuild cheaply, as NDJSON, from either adapter into an empty one of either (SQLite →
 * PostgreSQL too). The CLI (src/cli/transfer.ts) only opens the store and the file.
 *
 * The format (`conveyor-export`, version 2), one JSON object a line:
 * - a header: `{"format","version","dialect","schemaVersion","head","horizon","exportedAt"}`
 *   (`horizon`: retention's log horizon, 0 or absent when nothing was archived);
 * - every event in cursor order (`"kind":"event"`, every column, camelCased);
 * - with `archived` (`conveyor export --archived`), every archived event (retention, retention.ts)
 *   as `"kind":"archivedEvent"`, the same fields with a whole view, in the archive's order;
 * - the current rows of `entities` (state and pending effects), `tasks` and `agents` (the read
 *   models, with each task's `seq`: rebuilding them would mean replaying every event),
 *   `deadlines`, `local_issues` and `webhook_deliveries`, and what retention keeps of archived
 *   entities (`archived_entities`, `compact_timeline`), each in key order;
 * - a trailer `{"kind":"end","rows":{kind: count}}`, so a truncated file is refused.
 *
 * Rows go as stored: an event's `state` is its entity's whole view or a patch from the version
 * before it, an entity's `state` a patch against its read-model view (view-patch.ts). Version 2
 * says so; version 1 files (whole views everywhere, before the leaner log) import as they are,
 * since a whole view reads as a keyframe.
 *
 * Not exported: the task counters (`task_counts`, `org_task_counts`), recounted from the
 * imported tasks as migration 5 fills them; each task's `updated_seq`, from the imported log as
 * migration 7 fills it; `schema_migrations` (the target's own); PostgreSQL's
 * `instances` (live processes, not data). JSON columns are written parsed; flags as booleans.
 *
 * Import takes one transaction on the target (`SqlStore.transfer`): it refuses a store with any
 * row, checks every line (zod, cursor order, the trailer's counts) as it inserts, and on the
 * first bad line rolls back and reports its number: nothing is left half-imported. Cursors,
 * versions, task sequences and issue numbers are inserted as they were, and the target's
 * sequences set past them (SQLite's AUTOINCREMENT follows explicit ids by itself).
 *
 * With retention, what round-trips is the log as kept: every remaining event with its cursor,
 * the horizon (so a cursor that expired before the export expires after the import too), and
 * the compact timelines. The archive itself (SQLite's files, PostgreSQL's `event_archive`) comes
 * along only with `--archived`, and import puts those events into the target's archive.
 *
 * Both read in pages by key: memory does not grow with the store.
 */
import { z } from 'zod';
import type { TaskView } from '../machines/index.js';
import { json } from './rows.js';
import { FILL_UPDATED_SEQ } from './schema.js';
import { scopeWords, searchDoc, statusWord } from './search.js';
import { createPartitionSql, indexRowSql, PARTITION_TASKS } from './search-partitions.js';
import { writeSql } from './sql.js';
import type { ArchiveImport, SqlStore, TransferSession } from './sql-store.js';
import { EVENTS_TABLE, lineSchema, TABLES, toLine, toParams, type Table } from './transfer-lines.js';

export const FORMAT = 'conveyor-export';
export const FORMAT_VERSION = 2;
/** The versions import reads: 1's rows are 2's without patches. */
const READS_VERSIONS = [1, 2];
/** Rows per page read. */
const PAGE = 1000;

/** A bad input or a refused target: the message says which line and why. */
export class TransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

const HEADER = z.strictObject({
  format: z.literal(FORMAT),
  version: z.number().int(),
  dialect: z.enum(['sqlite', 'postgres']),
  schemaVersion: z.number().int(),
  head: z.number().int().nonnegative(),
  horizon: z.number().int().nonnegative().optional(),
  exportedAt: z.string(),
});
export type ExportHeader = z.infer<typeof HEADER>;

const LINES = new Map(TABLES.map((table) => [table.kind, { table, schema: lineSchema(table) }]));
/** An archived event's line (`--archived`): an event line of another kind. */
const ARCHIVED = 'archivedEvent';
const ARCHIVED_LINE = lineSchema({ ...EVENTS_TABLE, kind: ARCHIVED });

const END = z.strictObject({ kind: z.literal('end'), rows: z.record(z.string(), z.number().int().nonnegative()) });

/** The rows of `table` after `last` (its key's values), in key order. */
function pageSql(session: TransferSession, table: Table, last: unknown[] | null): { sql: string; params: unknown[] } {
  const p = (n: number) => session.dialect.param(n);
  const [a, b] = table.key;
  const params: unknown[] = [];
  let where = '';
  if (last) {
    if (b === undefined) {
      where = `WHERE ${a} > ${p(1)}`;
      params.push(last[0]);
    } else {
      where = `WHERE ${a} > ${p(1)} OR (${a} = ${p(2)} AND ${b} > ${p(3)})`;
      params.push(last[0], last[0], last[1]);
    }
  }
  params.push(PAGE);
  const sql = `SELECT ${Object.keys(table.columns).join(', ')} FROM ${table.source ?? table.table} ${where} ORDER BY ${table.key.join(', ')} LIMIT ${p(params.length)}`;
  return { sql, params };
}

/** Every row of `table`, page by page. */
async function* tableRows(session: TransferSession, table: Table): AsyncGenerator<Record<string, unknown>> {
  let last: unknown[] | null = null;
  for (;;) {
    const { sql, params } = pageSql(session, table, last);
    const rows = await session.rows<Record<string, unknown>>(sql, params);
    yield* rows;
    if (rows.length < PAGE) return;
    const row = rows.at(-1)!;
    last = table.key.map((column) => row[column]);
  }
}

/**
 * The store as NDJSON lines (each without its newline), from one snapshot: the header, every
 * table, the trailer. `exportedAt` is the header's time (a parameter, for tests).
 */
export async function* exportLines(store: SqlStore, exportedAt = new Date().toISOString(), options: { archived?: boolean } = {}): AsyncGenerator<string> {
  const session = await store.transfer('read');
  try {
    const [{ head }] = await session.rows<{ head: number }>(`SELECT coalesce(max(cursor), 0) AS head FROM ${session.dialect.log}`);
    const [{ v }] = await session.rows<{ v: number | null }>(`SELECT max(version) AS v FROM schema_migrations`);
    const [{ horizon }] = await session.rows<{ horizon: number }>(`SELECT horizon FROM log_horizon`);
    const header: ExportHeader = {
      format: FORMAT, version: FORMAT_VERSION, dialect: session.dialect.name, schemaVersion: Number(v ?? 0), head: Number(head), horizon: Number(horizon), exportedAt,
    };
    yield JSON.stringify(header);
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      counts[table.kind] = 0;
      for await (const row of tableRows(session, table)) {
        counts[table.kind]++;
        yield JSON.stringify(toLine(table, row));
      }
      if (table === EVENTS_TABLE && options.archived) {
        // After the snapshot began: a pass that ends meanwhile may put an event in both; the
        // import keeps the log's (never one in neither: a pass seals its file before deleting).
        counts[ARCHIVED] = 0;
        for await (const line of store.archivedLines(session)) {
          counts[ARCHIVED]++;
          yield JSON.stringify({ ...(JSON.parse(line) as object), kind: ARCHIVED });
        }
      }
    }
    yield JSON.stringify({ kind: 'end', rows: counts });
  } finally {
    await session.end(false);
  }
}

export interface ImportSummary {
  header: ExportHeader;
  rows: Record<string, number>;
}

function zodReason(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}

/**
 * Import NDJSON lines into `store`, which must be empty, in one transaction: all of it or, at
 * the first bad line, nothing (a `TransferError` naming the line).
 */
export async function importLines(store: SqlStore, lines: AsyncIterable<string> | Iterable<string>): Promise<ImportSummary> {
  const session = await store.transfer('write');
  let committed = false;
  try {
    for (const table of TABLES) {
      const [row] = await session.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table.table}`);
      const n = Number(row.n);
      if (n > 0) throw new TransferError(`the target store is not empty (${n} rows in ${table.table}): import only into a new data dir or database`);
    }
    for await (const _line of store.archivedLines(session)) throw new TransferError(`the target store's archive is not empty: import only into a new data dir or database`);
    const archive = store.archiveImport(session);
    try {
      const summary = await insertLines(session, lines, archive);
      await archive.seal();
      await session.run(`UPDATE log_horizon SET horizon = ${session.dialect.param(1)}`, [summary.header.horizon ?? 0]);
      await recount(session);
      await reindex(session);
      // Each task's latest change, from the imported log (derived, as the counters are).
      await session.run(FILL_UPDATED_SEQ);
      await session.end(true);
      committed = true;
      await archive.committed();
      return summary;
    } finally {
      if (!committed) await archive.aborted();
    }
  } finally {
    if (!committed) await session.end(false);
  }
}

async function insertLines(session: TransferSession, lines: AsyncIterable<string> | Iterable<string>, archive: ArchiveImport): Promise<ImportSummary> {
  const inserts = new Map(
    TABLES.map((table) => {
      const columns = Object.keys(table.columns);
      const values = columns.map((_, i) => session.dialect.param(i + 1)).join(', ');
      return [table.kind, `INSERT INTO ${table.table} (${columns.join(', ')}) VALUES (${values})`];
    }),
  );
  let header: ExportHeader | null = null;
  let end: z.infer<typeof END> | null = null;
  const rows: Record<string, number> = Object.fromEntries([...TABLES.map((table) => table.kind), ARCHIVED].map((kind) => [kind, 0]));
  let lastCursor = 0;
  let n = 0;
  const fail = (reason: string): never => {
    throw new TransferError(`line ${n}: ${reason}`);
  };
  for await (const text of lines) {
    n++;
    if (end) fail('a line after the end line');
    if (text.trim() === '') fail('an empty line');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      fail(`not JSON (${(error as Error).message})`);
    }
    if (!header) {
      const format = (value as { format?: unknown } | null)?.format;
      if (format !== FORMAT) fail(`not a ${FORMAT} header (format: ${JSON.stringify(format)})`);
      const version = (value as { version?: unknown }).version;
      if (!READS_VERSIONS.includes(version as number)) {
        fail(`format version ${JSON.stringify(version)} is not supported (this conveyor reads versions ${READS_VERSIONS.join(' and ')})`);
      }
      const parsed = HEADER.safeParse(value);
      if (!parsed.success) fail(`bad header: ${zodReason(parsed.error)}`);
      header = parsed.data!;
      continue;
    }
    const kind = (value as { kind?: unknown } | null)?.kind;
    if (kind === 'end') {
      const parsed = END.safeParse(value);
      if (!parsed.success) fail(`bad end line: ${zodReason(parsed.error)}`);
      end = parsed.data!;
      for (const kind of Object.keys(rows)) {
        if ((end.rows[kind] ?? 0) !== rows[kind]) fail(`the end line counts ${end.rows[kind] ?? 0} ${kind} lines, the file has ${rows[kind]}`);
      }
      continue;
    }
    if (kind === ARCHIVED) {
      const parsed = ARCHIVED_LINE.safeParse(value);
      if (!parsed.success) fail(`bad ${kind}: ${zodReason(parsed.error)}`);
      const cursor = parsed.data!.cursor as number;
      if (cursor > (header.horizon ?? 0)) fail(`archived event cursor ${cursor} is past the header's horizon ${header.horizon ?? 0}`);
      rows[ARCHIVED]++;
      // One still in the log too (a pass ended while the export ran): the log's is kept.
      const [held] = await session.rows(`SELECT cursor FROM events WHERE cursor = ${session.dialect.param(1)}`, [cursor]);
      if (held === undefined) await archive.add(cursor, JSON.stringify({ ...parsed.data, kind: EVENTS_TABLE.kind }));
      continue;
    }
    const line = typeof kind === 'string' ? LINES.get(kind) : undefined;
    if (!line) fail(`unknown kind ${JSON.stringify(kind)}`);
    const parsed = line!.schema.safeParse(value);
    if (!parsed.success) fail(`bad ${kind}: ${zodReason(parsed.error)}`);
    const data = parsed.data as Record<string, unknown>;
    if (kind === 'event') {
      const cursor = data.cursor as number;
      if (cursor <= lastCursor) fail(`event cursor ${cursor} is not after ${lastCursor}`);
      if (cursor > header.head) fail(`event cursor ${cursor} is past the header's head ${header.head}`);
      lastCursor = cursor;
    }
    try {
      for (const [sql, params] of rowsOf(session, line!.table, data, inserts.get(kind as string)!)) await session.run(sql, params);
    } catch (error) {
      fail(`${kind} refused by the database (${(error as Error).message})`);
    }
    rows[kind as string]++;
  }
  if (!header) throw new TransferError('the input is empty: no header line');
  if (!end) throw new TransferError(`line ${n}: the input ends without its end line (truncated?)`);
  if (lastCursor !== header.head) throw new TransferError(`the header's head is ${header.head}, the last event's cursor ${lastCursor}`);
  await setSequences(session);
  return { header, rows };
}

/**
 * The rows a line is written as: its table's row, every column; an entity's line as its
 * `entities` row and, if it has pending effects, their `entity_effects` row (schema.ts
 * migration 11; the line keeps the columns of before, see transfer-lines.ts).
 */
function rowsOf(session: TransferSession, table: Table, line: Record<string, unknown>, insert: string): [string, unknown[]][] {
  if (table.kind !== 'entity') return [[insert, toParams(table, line)]];
  const p = (n: number) => session.dialect.param(n);
  const [id, type, version, state, effects, hasEffects, owner] = toParams(table, line);
  const rows: [string, unknown[]][] = [[`INSERT INTO entities (id, type, version, state) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`, [id, type, version, state]]];
  if (hasEffects === 1) rows.push([writeSql(session.dialect).putEffects, [id, effects, owner]]);
  return rows;
}

/** PostgreSQL's sequences past the imported ids (SQLite's AUTOINCREMENT follows explicit ids). */
async function setSequences(session: TransferSession): Promise<void> {
  if (session.dialect.name !== 'postgres') return;
  for (const [table, column] of [['events', 'cursor'], ['local_issues', 'number']]) {
    await session.run(
      `SELECT setval(pg_get_serial_sequence('${table}', '${column}'), greatest(coalesce(max(${column}), 0), 1), max(${column}) IS NOT NULL) FROM ${table}`,
    );
  }
}

/**
 * The search index, from the imported tasks' views with the words the commits write (search.ts):
 * SQLite's search partitions, PostgreSQL's `search` column. Neither is exported: both are
 * derived, and the rule that derives them is this version's, not the exporter's. SQLite's
 * partitions are cut afresh, `PARTITION_TASKS` tasks each in seq order, whatever the source had
 * (search-partitions.ts): an import is how a database whose tasks predate the partitions gets
 * them. The target is empty, so it has partition 0 alone, and no task.
 */
async function reindex(session: TransferSession): Promise<void> {
  const d = session.dialect;
  const p = (n: number) => d.param(n);
  let after = -1;
  let indexed = 0;
  const partitions: { id: number; firstSeq: number; n: number }[] = [{ id: 0, firstSeq: 0, n: 0 }];
  for (;;) {
    const rows = await session.rows<{ seq: number | string; view: string | TaskView; status: string }>(
      `SELECT seq, view, status FROM tasks WHERE seq > ${p(1)} ORDER BY seq LIMIT ${p(2)}`,
      [after, PAGE],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const view = json<TaskView>(row.view);
      const doc = searchDoc(view);
      if (d.name === 'postgres') {
        const rest = [doc.description, doc.refs].filter((w) => w.length > 0).join(' ');
        await session.run(`UPDATE tasks SET search = setweight(to_tsvector('simple', ${p(1)}), 'A') || to_tsvector('simple', ${p(2)}) WHERE seq = ${p(3)}`, [doc.title, rest, seq]);
      } else {
        const id = Math.floor(indexed++ / PARTITION_TASKS);
        if (id === partitions.length) {
          await session.run(createPartitionSql(id));
          partitions.push({ id, firstSeq: seq, n: 0 });
        }
        partitions[id].n++;
        await session.run(indexRowSql(id), [seq, doc.title, doc.description, doc.refs, scopeWords(view.org, view.creator.id, view.private), statusWord(row.status)]);
      }
      after = seq;
    }
  }
  if (d.name === 'sqlite') {
    await session.run(`DELETE FROM search_partitions`);
    for (const part of partitions) await session.run(`INSERT INTO search_partitions (id, first_seq, n) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [part.id, part.firstSeq, part.n]);
  }
}

/** The task counters, from the imported tasks (as migration 5 fills them). */
async function recount(session: TransferSession): Promise<void> {
  await session.run(`DELETE FROM task_counts`);
  await session.run(`DELETE FROM org_task_counts`);
  await session.run(`INSERT INTO task_counts (creator_id, org, private, status, n)
    SELECT creator_id, org, private, status, count(*) FROM tasks GROUP BY creator_id, org, private, status`);
  await session.run(`INSERT INTO org_task_counts (org, status, n)
    SELECT org, status, count(*) FROM tasks WHERE ${session.dialect.isNotSet('private')} GROUP BY org, status`);
}
