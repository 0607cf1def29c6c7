/**
 * A raw graphql-transport-ws socket for the fuzz tests. The graphql-ws client refuses to send
 * malformed frames, so this one speaks `ws` directly: any text or binary frame, in any order.
 */
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

/** What the server sent: parsed JSON messages (or the raw text if it was not JSON). */
export type Received = { type?: string; id?: string; payload?: unknown } & Record<string, unknown>;

export class RawSocket {
  readonly received: Received[] = [];
  readonly closed: Promise<Closed>;
  private closedWith: Closed | null = null;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closedWith = { code, reason: String(reason) };
        resolve(this.closedWith);
        this.wake();
      });
    });
    socket.on('message', (data) => {
      const text = String(data);
      try {
        this.received.push(JSON.parse(text) as Received);
      } catch {
        this.received.push({ raw: text });
      }
      this.wake();
    });
    // A socket error (e.g. the server cut us off mid-frame) shows up as the close that follows.
    socket.on('error', () => {});
  }

  static open(url: string, protocol: string = GRAPHQL_TRANSPORT_WS_PROTOCOL): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocol);
      const raw = new RawSocket(socket);
      socket.once('open', () => resolve(raw));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  get isClosed(): Closed | null {
    return this.closedWith;
  }

  send(frame: string | Buffer, binary = false): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame, { binary });
  }

  sendJson(message: unknown): void {
    this.send(JSON.stringify(message));
  }

  /** connection_init with this token; resolves on connection_ack (rejects on a close). */
  async init(token: string): Promise<void> {
    this.sendJson({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    await this.waitFor((m) => m.type === 'connection_ack');
  }

  /** The first message matching `match` (looking at what came already too), or reject on close/timeout. */
  waitFor(match: (message: Received) => boolean, timeoutMs = 5000, from = 0): Promise<Received> {
    return this.until(() => this.received.slice(from).find(match), timeoutMs, 'message');
  }

  /** Resolves when `count` messages match. */
  waitForCount(match: (message: Received) => boolean, count: number, timeoutMs = 10_000): Promise<Received[]> {
    return this.until(
      () => {
        const found = this.received.filter(match);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} messages`,
    );
  }

  /** Resolves with the close, or rejects if the socket is still open after `timeoutMs`. */
  async waitForClose(timeoutMs = 5000): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms; received ${JSON.stringify(this.received).slice(0, 400)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A ping answered by a pong: everything sent before it has been read by the server. */
  async roundTrip(timeoutMs = 5000): Promise<void> {
    const from = this.received.length;
    this.sendJson({ type: 'ping', payload: { probe: from } });
    await this.waitFor((m) => m.type === 'pong', timeoutMs, from);
  }

  close(): Promise<Closed> {
    if (!this.closedWith) this.socket.close(1000, 'done');
    return this.closed;
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const found = check();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.closedWith) {
          done();
          reject(new Error(`closed (${this.closedWith.code} ${this.closedWith.reason}) before ${what}; received ${JSON.stringify(this.received).slice(0, 400)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} in ${timeoutMs} ms; received ${JSON.stringify(this.received).slice(-400)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(test);
      };
      this.waiters.add(test);
      test();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
