/**
 * The lines of `conveyor export` (transfer.ts): one per stored row, `{"kind", ...columns}` with
 * columns camelCased, JSON parsed and flags as booleans; the tables they come from, in the order
 * written and read; and the codec between rows and lines. Archive files and chunks (retention,
 * retention.ts) hold event lines of this same shape (`eventLine`), so whatever reads an export's
 * events reads an archive.
 */
import { z } from 'zod';
import { json } from './rows.js';
import type { AgentView, EntityType, TaskView } from '../machines/index.js';
import type { LogEvent } from './types.js';

type ColumnType = 'int' | 'text' | 'json' | 'flag';
/** A column: its type, `?` suffix for nullable. */
type Column = `${ColumnType}` | `${ColumnType}?`;

export interface Table {
  kind: string;
  table: string;
  /** The key the pages are read by (one or two columns, unique together). */
  key: [string] | [string, string];
  columns: Record<string, Column>;
  /**
   * What an export reads the lines from, when not `table` alone: a line may keep together what
   * the schema keeps in two tables (transfer.ts `rowsOf` splits it again on import).
   */
  source?: string;
}

/** The log's table: first of TABLES, and what every archived event's line is. */
export const EVENTS_TABLE: Table = {
  kind: 'event',
  table: 'events',
  key: ['cursor'],
  columns: {
    cursor: 'int', entity_type: 'text', entity_id: 'text', version: 'int', type: 'text', at: 'text', actor: 'text?', payload: 'json?',
    org: 'text', owner_id: 'text', private: 'flag', prev_status: 'text?', state: 'json',
  },
};

/** Every table exported, in the order written and read. */
export const TABLES: Table[] = [
  EVENTS_TABLE,
  {
    // An entity's line keeps its pending effects, as in the `entities` rows before migration 11
    // moved them to `entity_effects`: version 1 and 2 files read as they did.
    kind: 'entity',
    table: 'entities',
    key: ['id'],
    columns: { id: 'text', type: 'text', version: 'int', state: 'json', effects: 'json', has_effects: 'flag', effects_owner: 'text?' },
    source: `(SELECT id, type, version, state, coalesce(x.effects, '[]') AS effects, x.entity_id IS NOT NULL AS has_effects, x.owner AS effects_owner
      FROM entities LEFT JOIN entity_effects AS x ON x.entity_id = entities.id) AS entities`,
  },
  {
    kind: 'task',
    table: 'tasks',
    key: ['seq'],
    columns: {
      id: 'text', seq: 'int', org: 'text', creator_id: 'text', private: 'flag', status: 'text', version: 'int', view: 'json',
      branch: 'text?', issue_number: 'int?',
    },
  },
  { kind: 'agent', table: 'agents', key: ['id'], columns: { id: 'text', org: 'text', name: 'text', version: 'int', view: 'json' } },
  {
    kind: 'deadline',
    table: 'deadlines',
    key: ['entity_id', 'key'],
    columns: { entity_id: 'text', key: 'text', entity_type: 'text', due_at: 'int', event: 'json' },
  },
  { kind: 'localIssue', table: 'local_issues', key: ['number'], columns: { number: 'int', key: 'text' } },
  { kind: 'webhookDelivery', table: 'webhook_deliveries', key: ['id'], columns: { id: 'text', received_at: 'text', outcome: 'text' } },
  // Retention (issue 14): what is kept of archived entities' history (schema.ts, migration sqlite 8).
  {
    kind: 'archivedEntity',
    table: 'archived_entities',
    key: ['entity_id'],
    columns: { entity_id: 'text', entity_type: 'text', org: 'text', owner_id: 'text', private: 'flag', upto: 'int' },
  },
  {
    kind: 'compactEvent',
    table: 'compact_timeline',
    key: ['entity_id', 'cursor'],
    columns: { entity_id: 'text', cursor: 'int', version: 'int', type: 'text', at: 'text', actor: 'text?', status: 'text', state_value: 'json' },
  },
];

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const jsonValue = z.custom<unknown>((value) => value !== undefined, 'expected a JSON value');
const fieldSchema: Record<ColumnType, z.ZodType> = {
  int: z.number().int(),
  text: z.string(),
  json: jsonValue,
  flag: z.boolean(),
};

export function lineSchema(table: Table) {
  const shape: Record<string, z.ZodType> = { kind: z.literal(table.kind) };
  for (const [column, spec] of Object.entries(table.columns)) {
    const base = fieldSchema[spec.replace('?', '') as ColumnType];
    shape[camel(column)] = spec.endsWith('?') ? base.nullable() : base;
  }
  return z.strictObject(shape);
}

/** A stored row as its line: JSON parsed, flags as booleans, columns camelCased, in column order. */
export function toLine(table: Table, row: Record<string, unknown>): Record<string, unknown> {
  const line: Record<string, unknown> = { kind: table.kind };
  for (const [column, spec] of Object.entries(table.columns)) {
    const value = row[column];
    const type = spec.replace('?', '') as ColumnType;
    line[camel(column)] = value === null || value === undefined ? null : type === 'json' ? json(value) : type === 'flag' ? value === true || value === 1 : value;
  }
  return line;
}

/** A line's values as the writers bind them: JSON as text, flags as 0/1. */
export function toParams(table: Table, line: Record<string, unknown>): unknown[] {
  return Object.entries(table.columns).map(([column, spec]) => {
    const value = line[camel(column)];
    if (value === null) return null;
    const type = spec.replace('?', '') as ColumnType;
    return type === 'json' ? JSON.stringify(value) : type === 'flag' ? (value ? 1 : 0) : value;
  });
}

/**
 * A log event as an export's event line: the same fields, in the same order, as `toLine` gives
 * for its row, the state as the store decodes it (rows.ts), so a line never depends on how the
 * row stored it.
 */
export function eventLine(event: LogEvent): Record<string, unknown> {
  return {
    kind: EVENTS_TABLE.kind,
    cursor: event.cursor,
    entityType: event.entityType,
    entityId: event.entityId,
    version: event.version,
    type: event.type,
    at: event.at,
    actor: event.actor,
    payload: event.payload,
    org: event.scope.org,
    ownerId: event.scope.ownerId,
    private: event.scope.private,
    prevStatus: event.prevStatus,
    state: event.state,
  };
}

/** An event line (an archive's, or an export's with a whole view) as the event it is. */
export function lineEvent(line: Record<string, unknown>): LogEvent {
  return {
    cursor: line.cursor as number,
    entityType: line.entityType as EntityType,
    entityId: line.entityId as string,
    version: line.version as number,
    type: line.type as string,
    at: line.at as string,
    actor: line.actor as string | null,
    payload: line.payload as Record<string, unknown> | null,
    scope: { org: line.org as string, ownerId: line.ownerId as string, private: line.private as boolean },
    prevStatus: line.prevStatus as string | null,
    state: line.state as TaskView | AgentView,
  };
}
