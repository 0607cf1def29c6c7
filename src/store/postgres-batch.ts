/**
 * PostgreSQL's group commit as a handful of set-based statements (issue 15: PostgreSQL at the
 * embedded store's speed). The per-request path (postgres.ts `commitEach`) spends five or six
 * round trips on every change, each an INSERT or UPDATE of one row under a savepoint: ~360 µs of
 * Node's time a transition, and the append lock held across all of them. Here a group of up to
 * 500 requests is:
 *
 * 1. BEGIN and one read of every entity it touches (its version, its task row's counter key,
 *    whether it has pending effects), locked in id order, and of every deadline it consumes:
 *    one round trip;
 * 2. each request checked in order against those rows as the requests before it left them
 *    (versions, consumed deadlines), in JavaScript: a request that fails a check is refused with
 *    the error the per-request path would give, and the rest go on without it;
 * 3. the accepted requests' writes in one more round trip, each table's rows in one statement over
 *    a JSON document, one row per key, as the group's last request left it: the snapshots,
 *    pending effects, agents and deadlines of entities that existed (an UPDATE that checks the
 *    version read in 1 again); then, under the append lock, new entities' rows, the events and
 *    task rows with the cursors drawn in their statement, and the counters;
 * 4. COMMIT, in the same message as 3.
 *
 * The lock is taken after what the group's row locks already serialise, so another group (of
 * this instance, where `groupsInFlight` allows two, or of another) waits on it for the events, task rows and
 * commit of this one, not for all of it. Anything the checks did not
 * foresee (a unique violation from another instance creating the same id, an agent's name taken)
 * aborts the transaction, and the caller runs the group again the per-request way, which tells
 * each request its own outcome: the fast path never decides an outcome the slow one would not.
 * (One nuance: a request with a change the checks refuse and another the database would refuse
 * is refused with the check's error here, with whichever comes first there.)
 * tests/production/postgres-batch.test.ts runs random groups through both and compares every table.
 */
import type pg from 'pg';
import { encodeChange, withCursors, type WireChange, type WireDeadline } from './rows.js';
import { CountDeltas, type TaskCountKey } from './task-counts.js';
import { StaleDeadlineError, VersionConflictError, type Change, type LogEvent } from './types.js';

export type Outcome = { ok: true; events: LogEvent[] } | { ok: false; error: unknown };

/** The advisory lock every commit holds while it draws cursors and until COMMIT (postgres.ts). */
export interface BatchOptions {
  appendLock: number;
}

// Every statement reads its rows from one JSON document, `$1`: an array of rows, each an array
// of the row's values (`rowsJson`). The group's statements go to PostgreSQL in two multi-statement
// messages (`PostgresBatch.send`), where each `$1` is the document as a literal.

// Locked in id order, as the per-request path locks them too (postgres.ts `commitEach`): two
// writers touching the same entities take their locks in one order, and neither holds the
// append lock while it waits for a row, so they cannot deadlock.
const READ_ENTITIES = `SELECT e.id, e.version, t.creator_id, t.org, t.private, t.status,
    EXISTS (SELECT 1 FROM entity_effects AS x WHERE x.entity_id = e.id) AS has_effects
  FROM entities AS e LEFT JOIN tasks AS t ON t.id = e.id WHERE e.id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) ORDER BY e.id FOR UPDATE OF e`;
const READ_DEADLINES = `SELECT d.entity_id, d.key, d.due_at FROM deadlines AS d
  JOIN jsonb_array_elements($1::jsonb) AS r ON d.entity_id = r->>0 AND d.key = r->>1 FOR UPDATE OF d`;
const INSERT_ENTITIES = `INSERT INTO entities (id, type, version, state)
  SELECT r->>0, r->>1, (r->>2)::int, r->3 FROM jsonb_array_elements($1::jsonb) AS r`;
const UPDATE_ENTITIES = `UPDATE entities AS e SET version = (r->>1)::int, state = r->2
  FROM jsonb_array_elements($1::jsonb) AS r WHERE e.id = r->>0 AND e.version = (r->>3)::int`;
const PUT_EFFECTS = `INSERT INTO entity_effects (entity_id, effects, owner)
  SELECT r->>0, r->1, r->>2 FROM jsonb_array_elements($1::jsonb) AS r
  ON CONFLICT (entity_id) DO UPDATE SET effects = excluded.effects, owner = excluded.owner`;
const DROP_EFFECTS = `DELETE FROM entity_effects WHERE entity_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`;
// Agents and deadlines known to exist are updated, not upserted: ON CONFLICT tries the insert
// (and its index entries) first, ~2× the cost of an UPDATE of the row.
const INSERT_AGENTS = `INSERT INTO agents (id, org, name, version, view)
  SELECT r->>0, r->>1, r->>2, (r->>3)::int, r->4 FROM jsonb_array_elements($1::jsonb) AS r`;
const UPDATE_AGENTS = `UPDATE agents AS a SET version = (r->>1)::int, view = r->2
  FROM jsonb_array_elements($1::jsonb) AS r WHERE a.id = r->>0`;
const DROP_DEADLINES = `DELETE FROM deadlines AS d USING jsonb_array_elements($1::jsonb) AS r
  WHERE d.entity_id = r->>0 AND d.key = r->>1`;
const SET_DEADLINES = `WITH v AS (SELECT r->>0 AS entity_id, r->>1 AS key, r->>2 AS entity_type, (r->>3)::bigint AS due_at, r->4 AS event
    FROM jsonb_array_elements($1::jsonb) AS r),
  moved AS (UPDATE deadlines AS d SET due_at = v.due_at, event = v.event FROM v WHERE d.entity_id = v.entity_id AND d.key = v.key RETURNING d.entity_id, d.key)
  INSERT INTO deadlines (entity_id, key, entity_type, due_at, event)
  SELECT v.* FROM v WHERE NOT EXISTS (SELECT 1 FROM moved WHERE moved.entity_id = v.entity_id AND moved.key = v.key)`;
/**
 * The events and the task rows, with the group's cursors drawn in the statement: `$1` is
 * `[count, events, tasks]`. The cursors are numbered in the order of their values, and event `i`
 * of the group (its requests' events in order) takes the `i`th; a task row takes the cursors of
 * its first and last event in the group (`seq` for a new row, `updated_seq`). The statement
 * returns the cursors in that order. One statement, so the cursors need no round trip of their own.
 */
const WRITE_LOG = `WITH doc AS (SELECT $1::jsonb AS d),
  drawn AS (SELECT nextval(pg_get_serial_sequence('events', 'cursor')) AS cursor FROM doc, generate_series(1, (d->>0)::int)),
  c AS (SELECT row_number() OVER (ORDER BY cursor) - 1 AS i, cursor FROM drawn),
  ev AS (INSERT INTO events (cursor, entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state)
    SELECT c.cursor, r->>0, r->>1, (r->>2)::int, r->>3, r->>4, r->>5, CASE WHEN jsonb_typeof(r->6) = 'null' THEN NULL ELSE r->6 END,
      r->>7, r->>8, (r->>9)::boolean, r->>10, r->11
    FROM doc, jsonb_array_elements(d->1) WITH ORDINALITY AS e (r, n) JOIN c ON c.i = e.n - 1),
  tk AS (INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number, updated_seq, search)
    SELECT r->>0, f.cursor, r->>2, r->>3, (r->>4)::boolean, r->>5, (r->>6)::int, r->7, r->>8, (r->>9)::int, l.cursor,
      setweight(to_tsvector('simple', r->>11), 'A') || to_tsvector('simple', r->>12)
    FROM doc, jsonb_array_elements(d->2) AS r JOIN c AS f ON f.i = (r->>1)::int JOIN c AS l ON l.i = (r->>10)::int
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version, view = excluded.view,
      branch = excluded.branch, issue_number = excluded.issue_number, updated_seq = excluded.updated_seq, search = excluded.search)
  SELECT cursor FROM c ORDER BY i`;
/** A group's counter changes, one statement per table (the keys are distinct: CountDeltas sums them); the per-request path's too. */
export const ADD_COUNTS = `INSERT INTO task_counts (creator_id, org, private, status, n)
  SELECT r->>0, r->>1, (r->>2)::boolean, r->>3, (r->>4)::int FROM jsonb_array_elements($1::jsonb) AS r
  ON CONFLICT (creator_id, org, private, status) DO UPDATE SET n = task_counts.n + excluded.n`;
export const ADD_ORG_COUNTS = `INSERT INTO org_task_counts (org, status, n)
  SELECT r->>0, r->>1, (r->>2)::int FROM jsonb_array_elements($1::jsonb) AS r
  ON CONFLICT (org, status) DO UPDATE SET n = org_task_counts.n + excluded.n`;

/**
 * Rows as one JSON array of arrays, for the statements that carry a JSON column per row (a
 * state, a view): the JSON the row already has goes in as it is (`json`: those columns'
 * positions), where an `unnest` array would have pg escape every quote of it into an array
 * literal, ~30 µs of this process's time a transition (bench write, profiled). The statement
 * reads it with `jsonb_array_elements` (one parse).
 */
function rowsJson(rows: unknown[][], json: ReadonlySet<number>): Doc {
  let out = '[';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    out += r === 0 ? '[' : ',[';
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (i > 0) out += ',';
      out += value === null || value === undefined ? 'null' : json.has(i) ? (value as string) : JSON.stringify(value);
    }
    out += ']';
  }
  return docOf(`${out}]`);
}

/**
 * A statement's JSON document, and whether it holds a `$` anywhere (most do not: then any
 * dollar-quote tag is safe without searching the document for it).
 */
export interface Doc {
  text: string;
  dollar: boolean;
}

/** A document written some other way (a small one: `JSON.stringify` of ids). */
export function docOf(text: string): Doc {
  return { text, dollar: text.indexOf('$') !== -1 };
}

const NO_DOC: Doc = { text: '', dollar: false };
/** Which columns of those rows are JSON text already. */
const ENTITY_JSON = new Set([2]);
const CREATED_ENTITY_JSON = new Set([3]);
const EFFECTS_JSON = new Set([1]);
const AGENT_JSON = new Set([2]);
const CREATED_AGENT_JSON = new Set([4]);
const EVENT_JSON = new Set([6, 11]);
const TASK_JSON = new Set([7]);
const DEADLINE_JSON = new Set([4]);
const NO_JSON: ReadonlySet<number> = new Set();

/** Where a statement takes its document: once in each (`$1::jsonb`). */
const PARAMETER = '$1';

/**
 * `sql` with its `$1` given as a literal: the document, dollar-quoted with a tag it does not
 * contain, so nothing in it needs escaping (a title may hold any character but NUL, which JSON
 * escapes). Concatenated, not replaced: the document is copied once, when the message is sent
 * (and `replace` would read `$$`, `$&` or `$'` in a title as patterns).
 */
function withDocument(sql: string, doc: Doc): string {
  const at = sql.indexOf(PARAMETER);
  if (at === -1) return sql;
  const tag = tagFor(doc, 'd');
  return sql.slice(0, at) + tag + doc.text + tag + sql.slice(at + PARAMETER.length);
}

/** A key of `deadlines` as one string. */
const deadlineKey = (entityId: string, key: string) => `${entityId}\u0000${key}`;

/** One request's encoded changes, or why it cannot be written. */
type Encoded = { ok: true; wires: WireChange[] } | { ok: false; error: unknown };

/** What the accepted requests leave of one entity: its last snapshot and where the group found it. */
interface EntityWrite {
  wire: WireChange;
  /** The version stored before the group (0: none), which the UPDATE checks again. */
  stored: number;
}

/** A deadline as the group leaves it: set (the row to upsert) or cleared. */
type DeadlineWrite = { set: Extract<WireDeadline, { 0: 'set' }> } | { set: null; entityId: string; key: string };

/**
 * One statement of a message: its SQL, its document, and where its row count is checked, the
 * rows it must touch and what it means if it does not.
 */
export type Statement = [sql: string, doc: Doc, expect?: [rows: number, what: string]];

/**
 * A dollar-quote tag that the document does not contain (searched for only in one that holds a
 * `$`: a search of every document cost ~3 µs a transition, bench write, profiled).
 */
function tagFor(doc: Doc, stem: string): string {
  let tag = `$${stem}$`;
  if (!doc.dollar) return tag;
  for (let n = 0; doc.text.includes(tag); n++) tag = `$${stem}${n}$`;
  return tag;
}

/**
 * A statement as sent: its document in place, and where its row count is checked, inside a DO
 * block that raises if the count is not what was sent (so the message's COMMIT never runs after
 * a wrong count: the rest of a message is skipped once a statement fails).
 */
export function messageStatement([sql, doc, expect]: Statement): string {
  const text = withDocument(sql, doc);
  if (!expect) return text;
  const [rows, what] = expect;
  // The block's tag must be in neither the statement (ours: no `$check`) nor its document.
  const tag = tagFor(doc, 'check');
  return `DO ${tag} DECLARE n bigint; BEGIN ${text}; GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> ${Number(rows)} THEN RAISE EXCEPTION 'batch: % ${what.replaceAll("'", "''")}', ${Number(rows)} - n; END IF; END ${tag}`;
}

export class PostgresBatch {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly options: BatchOptions,
  ) {}

  /**
   * Statements in one message (the simple query protocol), so one round trip: PostgreSQL runs
   * them in order and stops at the first that fails, which rejects the whole. A round trip is
   * what a group waited on most: under load each took 2–10 ms of a busy event loop and a busy
   * database, and a group of 75 requests made fourteen of them (bench latency on PostgreSQL,
   * 1,000 transitions/s, timed statement by statement). The documents go in as literals: the
   * simple protocol has no parameters, and so no statement prepared once either; each is planned
   * again, which the round trips saved outweigh.
   */
  private async send(statements: Statement[]): Promise<pg.QueryResult[]> {
    const text = statements.map(messageStatement).join(';\n');
    const result = (await this.client.query(text)) as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(result) ? result : [result];
  }

  /**
   * Write `requests` in a transaction this begins and commits; the outcome of each, in order.
   * Throws (the transaction then unusable, for the caller to roll back) where the database
   * refused a write the checks let through: the caller writes the group per request then. Two
   * round trips: BEGIN and the reads, then the writes and COMMIT.
   */
  async write(requests: Change[][]): Promise<Outcome[]> {
    const encoded: Encoded[] = requests.map((changes) => {
      try {
        return { ok: true, wires: changes.map(encodeChange) };
      } catch (error) {
        return { ok: false, error };
      }
    });

    // 1. What the group's checks depend on, locked.
    const ids = new Set<string>();
    const consumed = new Map<string, [entityId: string, key: string]>();
    for (const request of encoded) {
      if (!request.ok) continue;
      for (const wire of request.wires) {
        ids.add(wire.entityId);
        if (wire.consumes) consumed.set(deadlineKey(wire.entityId, wire.consumes[0]), [wire.entityId, wire.consumes[0]]);
      }
    }
    const reads: Statement[] = [['BEGIN', NO_DOC], [READ_ENTITIES, docOf(JSON.stringify([...ids]))]];
    if (consumed.size > 0) reads.push([READ_DEADLINES, rowsJson([...consumed.values()], NO_JSON)]);
    const [, entityRows, deadlineRows] = await this.send(reads);
    const versions = new Map<string, number>();
    const counted = new Map<string, TaskCountKey>();
    const hadEffects = new Set<string>();
    type Read = { id: string; version: number; creator_id: string | null; org: string; private: boolean; status: string; has_effects: boolean };
    for (const row of entityRows.rows as Read[]) {
      versions.set(row.id, row.version);
      if (row.creator_id !== null) counted.set(row.id, [row.creator_id, row.org, row.private, row.status]);
      if (row.has_effects) hadEffects.add(row.id);
    }
    const dueAt = new Map<string, number | null>();
    for (const key of consumed.keys()) dueAt.set(key, null);
    for (const row of (deadlineRows?.rows ?? []) as { entity_id: string; key: string; due_at: number }[]) {
      dueAt.set(deadlineKey(row.entity_id, row.key), Number(row.due_at));
    }

    // 2. Each request against the rows as the ones before it left them.
    const stored = new Map(versions);
    const outcomes: (Outcome | { ok: true; changes: Change[] })[] = [];
    const accepted: { changes: Change[]; wires: WireChange[] }[] = [];
    for (let r = 0; r < requests.length; r++) {
      const request = encoded[r];
      if (!request.ok) {
        outcomes.push(request);
        continue;
      }
      const ownVersions = new Map<string, number>();
      const ownDue = new Map<string, number | null>();
      const error = this.check(request.wires, versions, dueAt, ownVersions, ownDue);
      if (error) {
        outcomes.push({ ok: false, error });
        continue;
      }
      for (const [id, version] of ownVersions) versions.set(id, version);
      for (const [key, due] of ownDue) dueAt.set(key, due);
      outcomes.push({ ok: true, changes: requests[r] });
      accepted.push({ changes: requests[r], wires: request.wires });
    }

    // 3. The accepted requests' writes, a statement a table, and COMMIT (4), in one message.
    const cursors = accepted.length === 0 ? (await this.send([['COMMIT', NO_DOC]]), []) : await this.writeAccepted(accepted, stored, counted, hadEffects);
    let k = 0;
    return outcomes.map((outcome) => {
      if (!('changes' in outcome)) return outcome;
      const n = outcome.changes.reduce((sum, change) => sum + change.events.length, 0);
      const events = withCursors(outcome.changes, cursors.slice(k, k + n));
      k += n;
      return { ok: true, events };
    });
  }

  /**
   * A request's checks, as the per-request path makes them: each change's expected version (0:
   * a new entity), then the deadline it consumes. Its own effects go to `ownVersions` / `ownDue`
   * (seen by its later changes), kept only if it passes.
   */
  private check(
    wires: WireChange[],
    versions: Map<string, number>,
    dueAt: Map<string, number | null>,
    ownVersions: Map<string, number>,
    ownDue: Map<string, number | null>,
  ): Error | null {
    for (const wire of wires) {
      const id = wire.entityId;
      const current = ownVersions.get(id) ?? versions.get(id) ?? 0;
      if (current !== wire.expectedVersion) return new VersionConflictError(id);
      ownVersions.set(id, wire.expectedVersion + wire.events.length);
      if (wire.consumes) {
        const key = deadlineKey(id, wire.consumes[0]);
        const due = ownDue.has(key) ? ownDue.get(key) : dueAt.get(key);
        if (due !== wire.consumes[1]) return new StaleDeadlineError(id, wire.consumes[0]);
        ownDue.set(key, null);
      }
      for (const op of wire.deadlines) {
        const key = deadlineKey(op[1], op[2]);
        if (dueAt.has(key) || ownDue.has(key)) ownDue.set(key, op[0] === 'set' ? op[4] : null);
      }
    }
    return null;
  }

  /** Deadlines as the group leaves them: cleared (and consumed) ones dropped, set ones written. */
  private deadlineStatements(writes: DeadlineWrite[], out: Statement[]): void {
    const drops: unknown[][] = [];
    const sets: unknown[][] = [];
    for (const write of writes) {
      if (write.set === null) drops.push([write.entityId, write.key]);
      else sets.push(write.set.slice(1));
    }
    if (drops.length > 0) out.push([DROP_DEADLINES, rowsJson(drops, NO_JSON)]);
    if (sets.length > 0) out.push([SET_DEADLINES, rowsJson(sets, DEADLINE_JSON)]);
  }

  private async writeAccepted(
    accepted: { changes: Change[]; wires: WireChange[] }[],
    stored: Map<string, number>,
    counted: Map<string, TaskCountKey>,
    hadEffects: Set<string>,
  ): Promise<number[]> {
    // Each entity, agent, task and deadline as the group's last request left it.
    const entities = new Map<string, EntityWrite>();
    const deadlines = new Map<string, DeadlineWrite>();
    for (const { wires } of accepted) {
      for (const wire of wires) {
        entities.set(wire.entityId, { wire, stored: entities.get(wire.entityId)?.stored ?? stored.get(wire.entityId) ?? 0 });
        if (wire.consumes) deadlines.set(deadlineKey(wire.entityId, wire.consumes[0]), { set: null, entityId: wire.entityId, key: wire.consumes[0] });
        for (const op of wire.deadlines) {
          deadlines.set(deadlineKey(op[1], op[2]), op[0] === 'set' ? { set: op } : { set: null, entityId: op[1], key: op[2] });
        }
      }
    }

    // Before the append lock, what concerns entities that existed: their rows are locked (1), so
    // nothing here waits on another writer that could be waiting on this one. New entities' rows
    // are written under the lock, after it: two writers creating one id meet there, in the
    // order the lock gives them (the second one's insert fails, and it falls back).
    const existing = { updates: [] as unknown[][], putEffects: [] as unknown[][], dropEffects: [] as string[], agents: [] as unknown[][], deadlines: [] as DeadlineWrite[] };
    const created = { inserts: [] as unknown[][], putEffects: [] as unknown[][], agents: [] as unknown[][], deadlines: [] as DeadlineWrite[] };
    for (const [id, { wire, stored: before }] of entities) {
      const version = wire.expectedVersion + wire.events.length;
      if (before === 0) created.inserts.push([id, wire.entityType, version, wire.state]);
      else existing.updates.push([id, version, wire.state, before]);
      if (wire.hasEffects) (before === 0 ? created : existing).putEffects.push([id, wire.effects, wire.owner]);
      else if (hadEffects.has(id)) existing.dropEffects.push(id);
      if (wire.view[0] === 'agent') {
        // An agent's row is written with its entity's: it exists if the entity did.
        const [, agentId, org, name, agentVersion, json] = wire.view;
        if (before === 0) created.agents.push([agentId, org, name, agentVersion, json]);
        else existing.agents.push([agentId, agentVersion, json]);
      }
    }
    for (const write of deadlines.values()) {
      const entityId = write.set === null ? write.entityId : write.set[1];
      ((stored.get(entityId) ?? 0) > 0 ? existing : created).deadlines.push(write);
    }

    // Nothing can have moved a row locked in 1. If something did, the statement says so (the
    // caller rolls back and writes per request) rather than lose a conflict.
    const statements: Statement[] = [];
    if (existing.updates.length > 0) {
      statements.push([UPDATE_ENTITIES, rowsJson(existing.updates, ENTITY_JSON), [existing.updates.length, 'snapshots moved under their row locks']]);
    }
    if (existing.putEffects.length > 0) statements.push([PUT_EFFECTS, rowsJson(existing.putEffects, EFFECTS_JSON)]);
    if (existing.dropEffects.length > 0) statements.push([DROP_EFFECTS, docOf(JSON.stringify(existing.dropEffects))]);
    if (existing.agents.length > 0) statements.push([UPDATE_AGENTS, rowsJson(existing.agents, AGENT_JSON), [existing.agents.length, "agents' rows are missing"]]);
    this.deadlineStatements(existing.deadlines, statements);

    // Under the append lock from here to COMMIT: cursor order is commit order (postgres.ts).
    statements.push([`SELECT pg_advisory_xact_lock(${Number(this.options.appendLock)})`, NO_DOC]);
    if (created.inserts.length > 0) statements.push([INSERT_ENTITIES, rowsJson(created.inserts, CREATED_ENTITY_JSON)]);
    if (created.putEffects.length > 0) statements.push([PUT_EFFECTS, rowsJson(created.putEffects, EFFECTS_JSON)]);
    if (created.agents.length > 0) statements.push([INSERT_AGENTS, rowsJson(created.agents, CREATED_AGENT_JSON)]);
    this.deadlineStatements(created.deadlines, statements);

    // The events in order, numbered from 0 (the cursor each takes is the statement's: WRITE_LOG),
    // and each task's row with the numbers of its first and last event in the group.
    const events: unknown[][] = [];
    const tasks = new Map<string, { view: WireChange['view']; first: number; last: number }>();
    for (const { wires } of accepted) {
      for (const wire of wires) {
        const first = events.length;
        for (const e of wire.events) {
          const [entityType, entityId, version, type, at, actor, payload, org, ownerId, isPrivate, prevStatus, state] = e;
          events.push([entityType, entityId, version, type, at, actor, payload, org, ownerId, isPrivate === 1, prevStatus, state]);
        }
        if (wire.view[0] === 'task') {
          const known = tasks.get(wire.entityId);
          tasks.set(wire.entityId, { view: wire.view, first: known?.first ?? first, last: events.length - 1 });
        }
      }
    }
    const counts = new CountDeltas();
    const taskRows: unknown[][] = [];
    for (const [id, { view, first, last }] of tasks) {
      const [, taskId, org, creatorId, isPrivate, status, taskVersion, json, branch, issue, title, description, refs] = view as Extract<WireChange['view'], { 0: 'task' }>;
      const rest = description.length > 0 && refs.length > 0 ? `${description} ${refs}` : description || refs;
      taskRows.push([taskId, first, org, creatorId, isPrivate === 1, status, taskVersion, json, branch, issue, last, title, rest]);
      counts.task(counted.get(id) ?? null, [creatorId, org, isPrivate, status]);
    }
    const log = statements.length;
    const [eventsDoc, tasksDoc] = [rowsJson(events, EVENT_JSON), rowsJson(taskRows, TASK_JSON)];
    statements.push([WRITE_LOG, { text: `[${events.length},${eventsDoc.text},${tasksDoc.text}]`, dollar: eventsDoc.dollar || tasksDoc.dollar }]);
    const creatorRows = counts.creatorRows();
    if (creatorRows.length > 0) statements.push([ADD_COUNTS, rowsJson(creatorRows, NO_JSON)]);
    const orgRows = counts.orgRows();
    if (orgRows.length > 0) statements.push([ADD_ORG_COUNTS, rowsJson(orgRows, NO_JSON)]);

    statements.push(['COMMIT', NO_DOC]);
    const results = await this.send(statements);
    return results[log].rows.map((row: { cursor: number }) => Number(row.cursor));
  }
}
