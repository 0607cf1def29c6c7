import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/server/env.js';

describe('config', () => {
  it('defaults to the embedded setup on loopback with dev sign-in', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', devSignIn: true, jwtSecret: undefined });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', JWT_SECRET: 'short', HOST: '0.0.0.0', AGENT_STALE_AFTER_MS: '5000', AGENT_CRASH_AFTER_MS: '1000' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('JWT_SECRET');
    }
  });

  it('refuses to run without a JWT secret off loopback, and disables dev sign-in with one', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ HOST: '0.0.0.0', JWT_SECRET: 'x'.repeat(32) }).devSignIn).toBe(false);
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).devSignIn).toBe(false);
  });

  it('validates ALLOWED_ORIGINS and crash/stale ordering', () => {
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'not a url' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://a.example/path' })).toThrow(/ALLOWED_ORIGINS/);
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://a.example, http://localhost:5173' }).allowedOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(() => loadConfig({ AGENT_STALE_AFTER_MS: '5000', AGENT_CRASH_AFTER_MS: '5000' })).toThrow(/AGENT_CRASH_AFTER_MS/);
  });
});
