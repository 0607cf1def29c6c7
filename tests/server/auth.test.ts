/**
 * Auth's cache of verified tokens: a remembered token is still refused once it expires, and a
 * token that failed verification is never remembered.
 */
import { describe, expect, it } from 'vitest';
import { Auth } from '../../src/server/auth.js';

const viewer = { id: 'acme/ada', name: 'Ada', org: 'acme' };
const code = (error: unknown) => (error as { code?: string }).code;

describe('verified-token cache', () => {
  it('refuses a token it verified before once that token has expired', async () => {
    const auth = new Auth('a-secret-that-is-long-enough-for-hs256-signing!', false);
    // exp has one-second granularity: this token expires at the next whole second + 1.
    const token = await auth.sign(viewer, Date.now() + 1000);
    expect((await auth.verify(token)).viewer).toEqual(viewer);
    expect((await auth.verify(token)).viewer).toEqual(viewer); // from the cache
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const refused = await auth.verify(token).catch((error: unknown) => error);
    expect(code(refused)).toBe('UNAUTHENTICATED');
    expect((refused as Error).message).toMatch(/expired/i);
  });

  it('never remembers a token signed with another key', async () => {
    const ours = new Auth('a-secret-that-is-long-enough-for-hs256-signing!', false);
    const theirs = new Auth('another-secret-that-is-long-enough-for-hs256!!', false);
    const forged = await theirs.sign(viewer, Date.now() + 60_000);
    for (let i = 0; i < 2; i++) {
      const refused = await ours.verify(forged).catch((error: unknown) => error);
      expect(code(refused)).toBe('UNAUTHENTICATED');
    }
  });
});
