/**
 * `POST /webhooks/github`: GitHub's signed deliveries.
 *
 * The signature (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body with GITHUB_WEBHOOK_SECRET)
 * is checked with @octokit/webhooks-methods, which compares in constant time, before the body is
 * parsed. A delivery id (`X-GitHub-Delivery`) already handled is answered from the record and not
 * applied again. Nothing is changed for a bad signature (401) or a malformed payload (400).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import type { Logger } from 'pino';
import type { GitHubWebhooks } from '../services/github-webhooks.js';
import type { EventStore } from '../store/types.js';

export interface WebhookDeps {
  secret: string | undefined;
  webhooks: GitHubWebhooks;
  store: EventStore;
  logger: Logger;
  /** GitHub caps payloads at 25 MB; pull_request events are a few KB. @default 1 MiB */
  maxBytes?: number;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new TooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON bodies, or GitHub's "application/x-www-form-urlencoded" option (`payload=<json>`). */
function parsePayload(body: string, contentType: string | undefined): unknown {
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    return JSON.parse(new URLSearchParams(body).get('payload') ?? '');
  }
  return JSON.parse(body);
}

export function githubWebhookHandler(deps: WebhookDeps) {
  const maxBytes = deps.maxBytes ?? 1024 * 1024;
  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return answer(res, 405, { error: 'use POST' });
    if (!deps.secret) {
      return answer(res, 503, { error: 'GitHub webhooks are not configured: set GITHUB_WEBHOOK_SECRET' });
    }
    let body: string;
    try {
      body = await readBody(req, maxBytes);
    } catch (error) {
      if (error instanceof TooLarge) return answer(res, 413, { error: `payload larger than ${maxBytes} bytes` });
      throw error;
    }
    const signature = req.headers['x-hub-signature-256'];
    let valid = false;
    if (typeof signature === 'string' && body.length > 0) {
      try {
        valid = await verify(deps.secret, body, signature);
      } catch (error) {
        // A malformed signature header is simply not a valid signature.
        deps.logger.debug({ err: error }, 'unverifiable webhook signature');
      }
    }
    if (!valid) {
      deps.logger.warn({ delivery: req.headers['x-github-delivery'] }, 'webhook with a bad or missing signature');
      return answer(res, 401, { error: 'bad or missing X-Hub-Signature-256' });
    }
    const delivery = req.headers['x-github-delivery'];
    const event = req.headers['x-github-event'];
    if (typeof delivery !== 'string' || !delivery || typeof event !== 'string' || !event) {
      return answer(res, 400, { error: 'missing X-GitHub-Delivery or X-GitHub-Event' });
    }
    const previous = await deps.store.webhookDelivery(delivery);
    if (previous !== null) return answer(res, 200, { message: previous, duplicate: true });
    let payload: unknown;
    try {
      payload = parsePayload(body, req.headers['content-type']);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error; // JSON.parse throws nothing else for bad text
      return answer(res, 400, { error: 'payload is not valid JSON' });
    }
    const outcome = await deps.webhooks.handle(event, payload);
    if (outcome.final) await deps.store.recordWebhookDelivery(delivery, outcome.message);
    deps.logger.info({ delivery, event, status: outcome.status, outcome: outcome.message }, 'github webhook');
    return answer(res, outcome.status, { message: outcome.message });
  };
}
