/**
 * The codes the fuzz tests accept are the codes the README documents: a code the server starts
 * sending must be written down before a fuzz answer carrying it passes.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DOCUMENTED_CODES } from './codes.js';

it('every code the fuzz tests accept is documented in the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const missing = [...DOCUMENTED_CODES].filter((code) => !readme.includes(`\`${code}\``));
  expect(missing).toEqual([]);
});
