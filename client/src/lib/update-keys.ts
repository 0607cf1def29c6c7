/**
 * Each task's place in the "latest change first" order (`tasks(sort: UPDATED)`): the log cursor of
 * the event that made the version the store holds. The server says it twice, alike: a page's edge
 * cursor in UPDATED order, and a `taskUpdated` message's cursor (src/schema/schema.graphql,
 * TaskEdge). Kept per version, so an older answer arriving late never moves a task back.
 */
export class UpdateKeys {
  private readonly keys = new Map<string, { version: number; key: number }>();

  /** `cursor` made `version` of task `id` (a decimal log cursor; anything else is ignored). */
  note(id: string, version: number, cursor: string): void {
    const key = Number(cursor);
    if (!Number.isSafeInteger(key)) return;
    const held = this.keys.get(id);
    if (!held || held.version < version || (held.version === version && held.key < key)) this.keys.set(id, { version, key });
  }

  get = (id: string): number | undefined => this.keys.get(id)?.key;

  clear(): void {
    this.keys.clear();
  }
}
