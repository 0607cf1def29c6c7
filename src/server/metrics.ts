/**
 * Prometheus metrics (prom-client) and the live figures `/healthz` reports.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'conveyor_ws_connections', help: 'Open graphql-ws connections', registers: [this.registry] });
  readonly subscriptions = new Gauge({ name: 'conveyor_subscriptions', help: 'Active subscriptions (all transports)', registers: [this.registry] });
  readonly messages = new Counter({ name: 'conveyor_ws_messages_sent_total', help: 'graphql-ws next messages sent', registers: [this.registry] });
  readonly operations = new Counter({ name: 'conveyor_graphql_operations_total', help: 'GraphQL operations by type', labelNames: ['type', 'transport'], registers: [this.registry] });
  readonly errors = new Counter({ name: 'conveyor_graphql_errors_total', help: 'GraphQL errors by code', labelNames: ['code'], registers: [this.registry] });
  readonly committed = new Counter({ name: 'conveyor_events_committed_total', help: 'Events committed to the log', labelNames: ['entity'], registers: [this.registry] });
  readonly logCursor = new Gauge({ name: 'conveyor_log_cursor', help: 'Newest committed cursor seen by this process', registers: [this.registry] });

  // messages/s over a sliding window of one-second buckets, for /healthz.
  private readonly window = new Array<number>(10).fill(0);
  private windowAt = Math.floor(Date.now() / 1000);
  private errorCount = 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  messageSent(count = 1): void {
    this.messages.inc(count);
    this.rotate();
    this.window[this.windowAt % this.window.length] += count;
  }

  error(code: string): void {
    this.errors.inc({ code });
    this.errorCount++;
  }

  messagesPerSecond(): number {
    this.rotate();
    const now = this.windowAt;
    // Average over the completed seconds of the window (the current one is still filling).
    let sum = 0;
    for (let s = now - this.window.length + 1; s < now; s++) sum += this.window[s % this.window.length];
    return Math.round((sum / (this.window.length - 1)) * 10) / 10;
  }

  get errorsTotal(): number {
    return this.errorCount;
  }

  private rotate(): void {
    const now = Math.floor(Date.now() / 1000);
    for (let s = this.windowAt + 1; s <= now && s <= this.windowAt + this.window.length; s++) {
      this.window[s % this.window.length] = 0;
    }
    this.windowAt = now;
  }
}
