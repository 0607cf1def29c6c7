/**
 * The doorbell of task logs: "task X has new lines". Tails (log subscriptions) wait on their task's
 * bell and then read the store after their cursor, as event subscribers do with the log: the
 * store is the source, the bell only says when to look. Rung locally at once; with Redis, also
 * published on `<channel>:logs` (the task id) for the other instances. A lost ring costs latency
 * only: a tail also looks every `pollMs`.
 */
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface LogFeed {
  ring(taskId: string): void;
  /** Calls `listener` at every ring for `taskId` until the returned function is called. */
  listen(taskId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

export class MemoryLogFeed implements LogFeed {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  ring(taskId: string): void {
    this.emitter.emit(taskId);
  }

  listen(taskId: string, listener: () => void): () => void {
    this.emitter.on(taskId, listener);
    return () => this.emitter.off(taskId, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** Rings the other instances too, through Redis pub/sub (ioredis reconnects on its own). */
export class RedisLogFeed extends MemoryLogFeed {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;

  constructor(options: { url: string; channel: string; logger: Logger }) {
    super();
    this.channel = `${options.channel}:logs`;
    const common = { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n: number) => Math.min(2000, 100 * n) };
    this.publisher = new Redis(options.url, common);
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true });
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error: Error) => options.logger.warn({ err: error }, 'redis error (task logs)'));
    this.subscriber.on('message', (_channel: string, taskId: string) => super.ring(taskId));
    this.subscriber.on('ready', () => void this.subscriber.subscribe(this.channel).catch(() => {}));
  }

  override ring(taskId: string): void {
    super.ring(taskId);
    // Our own PUBLISH comes back to us too: one extra look for local tails, harmless.
    this.publisher.publish(this.channel, taskId).catch(() => {});
  }

  override async close(): Promise<void> {
    await super.close();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
