/**
 * How big and how deep a JSON value is, measured by walking it (no string is
 * built, so measuring a value costs no memory and cannot overflow the stack),
 * stopping as soon as a limit is passed.
 */

export interface JsonLimits {
  /** Most characters the value's JSON may take (strings counted by length, escapes ignored). */
  readonly maxBytes: number;
  /** Most levels of arrays and objects; a scalar is depth 0. */
  readonly maxDepth: number;
}

/** Which limit the value passes first, or null when it is within both. */
export type JsonExcess = { readonly measure: 'bytes' | 'depth'; readonly limit: number } | null;

function scalarSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'bigint':
      return String(value).length;
    default:
      // null, and what JSON.stringify drops or writes as null.
      return 4;
  }
}

export function exceedsJsonLimits(value: unknown, limits: JsonLimits): JsonExcess {
  let bytes = 0;
  // An explicit stack, so the walk itself cannot overflow on the values it guards against; two
  // arrays side by side rather than an object per entry (a tasks(ids) answer is walked at each request).
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop();
    const depth = (depths.pop() as number) + 1;
    if (typeof current !== 'object' || current === null || current instanceof Date) {
      bytes += current instanceof Date ? 26 : scalarSize(current);
    } else {
      if (depth > limits.maxDepth) return { measure: 'depth', limit: limits.maxDepth };
      if (Array.isArray(current)) {
        // Brackets and the commas between elements.
        bytes += 2 + Math.max(current.length - 1, 0);
        for (const element of current as unknown[]) {
          values.push(element);
          depths.push(depth);
        }
      } else {
        const record = current as Record<string, unknown>;
        const keys = Object.keys(record);
        bytes += 2 + Math.max(keys.length - 1, 0);
        for (const key of keys) {
          // The key's quotes and its colon.
          bytes += key.length + 3;
          values.push(record[key]);
          depths.push(depth);
        }
      }
    }
    if (bytes > limits.maxBytes) return { measure: 'bytes', limit: limits.maxBytes };
  }
  return null;
}
