/**
 * Secrets masked in log lines before they are stored (issue 16): what a build or an LLM agent
 * prints often carries a token it was given. A line is stored with each match replaced by
 * `[masked]`; nothing is kept of what was masked.
 *
 * Known token shapes are masked wherever they appear; anything else is masked where the line says
 * it is a secret (`password=…`, `"api_key": "…"`, `Authorization: Bearer …`, `https://user:pass@`).
 */
const MASK = '[masked]';

/** Tokens recognisable by their shape alone. */
const TOKENS: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{20,}\b/g, // OpenAI, Anthropic, Stripe
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/g,
];

/** A value after a key that names a secret, quoted or not. */
const ASSIGNED = /((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)["']?\s*[:=]\s*["']?)([^\s"',;&]{3,})/gi;
const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/-]{8,}=*/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@/]+@/gi;

export function maskSecrets(line: string): string {
  let out = line;
  for (const pattern of TOKENS) out = out.replace(pattern, MASK);
  out = out.replace(URL_PASSWORD, `$1${MASK}@`);
  out = out.replace(BEARER, `$1 ${MASK}`);
  out = out.replace(ASSIGNED, (_all, key: string, value: string) => (value === MASK ? `${key}${value}` : `${key}${MASK}`));
  return out;
}
