/** The task index' options, and reading kwargs out of Celery's event reprs. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { kwargsFromRepr } from '../../src/celery/python-repr.ts';

describe('index options', () => {
  it('defaults: on, 7 days, 1,000,000 tasks, no kwargs', () => {
    expect(loadConfig([], {})).toMatchObject({
      index: true,
      indexSeconds: 7 * 86400,
      indexMaxTasks: 1_000_000,
      indexKwargs: [],
    });
    const env = {
      LENS_INDEX: 'false',
      LENS_INDEX_DAYS: '2',
      LENS_INDEX_MAX_TASKS: '500',
      LENS_INDEX_KWARGS: 'user_id, tenant,user_id',
    };
    expect(loadConfig([], env)).toMatchObject({
      index: false,
      indexSeconds: 2 * 86400,
      indexMaxTasks: 500,
      indexKwargs: ['user_id', 'tenant'],
    });
  });

  it('spreads the index over 8 shards on a cluster store, keeps one elsewhere, unless told', () => {
    expect(loadConfig([], {}).indexShards).toBe(1);
    expect(loadConfig(['--store', 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001'], {}).indexShards).toBe(8);
    expect(loadConfig(['--index-shards', '4'], {}).indexShards).toBe(4);
    expect(loadConfig(['--store', 'redis+cluster://127.0.0.1:7000'], { LENS_INDEX_SHARDS: '1' }).indexShards).toBe(1);
    expect(() => loadConfig(['--index-shards', '0'], {})).toThrow(
      '--index-shards (LENS_INDEX_SHARDS) must be an integer from 1 to 256, got "0"',
    );
  });

  it('refuses bad values, naming the option', () => {
    expect(() => loadConfig(['--index', 'perhaps'], {})).toThrow('--index (LENS_INDEX) must be true or false');
    expect(() => loadConfig(['--index-days', '0'], {})).toThrow(
      '--index-days (LENS_INDEX_DAYS) must be an integer from 1 to 3650, got "0"',
    );
    expect(() => loadConfig(['--index-max-tasks', 'many'], {})).toThrow(
      /--index-max-tasks \(LENS_INDEX_MAX_TASKS\) must be an integer/,
    );
    expect(() => loadConfig(['--index-kwargs', 'user id'], {})).toThrow(
      /--index-kwargs \(LENS_INDEX_KWARGS\): "user id" is not a keyword argument name/,
    );
    expect(() => loadConfig(['--index-kwargs', 'a=b'], {})).toThrow(/not a keyword argument name/);
  });
});

describe('kwargsFromRepr', () => {
  it('reads top-level scalars as the JSON json.dumps writes', () => {
    const repr = `{'user_id': 42, 'tenant': 'acme', 'ratio': -1.5, 'ok': True, 'none': None, 'q': "it's"}`;
    expect(kwargsFromRepr(repr, ['user_id', 'tenant', 'ratio', 'ok', 'none', 'q'])).toEqual({
      user_id: '42',
      tenant: '"acme"',
      ratio: '-1.5',
      ok: 'true',
      none: 'null',
      q: '"it\'s"',
    });
  });

  it('skips nested values and whatever it cannot read for certain', () => {
    const repr = `{'items': [1, {'tenant': 'inner'}], 'meta': {'a': (1, 2)}, 'tenant': 'outer\\n', 'blob': b'x', 'id': 7}`;
    expect(kwargsFromRepr(repr, ['tenant', 'items', 'meta', 'id'])).toEqual({ tenant: '"outer\\n"', id: '7' });
    expect(kwargsFromRepr(`{'tenant': 'acme', 'long': '...`, ['tenant'])).toEqual({ tenant: '"acme"' });
    expect(kwargsFromRepr('{}', ['tenant'])).toEqual({});
    expect(kwargsFromRepr('not a dict', ['tenant'])).toEqual({});
  });
});
