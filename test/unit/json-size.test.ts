import { describe, expect, it } from 'vitest';
import { exceedsJsonLimits } from '../../src/celery/json-size.ts';
import { decodeTaskMeta } from '../../src/celery/meta.ts';
import { ValueTooLargeError } from '../../src/errors/value-too-large-error.ts';
import { safeStringify } from '../../src/plugins/use-response-limit.ts';

const deep = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;

describe('exceedsJsonLimits', () => {
  it('measures about what JSON.stringify would write, and stops at the first limit passed', () => {
    const value = { a: [1, 'two', null, true], b: { c: 'x'.repeat(100) } };
    const size = JSON.stringify(value).length;
    expect(exceedsJsonLimits(value, { maxBytes: size + 10, maxDepth: 3 })).toBeNull();
    expect(exceedsJsonLimits(value, { maxBytes: size - 20, maxDepth: 3 })).toEqual({
      measure: 'bytes',
      limit: size - 20,
    });
    expect(exceedsJsonLimits(value, { maxBytes: size + 10, maxDepth: 1 })).toEqual({ measure: 'depth', limit: 1 });
  });

  it('walks a value nested 100,000 levels without overflowing the stack', () => {
    expect(exceedsJsonLimits(deep(100_000), { maxBytes: 10_000_000, maxDepth: 1000 })).toEqual({
      measure: 'depth',
      limit: 1000,
    });
  });
});

describe('decodeTaskMeta with value limits', () => {
  const meta = (fields: string) =>
    Buffer.from(`{"status":"SUCCESS","traceback":null,"children":[],"date_done":null,${fields}}`);

  it('puts a ValueTooLargeError in place of each value past a limit; the rest decodes', () => {
    const decoded = decodeTaskMeta(
      't',
      'k',
      meta(
        `"result":${JSON.stringify('x'.repeat(3000))},"args":[1],"kwargs":{"a":${'['.repeat(1001)}${']'.repeat(1001)}}`,
      ),
      {
        maxValueBytes: 2500,
      },
    );
    expect(decoded.state).toBe('SUCCESS');
    expect(decoded.args).toEqual([1]);
    expect(decoded.result).toBeInstanceOf(ValueTooLargeError);
    expect((decoded.result as ValueTooLargeError).details).toEqual({ field: 'result', measure: 'bytes', limit: 2500 });
    expect((decoded.kwargs as ValueTooLargeError).details).toEqual({ field: 'kwargs', measure: 'depth', limit: 1000 });
  });

  it("keeps a too-large exception's type and module, withholds its message and args", () => {
    const bytes = Buffer.from(
      `{"status":"FAILURE","result":{"exc_type":"ValueError","exc_module":"builtins","exc_message":[${'['.repeat(5000)}${']'.repeat(5000)}]},"traceback":null,"children":[],"date_done":null}`,
    );
    const decoded = decodeTaskMeta('t', 'k', bytes);
    expect(decoded.exception).toMatchObject({ type: 'ValueError', module: 'builtins', message: '', args: [] });
    expect(decoded.exception?.tooLarge).toBeInstanceOf(ValueTooLargeError);
  });
});

describe('safeStringify', () => {
  it('answers RESPONSE_TOO_LARGE where JSON.stringify throws', () => {
    expect(JSON.parse(safeStringify({ data: { value: deep(100_000) } }))).toMatchObject({
      data: null,
      errors: [{ extensions: { code: 'RESPONSE_TOO_LARGE' } }],
    });
  });
});
