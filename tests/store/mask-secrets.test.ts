/** Secrets in log lines are masked before storage (src/logs/mask.ts). */
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/logs/mask.js';

describe('maskSecrets', () => {
  it('masks known token shapes wherever they are', () => {
    const cases: [string, string][] = [
      ['cloning with ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'cloning with [masked]'],
      ['OPENAI: sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz123456 ok', 'OPENAI: [masked] ok'],
      ['key AKIAIOSFODNN7EXAMPLE in use', 'key [masked] in use'],
      ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ done', 'jwt [masked] done'],
      ['slack xoxb-1234567890-abcdefghij', 'slack [masked]'],
      ['npm npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm [masked]'],
    ];
    for (const [line, masked] of cases) expect(maskSecrets(line)).toBe(masked);
  });

  it('masks what a line says is a secret', () => {
    expect(maskSecrets('password=hunter22 user=ada')).toBe('password=[masked] user=ada');
    expect(maskSecrets('{"api_key": "abc123def", "n": 1}')).toBe('{"api_key": "[masked]", "n": 1}');
    expect(maskSecrets('curl -H "Authorization: Bearer abcdef123456789"')).toBe('curl -H "Authorization: Bearer [masked]"');
    expect(maskSecrets('git clone https://ada:s3cr3tpass@github.com/acme/app')).toBe('git clone https://ada:[masked]@github.com/acme/app');
    expect(maskSecrets('TOKEN: ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('TOKEN: [masked]');
  });

  it('leaves ordinary output alone', () => {
    for (const line of ['npm test', '✓ 148 tests passed', 'tokens: 1200 in, 340 out', 'Compiled in 2.3 s', 'see https://github.com/acme/app/pull/4']) {
      expect(maskSecrets(line)).toBe(line);
    }
  });
});
