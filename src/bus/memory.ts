import { EventEmitter } from 'node:events';
import type { Bus } from './types.js';

/** In-process bus, the embedded default. Rings are delivered on a later microtask, never inline,
 * so a commit path never runs subscriber code before it returns. Rings in the same turn coalesce
 * into one with the newest cursor (a group commit resolves hundreds of commits at once; the
 * doorbell only says how far the log has grown). */
export class MemoryBus implements Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private newest = 0;
  private scheduled = false;

  notify(cursor: number): void {
    if (cursor > this.newest) this.newest = cursor;
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.emitter.emit('ring', this.newest);
    });
  }

  onNotify(listener: (cursor: number) => void): () => void {
    this.emitter.on('ring', listener);
    return () => this.emitter.off('ring', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
