/**
 * Decoding of `celery-taskset-meta-<group_id>` (GroupResult.save()):
 * `{"result": <group result tuple>}`. See docs/celery-wire-format.md, "Keys".
 */
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import { decodeResultTuple, taskIdsOf } from './result-tuple.ts';

/** The task ids of a saved group, in Celery's order. */
export function decodeGroupMeta(key: string, bytes: Uint8Array): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw new MetaDecodeError(key, 'the value is not JSON (result_serializer must be "json")');
  }
  const tuple = typeof parsed === 'object' && parsed !== null ? (parsed as { result?: unknown }).result : undefined;
  const node = decodeResultTuple(tuple);
  if (!node || node.kind !== 'group') {
    throw new MetaDecodeError(key, 'a saved group is expected to be {"result": [[group_id, parent], [members…]]}');
  }
  return taskIdsOf(node);
}
