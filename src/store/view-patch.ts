/**
 * How the log stores an entity's view after each event, and an entity's snapshot, without
 * repeating what the row beside it already holds (issue 14, "leaner log").
 *
 * - **An event's state** is its entity's whole view only at a *keyframe*: version 1 and every
 *   `KEYFRAME_EVERY`-th version after it (1, 17, 33, …), or when the writer did not know the view
 *   before. Every other event stores a *patch*: the top-level keys whose values changed since the
 *   version before (`{"$": {changed}, "-": [removed]}`), without `version` and `updatedAt`, which
 *   are the row's own `version` and `at`. A task's five events stored the title and the
 *   description five times; now once.
 *   A reader resolves a patch from the event before it: in the same page, or from a *window* of
 *   the entity's rows back to the keyframe at or before it (`baseWindow`: at most
 *   `KEYFRAME_EVERY` rows by the unique (entity_id, version) index). Because keyframes sit at
 *   fixed versions, the window always starts at a whole view; an extra keyframe written where
 *   the base was unknown just ends the fold early. Rows written before this codec (whole views
 *   everywhere) read as keyframes. A keyframe leaves out what its row holds too: the view's `id`
 *   (the row's `entity_id`), `version` and `updatedAt` (`at`), ~95 bytes of each, when they are
 *   the row's (`storedKeyframe`); keyframes stored before keep them and read as they are.
 * - **An entity's snapshot** (`{value, context}`) stores its context as a patch against the read
 *   model's view committed with it (`tasks.view`, `agents.view`, same transaction, same version):
 *   a view is the context plus a few derived keys (`VIEW_ONLY`) and its value is the view's
 *   `stateValue`, so what remains is the context's own fields the view leaves out (a task's
 *   `attempts`, an agent's timeouts): `{"$c": {...}}`. A snapshot that is not so (or stored
 *   before) names the value and the keys to take away (`StatePatch`).
 *
 * Why not a JSON-patch library (RFC 6902/7396): the views are flat records whose nested values
 * are replaced, never edited in place, so a top-level diff is the whole need; and merge patch
 * (7396) cannot say "this key is now null" apart from "removed", which views depend on.
 */
import type { AgentView, TaskView } from '../machines/index.js';
import { isPacked, isPackedPatch, parseStored } from './packed-json.js';

export type View = TaskView | AgentView;
type Fields = Record<string, unknown>;

/** A keyframe every 16 versions: a task (~5–10 events) has one; a busy agent one per 16 heartbeats. */
export const KEYFRAME_EVERY = 16;

/** Keys every view has that its event row holds anyway. */
const FROM_ROW = new Set(['version', 'updatedAt']);

export const isKeyframe = (version: number) => (version - 1) % KEYFRAME_EVERY === 0;

/**
 * Keys a stored whole view (a keyframe, `tasks.view`, `agents.view`) leaves out while they are
 * null, and a reader puts back (`restoreView`): most of a task's life has no branch, PR, error
 * or agent yet, ~130 bytes of each whole view. Which ones were left out is a bitmask in the
 * view's `~` key (bit i: `NULL_KEYS[i]`), so a view that never had a key does not get it. The
 * list is append-only: stored masks name keys by position.
 */
const NULL_KEYS = [
  'description', 'issue', 'branch', 'pr', 'mergeCommitSha', 'mergedAt', 'error', 'agentId', 'progress', 'heldReason', 'grant', 'waiting',
  'previousAgentId', 'currentTaskId', 'lastAssignedAt', 'lastActivity', 'lastProgressAt',
] as const;
const NULL_BIT = new Map<string, number>(NULL_KEYS.map((key, i) => [key, 1 << i]));
const MASK = '~';

/** The JSON a whole view is stored as: its null `NULL_KEYS` left out, named by the mask; and `omit`'s keys. */
export function storedView(view: View, omit?: (key: string, value: unknown) => boolean): string {
  const fields = view as unknown as Fields;
  const out: Fields = {};
  let mask = 0;
  let left = false;
  for (const key in fields) {
    if (omit?.(key, fields[key])) {
      left = true;
      continue;
    }
    const bit = fields[key] === null ? NULL_BIT.get(key) : undefined;
    if (bit === undefined) out[key] = fields[key];
    else mask |= bit;
  }
  if (mask === 0 && !left) return JSON.stringify(view);
  if (mask !== 0) out[MASK] = mask;
  return JSON.stringify(out);
}

/** What an event row holds of its entity's view: the keys a keyframe need not repeat. */
export interface RowKeys {
  entityId: string;
  version: number;
  at: string;
}

/** The view's keys an event row holds, each with the row's value for it: one list for both ways. */
const ROW_VALUES: [key: string, of: (row: RowKeys) => unknown][] = [
  ['id', (row) => row.entityId],
  ['version', (row) => row.version],
  ['updatedAt', (row) => row.at],
];
const ROW_VALUE = new Map(ROW_VALUES);

/**
 * A task's keys that no event changes (the task machine assigns none of them after creation;
 * tests/machines/task.test.ts holds it to that, and `fixedChange` refuses a commit that would):
 * its title and description, creator, org and privacy, ~380 bytes of a task's first keyframe
 * and all of its text. A task keyframe leaves them out where they are what the task's row
 * (`tasks.view`, committed in the same transaction) has, and a reader takes them from there:
 * the log reads that row beside a keyframe that needs it (`Dialect.fixedOf`). Which ones were
 * left out is a bitmask under `^`. The list is append-only: stored masks name keys by position.
 */
const FIXED_KEYS = ['title', 'description', 'creator', 'org', 'private'] as const;
const FIXED_BIT = new Map<string, number>(FIXED_KEYS.map((key, i) => [key, 1 << i]));
const FIXED = '^';

/** The first of a task's fixed keys (`FIXED_KEYS`) whose value differs from `base` to `next`, if any. */
export function fixedChange(base: View, next: View): string | null {
  const from = base as unknown as Fields;
  const to = next as unknown as Fields;
  return FIXED_KEYS.find((key) => !same(from[key], to[key])) ?? null;
}

/**
 * A keyframe's JSON: `storedView`, leaving out `id`, `version` and `updatedAt` where they are its
 * row's, and for a task (`fixed`: the view its row is given) the fixed keys where they are that
 * view's.
 */
export function storedKeyframe(view: View, row: RowKeys, fixed?: View): string {
  const fields = view as unknown as Fields;
  let mask = 0;
  if (fixed !== undefined) {
    const from = fixed as unknown as Fields;
    for (const [key, bit] of FIXED_BIT) if (key in fields && key in from && same(fields[key], from[key])) mask |= bit;
  }
  const json = storedView(view, (key, value) => {
    const bit = FIXED_BIT.get(key);
    if (bit !== undefined && (mask & bit) !== 0) return true;
    const of = ROW_VALUE.get(key);
    return of !== undefined && value === of(row);
  });
  if (mask === 0) return json;
  return json === '{}' ? `{"${FIXED}":${mask}}` : `{"${FIXED}":${mask},${json.slice(1)}`;
}

/**
 * A stored keyframe (parsed) as it was committed: `restoreView`, what its row holds put back,
 * and the fixed keys it left out from `fixed` (the task row's stored view, as read beside it).
 */
export function restoreKeyframe(view: object, row: RowKeys, fixed?: () => unknown): View {
  const fields = restoreView(view) as Fields;
  const mask = fields[FIXED];
  if (typeof mask === 'number') {
    delete fields[FIXED];
    const stored = fixed?.();
    if (stored === undefined || stored === null) throw new Error(`the keyframe of ${row.entityId} v${row.version} leaves out what its task's row holds, and no row was read beside it`);
    const from = restoreView(typeof stored === 'string' || isPacked(stored) ? parseStored<Fields>(stored) : { ...(stored as Fields) });
    for (const [key, bit] of FIXED_BIT) if ((mask & bit) !== 0) fields[key] = from[key];
  }
  for (const [key, of] of ROW_VALUES) if (!(key in fields)) fields[key] = of(row);
  return fields as unknown as View;
}

/** A stored whole view (parsed) as it was committed: the keys its mask names put back as null. */
export function restoreView<V extends object>(view: V): V {
  const fields = view as unknown as Fields;
  const mask = fields[MASK];
  if (typeof mask !== 'number') return view;
  delete fields[MASK];
  for (let i = 0; i < NULL_KEYS.length; i++) if (mask & (1 << i)) fields[NULL_KEYS[i]] = null;
  return view;
}


/** The keyframe version at or before `version`: where a window to resolve `version` starts. */
export const keyframeAtOrBefore = (version: number) => version - ((version - 1) % KEYFRAME_EVERY);

interface EventPatch {
  $: Fields;
  '-'?: string[];
}

/** Is a stored event state (parsed) a patch rather than a whole view? */
export const isPatch = (stored: object): stored is EventPatch => '$' in stored;

/** Text of a stored state that is a patch (a whole view starts with `{"id"`): no parse needed. */
export const isPatchText = (stored: string) => stored.startsWith('{"$"');

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Nested values (stateValue, clarifications, issue…) are new objects whenever a machine
  // assigns them; equal content is still unchanged.
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** The top-level difference from `base` to `next`, `skip` keys left out. */
function diff(base: Fields, next: Fields, skip: Set<string>): { changed: Fields; removed: string[] } {
  const changed: Fields = {};
  const removed: string[] = [];
  for (const key in next) if (!skip.has(key) && !same(base[key], next[key])) changed[key] = next[key];
  for (const key in base) if (!skip.has(key) && !(key in next)) removed.push(key);
  return { changed, removed };
}

function patched(base: Fields, changed: Fields, removed: string[] | undefined): Fields {
  const out: Fields = {};
  for (const key in base) if (removed === undefined || !removed.includes(key)) out[key] = base[key];
  for (const key in changed) out[key] = changed[key];
  return out;
}

/**
 * The JSON an event row (`row`) stores for `state`: the whole view at a keyframe or without a
 * `base` (the view at the version before), else the patch from `base`.
 */
export function encodeEventState(state: View, base: View | undefined, row: RowKeys, fixed?: View): string {
  if (base === undefined || isKeyframe(row.version)) return storedKeyframe(state, row, fixed);
  const { changed, removed } = diff(base as unknown as Fields, state as unknown as Fields, FROM_ROW);
  return JSON.stringify(removed.length > 0 ? { $: changed, '-': removed } : { $: changed });
}

/**
 * An event's view from what its row (`row`) stores (parsed), the view before it, and for a task
 * keyframe the task row's view read beside it (`restoreKeyframe`).
 */
export function decodeEventState(stored: object, row: RowKeys, base: () => View, fixed?: () => unknown): View {
  if (!isPatch(stored)) return restoreKeyframe(stored, row, fixed);
  const view = patched(base() as unknown as Fields, stored.$, stored['-']);
  view.version = row.version;
  view.updatedAt = row.at;
  return view as unknown as View;
}

/**
 * An event's time as read: SQLite's log stores it as integer milliseconds where `toISOString`
 * spells them back (schema.ts, SQLITE_EVENTS_VIEW), else as the text it was given.
 */
export function isoTime(at: string | number): string {
  if (typeof at !== 'number') return at;
  // The events of a page mostly share their second: its spelling is kept, and only the
  // milliseconds are spelt per event. `toISOString` per event was ~1 µs, a tenth of a replay's
  // time per event (bench resume, agents' fields, profiled). Whole milliseconds from 1970 to
  // year 9999 only (`toISOString` spells other years with a sign or six digits); the rest as
  // before.
  if (!Number.isInteger(at) || at < 0 || at > LAST_FOUR_DIGIT_MS) return new Date(at).toISOString();
  const second = Math.floor(at / 1000);
  if (second !== spelt.second) {
    spelt.second = second;
    spelt.prefix = new Date(second * 1000).toISOString().slice(0, 20); // "2026-12-04T18:44:31."
  }
  const ms = at - second * 1000;
  return `${spelt.prefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}
/** 9999-12-31T23:59:59.999Z. */
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;
/** The second `isoTime` spelt last, and its spelling up to the milliseconds. */
const spelt = { second: Number.NaN, prefix: '' };

/** A row of an entity's window (`baseWindow`), oldest first. */
export interface WindowRow {
  entity_id: string;
  version: number;
  /** As stored (`isoTime`). */
  at: string | number;
  state: unknown;
  /** The task row's view, read beside a keyframe that leaves out its fixed keys (`Dialect.fixedOf`); else null. */
  fixed: unknown;
}

const keysOf = (row: WindowRow): RowKeys => ({ entityId: row.entity_id, version: row.version, at: isoTime(row.at) });

/** Is a stored state a patch: text or packed (SQLite, no parse needed), or parsed (PostgreSQL)? */
export const isStoredPatch = (stored: unknown) =>
  typeof stored === 'string' ? isPatchText(stored) : isPacked(stored) ? isPackedPatch(stored) : isPatch(stored as object);

/**
 * The rows of an entity's window (consecutive versions, oldest first) from the last whole view
 * on, if they run without a gap to `to`; else null. Usually the window is complete from its
 * keyframe; retention (retention.ts) archives an entity's older versions and rewrites the first
 * one it keeps as a whole view, so the window's start may be gone while a whole view and what
 * follows it are there.
 */
export function wholeTail<R extends WindowRow>(rows: R[], to: number): R[] | null {
  let start = rows.length - 1;
  if (start < 0 || rows[start].version !== to) return null;
  for (; start >= 0; start--) {
    if (start < rows.length - 1 && rows[start].version !== rows[start + 1].version - 1) return null;
    if (!isStoredPatch(rows[start].state)) return rows.slice(start);
  }
  return null;
}

/** The view at the last row of `rows` (`wholeTail`'s: a whole view, then the patches after it). */
export function foldWindow(rows: WindowRow[], parse: (stored: unknown) => object): View {
  const first = parse(rows[0].state);
  if (isPatch(first)) throw new Error(`log window at version ${rows[0].version} does not start with a whole view`);
  let view = restoreKeyframe(first, keysOf(rows[0]), () => rows[0].fixed);
  for (let i = 1; i < rows.length; i++) {
    const base = view;
    const row = rows[i];
    view = decodeEventState(parse(row.state), keysOf(row), () => base, () => row.fixed);
  }
  return view;
}

interface StatePatch {
  value: unknown;
  $ctx: Fields;
  '-ctx'?: string[];
}

/**
 * What a view adds to its machine's context (describe.ts `taskView`, `agentView`): derived from
 * the state value, and the row's version and time. A snapshot whose context lacks exactly these
 * of its view's keys, and whose value is the view's `stateValue`, is stored as `DerivedSnapshot`.
 */
const VIEW_ONLY = ['status', 'health', 'stateValue', 'version', 'updatedAt'];

/**
 * A snapshot stored as what its context has beyond the view (a task's `attempts`, an agent's
 * timeouts): its value is the view's `stateValue`, its context the view without `VIEW_ONLY` and
 * with `$c`. Where `StatePatch` named the same derived keys and the value in every row (~90 of
 * a task's ~110 bytes), this names neither.
 */
interface DerivedSnapshot {
  $c: Fields;
}

/** What `entities.state` stores for a snapshot committed with `view`: its context as a patch. */
export function encodeEntityState(state: { value: unknown; context: Fields }, view: View): string {
  const fields = view as unknown as Fields;
  const { changed, removed } = diff(fields, state.context, new Set());
  const derived = VIEW_ONLY.filter((key) => key in fields);
  if (removed.length === derived.length && derived.every((key) => removed.includes(key)) && same(state.value, fields.stateValue)) {
    return JSON.stringify({ $c: changed } satisfies DerivedSnapshot);
  }
  const stored: StatePatch = { value: state.value, $ctx: changed };
  if (removed.length > 0) stored['-ctx'] = removed;
  return JSON.stringify(stored);
}

/** A snapshot from what `entities.state` stores (parsed) and the view committed with it. */
export function decodeEntityState(stored: object, view: View | null): { value: unknown; context: Fields } {
  const isDerived = '$c' in stored;
  if (!isDerived && !('$ctx' in stored)) return stored as { value: unknown; context: Fields };
  if (view === null) throw new Error('an entity snapshot stored as a patch has no read-model view to apply it to');
  const fields = view as unknown as Fields;
  if (isDerived) return { value: fields.stateValue, context: patched(fields, (stored as DerivedSnapshot).$c, VIEW_ONLY) };
  const patch = stored as StatePatch;
  return { value: patch.value, context: patched(fields, patch.$ctx, patch['-ctx']) };
}
