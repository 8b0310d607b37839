/**
 * Celery's serialized results (celery/result.py: `AsyncResult.as_tuple`,
 * `GroupResult.as_tuple`, `result_from_tuple`), as stored in a task's
 * `children` and in a saved group's `result`:
 *
 *   one result:  [[id, parent_tuple | null], null]
 *   a group:     [[group_id, parent_tuple | null], [member tuples…]]
 *
 * A bare id string may stand for `[id, null]` (older backends). They nest.
 * See docs/celery-wire-format.md, "Result tuples".
 */

export type ResultNode =
  | { readonly kind: 'task'; readonly id: string; readonly parent: ResultNode | null }
  | {
      readonly kind: 'group';
      readonly id: string;
      readonly parent: ResultNode | null;
      readonly members: readonly ResultNode[];
    };

// Bounds a hostile or corrupt value: Celery's own nesting is a few levels.
const MAX_DEPTH = 64;

/** Decodes one result tuple; null when `value` is not one. Never throws. */
export function decodeResultTuple(value: unknown, depth = 0): ResultNode | null {
  if (depth > MAX_DEPTH || !Array.isArray(value) || value.length !== 2) return null;
  const [head, nodes] = value as [unknown, unknown];
  let id: unknown = head;
  let parentTuple: unknown = null;
  if (Array.isArray(head)) [id, parentTuple] = head as [unknown, unknown];
  if (typeof id !== 'string' || id === '') return null;
  const parent = parentTuple ? decodeResultTuple(parentTuple, depth + 1) : null;
  if (nodes === null || nodes === undefined) return { kind: 'task', id, parent };
  if (!Array.isArray(nodes)) return null;
  const members: ResultNode[] = [];
  for (const node of nodes) {
    const member = decodeResultTuple(node, depth + 1);
    if (member) members.push(member);
  }
  return { kind: 'group', id, parent, members };
}

/** The task ids a result stands for: itself, or every task of a (nested) group. */
export function taskIdsOf(node: ResultNode): string[] {
  const ids: string[] = [];
  collectTaskIds(node, ids);
  return ids;
}

// Into one array: a group of 100,000 makes no array per member.
function collectTaskIds(node: ResultNode, into: string[]): void {
  if (node.kind === 'task') into.push(node.id);
  else for (const member of node.members) collectTaskIds(member, into);
}

/** Decodes a task's `children` field, skipping entries that are not result tuples. */
export function decodeChildren(children: readonly unknown[]): ResultNode[] {
  return children.map((child) => decodeResultTuple(child)).filter((node) => node !== null);
}
