/**
 * What every benchmark server shares: a `POST /publish` endpoint the driver calls, the payload
 * shape (the same fields a `taskUpdated` message carries, about 300 bytes), and the READY line
 * the coordinator waits for.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface PublishRequest {
  seq: number;
  /** Epoch ms when the event was "committed" (the driver's clock; same machine). */
  at: number;
}

export function payload(p: PublishRequest) {
  return {
    taskUpdated: {
      cursor: String(p.seq),
      event: 'DISPATCHED',
      task: {
        id: `task-${p.seq}`,
        title: 'Add dark mode to the settings page',
        status: 'DISPATCHED',
        version: 3,
        private: false,
        creator: { id: 'acme/ada', name: 'Ada' },
        org: 'acme',
        updatedAt: new Date(p.at).toISOString(),
      },
    },
  };
}

export function readJson(req: IncomingMessage): Promise<PublishRequest> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(body) as PublishRequest);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

/** Route `POST /publish` to `publish`; everything else to `fallback` (or 404). */
export function publishHandler(publish: (p: PublishRequest) => void, fallback?: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url === '/publish') {
      readJson(req).then(
        (p) => {
          publish(p);
          res.writeHead(204).end();
        },
        () => res.writeHead(400).end(),
      );
      return;
    }
    if (fallback) return fallback(req, res);
    res.writeHead(404).end();
  };
}

/**
 * A full garbage collection on SIGUSR2 (the server runs with --expose-gc), the same in every
 * server of the bench: the idle scenario reads memory after it.
 */
export function collectOnSignal(): void {
  process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
}

export function ready(server: Server): void {
  collectOnSignal();
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    console.log(`READY ${address.port}`);
  });
}
