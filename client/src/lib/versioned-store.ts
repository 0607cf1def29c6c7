/**
 * Entities by id, kept live from subscription messages. An update older than (or as old as) the
 * version already held is ignored, so a replay after reconnect, or a query answer that raced a
 * subscription, can never move the UI backwards.
 */
import { useSyncExternalStore } from 'react';

export interface Versioned {
  id: string;
  version: number;
}

export class VersionedStore<T extends Versioned, In = T> {
  private items = new Map<string, T>();
  private snapshot: T[] = [];
  private readonly listeners = new Set<() => void>();
  /** Ids first seen live (not from the initial load), with when: for "new" highlights. */
  readonly arrivedAt = new Map<string, number>();
  /** When each entry last took a live update (`apply`), for lists that must place it (lib/paged-list.ts). */
  readonly changedAt = new Map<string, number>();
  /**
   * True once a `complete` load came: for the task store, once the live stream's start is known
   * (components/LiveTasks.tsx); lists read after that miss no change (lib/dashboard-view.ts).
   */
  loaded = false;

  /**
   * `read` turns what arrives into what is held: with fragment masking, a query's masked
   * reference to the store's fragment into that fragment's fields. It is the one place a store's
   * entries are unmasked; without it they are held as they arrive.
   */
  constructor(private readonly read: (input: In) => T = (input) => input as unknown as T) {}

  /**
   * Merge a batch (e.g. a query result). `complete`: the store is now ready to be read (sets
   * `loaded`). Returns how many entries changed.
   */
  load(items: readonly In[], { complete = false } = {}): number {
    let changed = 0;
    for (const item of items) if (this.put(this.read(item))) changed++;
    if (complete && !this.loaded) {
      this.loaded = true;
      changed++;
    }
    if (changed > 0) this.emit();
    return changed;
  }

  /** Apply one live update. Returns false when it was stale and ignored. */
  apply(input: In, { isNew = false } = {}): boolean {
    const item = this.read(input);
    if (!this.put(item)) return false;
    const now = Date.now();
    this.changedAt.set(item.id, now);
    if (isNew) this.arrivedAt.set(item.id, now);
    this.emit();
    return true;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  all(): T[] {
    return this.snapshot;
  }

  clear(): void {
    this.items.clear();
    this.arrivedAt.clear();
    this.changedAt.clear();
    this.loaded = false;
    this.emit();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  private put(item: T): boolean {
    const held = this.items.get(item.id);
    if (held && held.version >= item.version) return false;
    // Subscriptions may select fewer fields than the detail query: keep what we already know.
    this.items.set(item.id, held ? { ...held, ...item } : item);
    return true;
  }

  private emit(): void {
    this.snapshot = [...this.items.values()];
    for (const listener of this.listeners) listener();
  }
}

export function useStore<T extends Versioned>(store: VersionedStore<T, any>): T[] {
  return useSyncExternalStore(store.subscribe, () => store.all());
}

export function useStoreItem<T extends Versioned>(store: VersionedStore<T, any>, id: string): T | undefined {
  return useSyncExternalStore(store.subscribe, () => store.get(id));
}
