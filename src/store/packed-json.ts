/**
 * SQLite's packed JSON (issue 14: disk ≤ 2 KB a task): the log's states and payloads and the
 * task rows' views, where they are long enough to gain, are stored as a BLOB of raw DEFLATE
 * (node:zlib) primed with a dictionary of the product's own vocabulary: the views' keys, the
 * machines' states and statuses, the orchestrator's wait codes, the shapes of a stored patch
 * and keyframe. A task's view of ~740 bytes packs to ~300, its log's states and payloads to a
 * third; each read inflates in ~5–10 µs (bench: `--scenario growth` reports what it costs).
 *
 * Why DEFLATE with a dictionary and not a general compressor over the whole file: the values
 * are small (30–1,000 bytes) and each is read alone, so what they share is the vocabulary,
 * not anything within one value; a preset dictionary is how DEFLATE gives small values that.
 * node:zlib has it built in (no native build); zstd's dictionaries would gain a little more
 * but need a native module, and its Node bindings are asynchronous, where reads are not.
 *
 * A packed value is a BLOB: `[tag, ...deflated]`. Text stays what it was, so rows written
 * before (and by the import trigger) read as they are; only `json`'s readers (rows.ts) see the
 * difference. The tag says which dictionary, and whether the text was a log patch (`{"$"`), so
 * a read can tell a patch without inflating it (rows.ts `StoredEvent.isPatch`, sql.ts
 * `fixedOf`). The dictionary of a tag never changes (tests/store/packed-json.test.ts pins its
 * hash): a new vocabulary is a new pair of tags, and readers keep every old one.
 */
import type Database from 'better-sqlite3';
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';

/**
 * The vocabulary of tags 1 and 2. DEFLATE reaches back into a dictionary by distance, and the
 * nearest bytes are the cheapest, so what is most common comes last. Never edit: see above.
 */
const DICTIONARY_V1 = Buffer.from(
  [
    // Agents' views and snapshots.
    '{"id":"","name":"","org":"","ownerId":"","registeredAt":"","lastHeartbeatAt":"","currentTaskId":null,"lastAssignedAt":null,',
    '"lastActivity":"","lastProgressAt":null,"staleAfterMs":30000,"crashAfterMs":120000,"stuckAfterMs":600000,',
    '"status":"idle","health":"healthy","stateValue":{"work":"idle","health":"healthy"}}',
    '{"work":"busy","health":"stale"}{"work":{"busy":"working"},"health":"crashed"}"stuck""offline"',
    // Tasks' later life: coding, review, the end.
    '"progress":{"message":"","percent":null},"heldReason":null,"grant":{"agentId":"","agentName":"","userId":""},"previousAgentId":null,',
    '"pr":{"number":1,"url":"https://","title":""},"mergeCommitSha":"","mergedAt":"","error":"","agentId":"","branch":"',
    '"status":"coding","stateValue":{"active":"coding"}}{"status":"pr_open","stateValue":{"active":"pr_open"}}',
    '{"status":"merged","stateValue":"merged"}{"status":"failed","stateValue":"failed"}{"status":"cancelled","stateValue":"cancelled"}',
    '{"status":"dispatched","stateValue":{"active":{"dispatched":"assigned"}}}',
    // Waiting, clarification, the issue.
    '"waiting":{"code":"agents_unhealthy","reason":"the idle agents of  are not healthy (stale or stuck)","since":"20',
    '"waiting":{"code":"all_agents_busy","reason":"every online agent of  is busy","since":"20',
    '{"reason":"","code":"no_agent_online"}"waiting":{"code":"no_agent_online","reason":"no agent of  is online","since":"20',
    '{"questions":["?"]}"clarifications":[{"questions":["?"],"answers":null}]{"answers":[""]}',
    '{"number":1,"url":"https://"}"issue":{"number":1,"url":"https://"}',
    // A task's first view and keyframe, and its early patches.
    '{"id":"","title":"","description":"","private":false,"creator":{"id":"","name":""},"org":"","createdAt":"20","clarifications":[],',
    '{"status":"needs_clarification","stateValue":{"active":"needs_clarification"}}',
    '{"status":"dispatched","stateValue":{"active":{"dispatched":"openingIssue"}}}',
    '{"status":"dispatched","stateValue":{"active":{"dispatched":"queued"}}}',
    '{"$":{"status":"analyzing","stateValue":{"active":"analyzing"}}}',
    '{"^":31,"clarifications":[],"status":"received","stateValue":{"active":"received"},"version":1,"updatedAt":"20","~":4094}',
  ].join(''),
);

/** Raw DEFLATE's window, 2^12 bytes: room for the dictionary and a view, and a small state to set up per call. */
const WINDOW_BITS = 12;
const DEFLATE = { dictionary: DICTIONARY_V1, windowBits: WINDOW_BITS, memLevel: 4, level: constants.Z_BEST_COMPRESSION };
const INFLATE = { dictionary: DICTIONARY_V1, windowBits: WINDOW_BITS };

/** The tags of dictionary v1: a packed log patch (its text began `{"$"`), and any other JSON. */
const PATCH_V1 = 1;
const WHOLE_V1 = 2;

/** Texts shorter than this stay text: what a dictionary saves on them is less than a read costs. */
const PACK_FROM = 48;
/** And a packed value must be at least this much shorter than its text (a BLOB's header is a byte or two more). */
const PACK_GAIN = 8;

/** The hash tests pin the dictionary to (sha256 of its bytes). */
export const DICTIONARY_V1_BYTES: Buffer = DICTIONARY_V1;

/** A value as SQLite stores it: `text` as it is, or packed where that saves enough. */
export function packJson(text: string): string | Buffer {
  if (text.length < PACK_FROM) return text;
  const deflated = deflateRawSync(text, DEFLATE);
  if (deflated.length + 1 + PACK_GAIN > Buffer.byteLength(text)) return text;
  const packed = Buffer.allocUnsafe(deflated.length + 1);
  packed[0] = text.startsWith('{"$"') ? PATCH_V1 : WHOLE_V1;
  deflated.copy(packed, 1);
  return packed;
}

/** Is a stored value packed (a BLOB, which better-sqlite3 reads as a Buffer)? */
export const isPacked = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

/** Is a packed value a log patch? Known from its tag, without inflating it. */
export const isPackedPatch = (value: Uint8Array) => value[0] === PATCH_V1;

/** The JSON text of a packed value. */
export function unpackJson(value: Uint8Array): string {
  const tag = value[0];
  if (tag !== PATCH_V1 && tag !== WHOLE_V1) throw new Error(`a stored value is packed with tag ${tag}, which this version does not know`);
  return inflateRawSync(value.subarray(1), INFLATE).toString('utf8');
}

/** A stored JSON value parsed: text (SQLite), packed (SQLite, a BLOB) or already parsed (PostgreSQL's JSONB). */
export function parseStored<T>(value: unknown): T {
  if (typeof value === 'string') return JSON.parse(value) as T;
  return (isPacked(value) ? JSON.parse(unpackJson(value)) : value) as T;
}

/** SQL true where a packed value (a BLOB `column`) is a whole view, by its tag: as `!isPackedPatch`. */
export const packedWholeSql = (column: string) => `substr(${column}, 1, 1) = x'0${WHOLE_V1}'`;

/**
 * `unpacked(column)` on a connection: SQL that reads into a packed JSON column (a migration's
 * json_extract, schema.ts) reads it through this, as the text that was committed. Every
 * connection that runs the schema's SQL defines it (sqlite-writes.ts `configure`).
 */
export function defineUnpacked(db: Database.Database): void {
  db.function('unpacked', { deterministic: true }, (value: unknown) => (isPacked(value) ? unpackJson(value) : value));
}
