import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors/config-error.ts';

describe('loadConfig', () => {
  it("defaults to Celery's default backend and safe limits", () => {
    const config = loadConfig([], {});
    expect(config.backend.redacted).toBe('redis://localhost:6379/0');
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4000, maxIds: 1000, graphiql: true, ui: true, globalKeyprefix: '' });
    expect(config.taskIdPattern.source).toBe(UUID_PATTERN);
    expect(config).toMatchObject({ maxWatches: 100_000, maxWatchesPerConnection: 10_000 });
    expect(config).toMatchObject({ maxValueBytes: 4 * 1024 * 1024, maxResponseBytes: 64 * 1024 * 1024 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads env, and flags win over env', () => {
    const env = { CELERY_RESULT_BACKEND: 'redis://h:1/2', PORT: '5000', LENS_MAX_IDS: '10', CELERY_GLOBAL_KEYPREFIX: 'p' };
    expect(loadConfig([], env)).toMatchObject({ port: 5000, maxIds: 10, globalKeyprefix: 'p' });
    expect(loadConfig(['--port', '6000', '--backend', 'redis://x/4'], env)).toMatchObject({ port: 6000, backend: { host: 'x', db: 4 } });
  });

  it('names the option and its env variable in errors', () => {
    expect(() => loadConfig([], { PORT: 'eighty' })).toThrow('--port (PORT) must be an integer from 0 to 65535, got "eighty"');
    expect(() => loadConfig(['--max-ids', '0'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--graphiql', 'maybe'], {})).toThrow(/--graphiql \(LENS_GRAPHIQL\) must be true or false/);
    expect(() => loadConfig(['--task-id-pattern', '('], {})).toThrow(/not a valid regular expression/);
    expect(() => loadConfig(['--nope'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--max-watches', '0'], {})).toThrow('--max-watches (LENS_MAX_WATCHES) must be an integer from 1 to 10000000, got "0"');
  });

  it('--resume-window: seconds from 0 (off) to 7 days, 1 h by default', () => {
    expect(loadConfig([], {}).resumeWindowSeconds).toBe(3600);
    expect(loadConfig([], { LENS_RESUME_WINDOW: '0' }).resumeWindowSeconds).toBe(0);
    expect(() => loadConfig(['--resume-window=-1'], {})).toThrow('--resume-window (LENS_RESUME_WINDOW) must be an integer from 0 to 604800, got "-1"');
    expect(() => loadConfig(['--resume-window', 'soon'], {})).toThrow(ConfigError);
  });

  it('--cors-origins: origins only, same-origin (none) by default', () => {
    expect(loadConfig([], {}).corsOrigins).toEqual([]);
    expect(loadConfig(['--cors-origins', 'https://a.example, http://b.example:8080/,*'], {}).corsOrigins).toEqual([
      'https://a.example',
      'http://b.example:8080',
      '*',
    ]);
    for (const bad of ['a.example', 'https://a.example/path', 'null', 'file:///x']) {
      expect(() => loadConfig(['--cors-origins', bad], {})).toThrow(/--cors-origins \(LENS_CORS_ORIGINS\).*is not an origin/);
    }
  });

  it('--auth true needs a credential source; --metrics-auth needs --auth and API keys', () => {
    expect(() => loadConfig(['--auth', 'true'], {})).toThrow(/--auth true needs a credential source/);
    expect(loadConfig(['--auth', 'true', '--jwt-secret', 's'], {}).auth).toBe(true);
    expect(() => loadConfig(['--metrics-auth', 'true'], {})).toThrow(/--metrics-auth true needs --auth true and --api-keys/);
    expect(() => loadConfig(['--metrics-auth', 'true', '--auth', 'true', '--jwt-secret', 's'], {})).toThrow(/--metrics-auth/);
    expect(loadConfig([], {})).toMatchObject({ metricsAuth: false, metricsOperations: [] });
  });
});
