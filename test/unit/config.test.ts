import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { UUID_PATTERN } from '../../src/config/options.ts';
import { ConfigError } from '../../src/errors/config-error.ts';

describe('loadConfig', () => {
  it("defaults to Celery's default backend and safe limits", () => {
    const config = loadConfig([], {});
    expect(config.backend.redacted).toBe('redis://localhost:6379/0');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      maxIds: 1000,
      graphiql: true,
      ui: true,
      globalKeyprefix: '',
    });
    expect(config.taskIdPattern.source).toBe(UUID_PATTERN);
    expect(config).toMatchObject({ maxWatches: 100_000, maxWatchesPerConnection: 10_000 });
    expect(config).toMatchObject({ maxValueBytes: 4 * 1024 * 1024, maxResponseBytes: 64 * 1024 * 1024 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads env, and flags win over env', () => {
    const env = {
      CELERY_RESULT_BACKEND: 'redis://h:1/2',
      PORT: '5000',
      LENS_MAX_IDS: '10',
      CELERY_GLOBAL_KEYPREFIX: 'p',
    };
    expect(loadConfig([], env)).toMatchObject({ port: 5000, maxIds: 10, globalKeyprefix: 'p' });
    expect(loadConfig(['--port', '6000', '--backend', 'redis://x/4'], env)).toMatchObject({
      port: 6000,
      backend: { host: 'x', db: 4 },
    });
  });

  it('names the option and its env variable in errors', () => {
    expect(() => loadConfig([], { PORT: 'eighty' })).toThrow(
      '--port (PORT) must be an integer from 0 to 65535, got "eighty"',
    );
    expect(() => loadConfig(['--max-ids', '0'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--graphiql', 'maybe'], {})).toThrow(/--graphiql \(LENS_GRAPHIQL\) must be true or false/);
    expect(() => loadConfig(['--task-id-pattern', '('], {})).toThrow(/not a valid regular expression/);
    expect(() => loadConfig(['--nope'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--max-watches', '0'], {})).toThrow(
      '--max-watches (LENS_MAX_WATCHES) must be an integer from 1 to 10000000, got "0"',
    );
    expect(() => loadConfig([], { LENS_MAX_AWAIT_SECONDS: '0' })).toThrow(
      '--max-await-seconds (LENS_MAX_AWAIT_SECONDS) must be an integer from 1 to 86400, got "0"',
    );
    expect(loadConfig([], {}).maxAwaitSeconds).toBe(300);
    expect(() => loadConfig(['--token-secret', 'short'], {})).toThrow(
      '--token-secret (LENS_TOKEN_SECRET) must have at least 32 characters, got 5',
    );
    expect(loadConfig(['--jwt-secret', 'j'], {}).tokenSecret).toBe('j');
    expect(loadConfig(['--jwt-secret', 'j', '--token-secret', 't'.repeat(32)], {}).tokenSecret).toBe('t'.repeat(32));
    // Page cursor secrets: none (keys kept in Redis), or a list, the signing one first.
    expect(loadConfig([], {}).cursorSecrets).toEqual([]);
    expect(loadConfig([], { LENS_CURSOR_SECRET: `${'n'.repeat(32)}, ${'o'.repeat(40)}` }).cursorSecrets).toEqual([
      'n'.repeat(32),
      'o'.repeat(40),
    ]);
    expect(() => loadConfig(['--cursor-secret', `${'n'.repeat(32)},short`], {})).toThrow(
      '--cursor-secret (LENS_CURSOR_SECRET): each secret must have at least 32 characters, got one of 5',
    );
    expect(() => loadConfig(['--cursor-secret', `${'n'.repeat(32)},${'n'.repeat(32)}`], {})).toThrow(
      '--cursor-secret (LENS_CURSOR_SECRET): a secret is listed twice',
    );
  });

  it('--control is off and --send-allow allows nothing by default; patterns are globs, the rest literal', () => {
    expect(loadConfig([], {})).toMatchObject({ control: false, sendAllow: [] });
    expect(() => loadConfig(['--control', 'yes please'], {})).toThrow(
      /--control \(LENS_CONTROL\) must be true or false/,
    );
    const [tasks, exact] = loadConfig(['--send-allow', 'proj.tasks.*, billing.refund_?'], {
      LENS_CONTROL: 'true',
    }).sendAllow;
    expect(['proj.tasks.report', 'proj.tasks.a.b'].every((name) => tasks!.test(name))).toBe(true);
    expect(['proj.tasksX', 'projXtasks.report', 'other.proj.tasks.x'].some((name) => tasks!.test(name))).toBe(false);
    expect(exact!.test('billing.refund_1')).toBe(true);
    expect(exact!.test('billing.refund_12')).toBe(false);
  });

  it("--priority-steps and --priority-sep: kombu's transport options, its defaults unless said", () => {
    expect(loadConfig([], {})).toMatchObject({ prioritySteps: [0, 3, 6, 9], prioritySep: '\x06\x16' });
    expect(loadConfig(['--priority-steps', '0,1,2,3,4,5,6,7,8,9', '--priority-sep', ':'], {})).toMatchObject({
      prioritySteps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      prioritySep: ':',
    });
    expect(loadConfig([], { CELERY_PRIORITY_SEP: '\\x1f-' }).prioritySep).toBe('\x1f-');
    for (const bad of ['', '3,0', '0,3,3', '0,10', '0,x', '-1,2', '1.5']) {
      expect(() => loadConfig([`--priority-steps=${bad}`], {})).toThrow(
        /--priority-steps \(CELERY_PRIORITY_STEPS\) must be ascending integers from 0 to 9/,
      );
    }
    for (const bad of ['', 'x'.repeat(17), 'a\\b']) {
      expect(() => loadConfig([`--priority-sep=${bad}`], {})).toThrow(
        /--priority-sep \(CELERY_PRIORITY_SEP\) must be 1 to 16 characters/,
      );
    }
  });

  it('--rate-limit is off by default; --trust-proxy takes addresses and CIDRs', () => {
    expect(loadConfig([], {})).toMatchObject({ rateLimit: 0, trustProxy: [] });
    expect(loadConfig(['--trust-proxy', '10.0.0.0/8,::1'], {}).trustProxy).toEqual([
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
    ]);
    expect(() => loadConfig([], { LENS_TRUST_PROXY: 'proxy.local' })).toThrow(
      /--trust-proxy \(LENS_TRUST_PROXY\): "proxy.local" is not an address or CIDR/,
    );
  });

  it('--resume-window: seconds from 0 (off) to 7 days, 1 h by default', () => {
    expect(loadConfig([], {}).resumeWindowSeconds).toBe(3600);
    expect(loadConfig([], { LENS_RESUME_WINDOW: '0' }).resumeWindowSeconds).toBe(0);
    expect(() => loadConfig(['--resume-window=-1'], {})).toThrow(
      '--resume-window (LENS_RESUME_WINDOW) must be an integer from 0 to 604800, got "-1"',
    );
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
      expect(() => loadConfig(['--cors-origins', bad], {})).toThrow(
        /--cors-origins \(LENS_CORS_ORIGINS\).*is not an origin/,
      );
    }
  });

  it('--auth true needs a credential source; --metrics-auth needs --auth and API keys', () => {
    expect(() => loadConfig(['--auth', 'true'], {})).toThrow(/--auth true needs a credential source/);
    expect(loadConfig(['--auth', 'true', '--jwt-secret', 's'], {}).auth).toBe(true);
    expect(() => loadConfig(['--metrics-auth', 'true'], {})).toThrow(
      /--metrics-auth true needs --auth true and --api-keys/,
    );
    expect(() => loadConfig(['--metrics-auth', 'true', '--auth', 'true', '--jwt-secret', 's'], {})).toThrow(
      /--metrics-auth/,
    );
    expect(loadConfig([], {})).toMatchObject({ metricsAuth: false, metricsOperations: [] });
  });
});
