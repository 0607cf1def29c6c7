/**
 * GitHub webhook deliveries as GitHub sends them: HMAC-SHA256 of the raw body with the shared
 * secret, hex, "sha256=" prefix (computed here with node:crypto, independently of the server's
 * verifier), plus the event and delivery headers.
 */
import { createHmac, randomUUID } from 'node:crypto';

export function signGitHub(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function deliverGitHub(
  server: { url: string },
  secret: string,
  event: string,
  body: string,
  options: { id?: string; signature?: string | null } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.id ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/abc123',
  };
  const signature = options.signature === undefined ? signGitHub(body, secret) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
