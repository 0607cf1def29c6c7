import { EventEmitter } from 'node:events';
import type { Bus } from './types.js';

/** In-process bus, the embedded default. Rings are delivered on a later microtask, never inline,
 * so a commit path never runs subscriber code before it returns. */
export class MemoryBus implements Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  notify(cursor: number): void {
    queueMicrotask(() => this.emitter.emit('ring', cursor));
  }

  onNotify(listener: (cursor: number) => void): () => void {
    this.emitter.on('ring', listener);
    return () => this.emitter.off('ring', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
