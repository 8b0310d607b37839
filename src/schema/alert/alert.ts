/**
 * Alert: one transition of a rule (firing, resolved) from the shared log,
 * newest first in `alerts(first, after)`, and live in the `alerts`
 * subscription (published by whichever replica recorded it).
 */
import type { AlertTransition } from '../../store/store.ts';
import type { AlertKind } from '../../alerts/alert-rules.ts';
import { InvalidCursorError } from '../../errors/invalid-cursor-error.ts';
import { Channel } from '../../live/channel.ts';
import { AlertKindEnum } from './alert-rule.ts';
import { builder } from '../builder.ts';
import { toGraphQLError, withCodes } from '../graphql-error.ts';
import { PageInfoRef, checkFirst } from '../search.ts';

const AlertStateEnum = builder.enumType('AlertState', {
  values: {
    FIRING: { value: 'firing', description: 'The rule’s value reached its threshold.' },
    RESOLVED: { value: 'resolved', description: 'The rule’s value went back below its threshold.' },
  },
});

const AlertRef = builder.objectRef<AlertTransition>('Alert').implement({
  description: 'A transition of an alert rule, as posted to its webhook.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The transition’s id (also the X-Celery-Lens-Delivery header of its POST).' }),
    rule: t.exposeString('rule'),
    kind: t.field({ type: AlertKindEnum, resolve: (alert) => alert.kind as AlertKind }),
    state: t.field({ type: AlertStateEnum, resolve: (alert) => alert.state }),
    at: t.field({ type: 'DateTime', resolve: (alert) => new Date(alert.at) }),
    value: t.exposeFloat('value'),
    threshold: t.exposeFloat('threshold'),
    startedAt: t.field({
      type: 'DateTime',
      description: 'When the firing began (`at` itself for a firing).',
      resolve: (alert) => new Date(alert.startedAt),
    }),
  }),
});

/** `alert:<stream id>`, or `alert:start` (before the newest). */
const cursorOf = (id: string) => Buffer.from(`alert:${id}`).toString('base64url');

/** The transition a cursor is after; null: the start. */
function idOf(cursor: string): string | null {
  const text = cursor.length > 100 ? '' : Buffer.from(cursor, 'base64url').toString();
  const match = /^alert:(\d+-\d+|start)$/.exec(text);
  if (!match?.[1] || cursorOf(match[1]) !== cursor)
    throw toGraphQLError(new InvalidCursorError('it is not a cursor of alerts'));
  return match[1] === 'start' ? null : match[1];
}

const AlertEdgeRef = builder.objectRef<AlertTransition>('AlertEdge').implement({
  fields: (t) => ({
    cursor: t.string({ resolve: (alert) => cursorOf(alert.id) }),
    node: t.field({ type: AlertRef, resolve: (alert) => alert }),
  }),
});

interface AlertConnectionShape {
  readonly edges: readonly AlertTransition[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly totalCount: number;
}

const AlertConnectionRef = builder.objectRef<AlertConnectionShape>('AlertConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [AlertEdgeRef], complexity: { field: 1, multiplier: 1 }, resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
    totalCount: t.exposeInt('totalCount', { description: 'Transitions the log keeps (the latest 10,000, about).' }),
  }),
});

builder.queryField('alerts', (t) =>
  t.field({
    type: AlertConnectionRef,
    description:
      'The transitions of the alert rules (firing, resolved), newest first, from the log every replica shares.',
    args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.string() },
    complexity: (args) => ({ field: 1, multiplier: Math.max(Math.min(args.first ?? 50, 500), 1) }),
    resolve: (_root, args, { alerts }) => {
      const first = checkFirst(args.first);
      const after = args.after ? idOf(args.after) : null;
      return withCodes(async () => {
        // One more than asked: whether a next page exists.
        const { transitions, total } = await alerts.store.history(first + 1, after);
        const edges = transitions.slice(0, first);
        const hasNextPage = transitions.length > first;
        const last = edges.at(-1);
        // As searchTasks: without edges the page ends where it began; null only when nothing is logged.
        const endCursor = last ? cursorOf(last.id) : (args.after ?? (hasNextPage ? cursorOf('start') : null));
        return { edges, pageInfo: { hasNextPage, endCursor }, totalCount: total };
      });
    },
  }),
);

builder.subscriptionField('alerts', (t) =>
  t.field({
    type: AlertRef,
    description:
      'Each transition of an alert rule from the moment you subscribe, whichever replica recorded it. Never completes.',
    subscribe: (_root, _args, context) =>
      withCodes(async () => {
        let stop = () => {};
        const close = () => channel.end();
        const channel = new Channel<AlertTransition>({
          maxQueued: context.config.maxQueued,
          keyOf: (alert) => alert.id,
          onClose: () => {
            stop();
            context.shutdown.removeEventListener('abort', close);
          },
        });
        stop = await context.alerts.store.listen((alert) => channel.push(alert));
        context.shutdown.addEventListener('abort', close, { once: true });
        if (context.shutdown.aborted) close();
        return channel;
      }),
    resolve: (alert: AlertTransition) => alert,
  }),
);
