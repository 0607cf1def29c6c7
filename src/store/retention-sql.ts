/**
 * The SQL of retention (issue 14, retention.ts has the rules), for both dialects, written once
 * like sql.ts: the archive pass's reads and writes, and the reads of what is kept of archived
 * entities. tests/store/query-plans.test.ts and tests/production/query-plans.test.ts check that
 * each is served by an index.
 */
import { ARCHIVED_STATUSES, FINAL_STATUSES } from './retention.js';
import { EVENT_COLUMNS, POSTGRES, type Dialect } from './sql.js';

export function retentionSql(d: Dialect) {
  const p = (n: number) => d.param(n);
  const greatest = d.name === 'postgres' ? 'greatest' : 'max';
  const finished = ARCHIVED_STATUSES.map((s) => `'${s}'`).join(', ');
  const final = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');
  /**
   * What a pass archives next, in cursor order: after `from`, up to the cutoff cursor
   * (parameters: from, cutoff, cutoff, limit). Agents' events but each agent's newest; finished
   * tasks' whose last event (the one with the task's version) is not after the cutoff either,
   * but a failed task's newest (it may be retried). The primary key's range, and per event a
   * key lookup into `agents` or `tasks` and one into (entity_id, version).
   */
  const candidates = (columns: string) => `SELECT ${columns} FROM events AS e
      WHERE e.cursor > ${p(1)} AND e.cursor <= ${p(2)}
        AND ((e.entity_type = 'agent' AND e.version < (SELECT a.version FROM agents AS a WHERE a.id = e.entity_id))
          OR EXISTS (SELECT 1 FROM tasks AS t WHERE t.id = e.entity_id AND t.status IN (${finished})
            AND (t.status IN (${final}) OR e.version < t.version)
            AND coalesce((SELECT l.cursor FROM events AS l WHERE l.entity_id = t.id AND l.version = t.version), 0) <= ${p(3)}))
      ORDER BY e.cursor LIMIT ${p(4)}`;
  return {
    horizon: `SELECT horizon FROM log_horizon`,
    /** Head and horizon in one statement (one snapshot). */
    bounds: `SELECT (SELECT coalesce(max(cursor), 0) FROM ${d.log}) AS head, (SELECT horizon FROM log_horizon) AS horizon`,
    /**
     * The first event at or after the cutoff time: every event before it is older. The log has
     * no index on `at`: this walks the primary key from the oldest event still in the log, which
     * after the first passes is what retention keeps (active tasks' old events), a short walk.
     */
    firstAtOrAfter: `SELECT cursor FROM events WHERE at >= ${p(1)} ORDER BY cursor LIMIT 1`,
    /**
     * The cursors a pass archives next, in cursor order: after `from`, up to the cutoff cursor
     * (parameters: from, cutoff, cutoff, limit), agents' events and finished tasks' whose last
     * event (the one with the task's version) is not after the cutoff either. The primary key's
     * range, and per event a key lookup into `tasks` and one into (entity_id, version).
     */
    candidates: candidates('e.cursor'),
    /** The same, whole rows (`Dialect.eventColumns`, as the log's reads take them): what goes to an archive file. */
    candidateRows: candidates(d.eventColumns),
    insertCompact: `INSERT INTO compact_timeline (entity_id, cursor, version, type, at, actor, status, state_value)
      VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')}) ON CONFLICT (entity_id, cursor) DO NOTHING`,
    upsertArchived: `INSERT INTO archived_entities (entity_id, entity_type, org, owner_id, private, upto)
      VALUES (${[1, 2, 3, 4, 5, 6].map(p).join(', ')})
      ON CONFLICT (entity_id) DO UPDATE SET upto = ${greatest}(archived_entities.upto, excluded.upto)`,
    raiseHorizon: `UPDATE log_horizon SET horizon = ${greatest}(horizon, ${p(1)})`,
    /** An entity's event at a version: the first one kept, made whole (`asKeyframe`). */
    eventAt: `SELECT ${EVENT_COLUMNS} FROM events WHERE entity_id = ${p(1)} AND version = ${p(2)}`,
    rewriteState: `UPDATE ${d.log} SET state = ${p(1)} WHERE cursor = ${p(2)}`,
    /** What is kept of one entity's archived history (type, org, owner, private, upto). */
    archivedEntity: `SELECT entity_type, org, owner_id, private, upto FROM archived_entities WHERE entity_id = ${p(1)}`,
    /** A task's compact timeline after a cursor, up to where its archived history reaches. */
    compactPage: `SELECT cursor, version, type, at, actor, status, state_value FROM compact_timeline
      WHERE entity_id = ${p(1)} AND cursor > ${p(2)} AND cursor <= ${p(3)} ORDER BY cursor LIMIT ${p(4)}`,
  };
}

/**
 * PostgreSQL's `readAfter`: the page and the log's head and horizon (and, for one entity, what is
 * kept of its archived history) in one statement, so in one snapshot: the archive pass deletes
 * and raises the horizon in one transaction, so a page either still has the events or comes
 * with the horizon that says they are gone. Rows: head, horizon[, entity type, upto], then the
 * event's columns (all null when the page is empty: the bounds still come in one row).
 * Parameters: the filter's value (not for `all`), the cursor, the limit.
 */
export function boundedEventPageSql(filter: 'all' | 'entity' | 'type'): string {
  const bounds = `(SELECT (SELECT coalesce(max(cursor), 0) FROM events) AS head, (SELECT horizon FROM log_horizon) AS horizon) AS b`;
  if (filter === 'entity') {
    // Past what is archived of the entity: the compact timeline (read after, by the caller) is
    // immutable, so reading it up to this `upto` is as of this snapshot too.
    return `SELECT b.head, b.horizon, a.entity_type, a.upto, e.* FROM ${bounds}
      LEFT JOIN archived_entities AS a ON a.entity_id = $1
      LEFT JOIN LATERAL (SELECT ${POSTGRES.eventColumns} FROM events WHERE entity_id = $1 AND cursor > greatest($2, coalesce(a.upto, 0))
        ORDER BY version LIMIT $3) AS e ON true
      ORDER BY e.version`;
  }
  const where = filter === 'type' ? `entity_type = $1 AND ` : '';
  const [cursor, limit] = filter === 'type' ? ['$2', '$3'] : ['$1', '$2'];
  // Below the horizon the page is not read at all (the caller throws CURSOR_EXPIRED).
  return `SELECT b.head, b.horizon, e.* FROM ${bounds}
    LEFT JOIN LATERAL (SELECT ${POSTGRES.eventColumns} FROM events WHERE ${where}cursor > ${cursor} AND b.horizon <= ${cursor}
      ORDER BY cursor LIMIT ${limit}) AS e ON true
    ORDER BY e.cursor`;
}
