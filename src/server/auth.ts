/**
 * Authentication: standard HS256 JWTs (claims `sub`, `name`, `org`) verified with `jose`.
 *
 * With no JWT_SECRET on a loopback host the embedded default offers dev sign-in; its signing key
 * is generated once and kept in DATA_DIR so dev tokens survive restarts (an open dashboard keeps
 * working across a server restart).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { forbidden, unauthenticated } from '../errors.js';
import { parse, schemas } from '../services/validate.js';
import type { Viewer } from '../store/types.js';

export interface Authenticated {
  viewer: Viewer;
  /** Epoch ms when the token expires, or null if it has no `exp`. */
  expiresAt: number | null;
}

/** Verified tokens remembered (most recent first out of a Map used as an LRU). */
const VERIFIED_CACHE_SIZE = 5000;

/**
 * Write a small file so that a crash or power loss leaves it whole or absent, never empty: a
 * temporary file, fsynced, renamed over the name, and the directory fsynced for the rename.
 */
function writeDurably(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export class Auth {
  private readonly key: Uint8Array;
  /**
   * Tokens already verified, until they expire: a client sends the same bearer token with every
   * request, and jose's WebCrypto HMAC check cost ~7 % of the server's time under the latency
   * benchmark's HTTP load. A token is only remembered after a full verification succeeded (so
   * its signature, algorithm, nbf and claims were checked); `exp` is re-checked on every hit.
   */
  private readonly verified = new Map<string, Authenticated>();

  constructor(
    secret: string | Uint8Array,
    readonly devSignInEnabled: boolean,
    private readonly devTokenTtlSeconds = 12 * 3600,
  ) {
    this.key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  }

  /** The configured secret, or the persisted dev key when dev sign-in is on. */
  static fromConfig(config: {
    jwtSecret: string | undefined;
    devSignIn: boolean;
    dataDir: string;
    devTokenTtlSeconds: number;
  }): Auth {
    if (config.jwtSecret) return new Auth(config.jwtSecret, false, config.devTokenTtlSeconds);
    const file = join(config.dataDir, 'dev-jwt-secret');
    // An empty key file is what a power loss or a failing disk leaves of a key written just before
    // (tests/reliability/disk-error.test.ts): the tokens it signed are gone with it, make a new one.
    if (!existsSync(file) || readFileSync(file, 'utf8').trim() === '') {
      writeDurably(file, randomBytes(32).toString('base64url'));
    }
    return new Auth(readFileSync(file, 'utf8').trim(), config.devSignIn, config.devTokenTtlSeconds);
  }

  /**
   * Verify a token; throws UNAUTHENTICATED with the reason (never the token itself).
   *
   * Only HS256 with our key is accepted: `alg: none`, other HMAC sizes (even keyed with our
   * secret) and asymmetric algorithms are refused before any signature check, so a token cannot
   * pick how it is verified. `exp` is required: a token without it would be valid forever.
   */
  async verify(token: string): Promise<Authenticated> {
    const known = this.verified.get(token);
    if (known && known.expiresAt !== null && Date.now() < known.expiresAt) return known;
    if (known) this.verified.delete(token);
    const fresh = await this.verifyFully(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, fresh);
    return fresh;
  }

  private async verifyFully(token: string): Promise<Authenticated> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }));
    } catch (error) {
      throw unauthenticated(reasonFor(error));
    }
    const { sub, name, org } = payload as { sub?: unknown; name?: unknown; org?: unknown };
    const missing = (['sub', 'name', 'org'] as const).filter((claim) => {
      const value = { sub, name, org }[claim];
      return typeof value !== 'string' || value.trim() === '';
    });
    if (missing.length > 0) throw unauthenticated(`Token is missing the ${missing.join(', ')} claim (a non-empty string each)`);
    return {
      viewer: { id: sub as string, name: name as string, org: org as string },
      expiresAt: (payload.exp as number) * 1000,
    };
  }

  /** Token from an `Authorization: Bearer …` value; null when absent. */
  static bearer(value: unknown): string | null {
    if (typeof value !== 'string' || value.trim() === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
    if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
    return match[1];
  }

  async devSignIn(rawName: unknown, rawOrg: unknown) {
    if (!this.devSignInEnabled) {
      throw forbidden('Dev sign-in is disabled: the server has a JWT_SECRET or is not bound to loopback');
    }
    const name = parse(schemas.userName, rawName, 'name');
    const org = parse(schemas.org, rawOrg, 'org');
    const viewer: Viewer = { id: `${org}/${name.toLowerCase().replace(/\s+/g, '-')}`, name, org };
    const expiresAt = Date.now() + this.devTokenTtlSeconds * 1000;
    return { token: await this.sign(viewer, expiresAt), expiresAt: new Date(expiresAt).toISOString(), viewer };
  }

  /** Sign a token (dev sign-in and tests). */
  async sign(viewer: Viewer, expiresAt: number, notBefore?: number): Promise<string> {
    const jwt = new SignJWT({ name: viewer.name, org: viewer.org })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(viewer.id)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000));
    if (notBefore !== undefined) jwt.setNotBefore(Math.floor(notBefore / 1000));
    return jwt.sign(this.key);
  }
}

/** Why jose refused a token, in words a client can act on; anything else is unexpected. */
function reasonFor(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'Token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'Token is not valid yet (nbf is in the future)';
    if (error.reason === 'missing') return `Token is missing the ${error.claim} claim`;
    return `Token has an invalid ${error.claim} claim`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
    return 'Token algorithm is not accepted (only HS256)';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
  if (error instanceof joseErrors.JOSEError) return `Token is malformed (${error.code})`;
  throw error;
}
