import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/server/env.js';
import { userEnv } from './utils/process.js';

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

  it('reports bad fields and the problems between fields together, in one error', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
      return expect.unreachable('the configuration was accepted');
    };
    const problems = problemsOf({
      // Bad fields.
      PORT: '99999',
      LOG_LEVEL: 'loud',
      WS_MAX_PAYLOAD_BYTES: '12',
      DATABASE_URL: 'mysql://db',
      // Problems between fields, each between valid fields.
      HOST: '0.0.0.0', // and no JWT_SECRET
      AGENT_STALE_AFTER_MS: '5000',
      AGENT_CRASH_AFTER_MS: '1000',
      GITHUB_TOKEN: 'ghp_x', // and no GITHUB_REPO
      ANALYZER_URL: 'https://llm.example/v1', // and no ANALYZER_MODEL
      ALLOWED_ORIGINS: 'https://ok.example, https://a.example/path',
    });
    const fields = problems.map((p) => p.slice(0, p.indexOf(':')));
    expect(fields.sort()).toEqual(
      [
        'PORT',
        'LOG_LEVEL',
        'WS_MAX_PAYLOAD_BYTES',
        'DATABASE_URL',
        'JWT_SECRET',
        'AGENT_CRASH_AFTER_MS',
        'GITHUB_TOKEN and GITHUB_REPO',
        'ANALYZER_MODEL',
        'ALLOWED_ORIGINS',
      ].sort(),
    );
    expect(problems.find((p) => p.startsWith('JWT_SECRET'))).toMatch(/required when HOST \(0\.0\.0\.0\)/);
    expect(problems.find((p) => p.startsWith('ALLOWED_ORIGINS'))).toContain('"https://a.example/path"');

    // A check between fields is not run on a field already reported: a too-short JWT_SECRET off
    // loopback is one problem (too short), not also "required"; a bad stale timeout is not compared.
    expect(problemsOf({ HOST: '0.0.0.0', JWT_SECRET: 'short', AGENT_STALE_AFTER_MS: 'soon', AGENT_CRASH_AFTER_MS: '1000' })).toEqual([
      'JWT_SECRET: must be at least 32 characters (HS256 needs a 256-bit key)',
      expect.stringMatching(/^AGENT_STALE_AFTER_MS: /),
    ]);
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

  it('turns retention on with RETENTION_DAYS (fractions too) and refuses a bad value', () => {
    expect(loadConfig({}).retention).toBeNull();
    expect(loadConfig({ RETENTION_DAYS: '30' }).retention).toEqual({ days: 30, maxAgeMs: 30 * 86_400_000, intervalMs: 3_600_000 });
    expect(loadConfig({ RETENTION_DAYS: '0.5', RETENTION_INTERVAL_MS: '60000' }).retention).toEqual({ days: 0.5, maxAgeMs: 43_200_000, intervalMs: 60_000 });
    const message = 'RETENTION_DAYS: must be a positive number of days, such as 30 or 0.5 (unset it to keep every event)';
    for (const bad of ['-1', '0', 'thirty', '1e3', 'NaN']) {
      expect(() => loadConfig({ RETENTION_DAYS: bad }), bad).toThrow(message);
    }
    expect(() => loadConfig({ RETENTION_DAYS: '1', RETENTION_INTERVAL_MS: '10' })).toThrow(/RETENTION_INTERVAL_MS/);
  });

  it('fails boot with the message for a bad RETENTION_DAYS: the server exits 1 saying why', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/index.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: userEnv({ RETENTION_DAYS: '-3', DATA_DIR: '/nonexistent/never-created' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid configuration:\n  - RETENTION_DAYS: must be a positive number of days');
  });
});
