/**
 * Whether an operation selects a Task field that Celery's events decide
 * (task-history.ts): only such an operation is sent a task again when its
 * events arrive (re-emits.ts). `task(id) { rawState meta result }` gets the
 * stored states and nothing more; the web page's card, which shows times and
 * status, gets each event too. Decided once per operation (Yoga's parse cache
 * hands back the same document for the same text), by field name anywhere in
 * the operation or its fragments: a false positive costs an event, never a
 * wrong answer.
 */
import { BREAK, type DefinitionNode, Kind, type OperationDefinitionNode, visit } from 'graphql';

const EVENT_FIELDS = new Set([
  'status',
  'statusReason',
  'sentAt',
  'receivedAt',
  'startedAt',
  'finishedAt',
  'runtime',
  'timeline',
  'lastOutcome',
]);

const decided = new WeakMap<OperationDefinitionNode, boolean>();

function names(definition: DefinitionNode): boolean {
  let found = false;
  visit(definition, {
    [Kind.FIELD](node) {
      if (!EVENT_FIELDS.has(node.name.value)) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** Whether `operation` (with the fragments beside it) selects a field told by events. */
export function selectsEventFields(operation: OperationDefinitionNode, fragments: Iterable<DefinitionNode>): boolean {
  let selects = decided.get(operation);
  if (selects === undefined) {
    selects =
      names(operation) ||
      [...fragments].some((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && names(definition));
    decided.set(operation, selects);
  }
  return selects;
}
