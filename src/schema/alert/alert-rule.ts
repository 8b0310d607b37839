/**
 * alertRules: each rule of the --alert-rules file with its state as the
 * store keeps it, so every replica answers the same. The webhook (its URL
 * may hold a token, and its secret) is never shown.
 */
import { AlertKinds } from '../../alerts/alert-rules.ts';
import type { AlertRuleView } from '../../alerts/alerts.ts';
import { builder } from '../builder.ts';
import { withCodes } from '../graphql-error.ts';

const kindDescriptions: Record<keyof typeof AlertKinds, string> = {
  failures: 'Failed tasks of a name and/or exception type within the window.',
  lost: 'Tasks that turned LOST (their worker went silent, said goodbye or restarted) within the window.',
  queue_length: 'Messages waiting in a broker queue.',
  queue_age: 'Seconds the oldest message of a broker queue has waited.',
  worker_offline: 'Workers (of a hostname pattern) judged offline.',
  no_events: 'Seconds since celery-lens last heard an event or a published state.',
};

export const AlertKindEnum = builder.enumType('AlertKind', {
  description: 'What an alert rule measures (docs/alerts.md).',
  values: Object.fromEntries(
    Object.entries(kindDescriptions).map(([kind, description]) => [kind.toUpperCase(), { value: kind, description }]),
  ) as Record<Uppercase<keyof typeof AlertKinds>, { value: keyof typeof AlertKinds; description: string }>,
});

const AlertRuleStateEnum = builder.enumType('AlertRuleState', {
  values: {
    OK: { description: 'Its value is below the threshold.' },
    FIRING: { description: 'Its value reached the threshold; a firing POST was queued when it did.' },
    UNKNOWN: { description: 'Not evaluated yet (just configured, or no replica consuming events evaluates).' },
  },
});

const AlertRuleRef = builder.objectRef<AlertRuleView>('AlertRule').implement({
  description: 'A rule of the --alert-rules file and its state, the same on every replica.',
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.field({ type: AlertKindEnum, resolve: (rule) => rule.kind }),
    state: t.field({ type: AlertRuleStateEnum, resolve: (rule) => rule.state }),
    value: t.exposeFloat('value', {
      nullable: true,
      description: 'Its value at the latest evaluation (a count, or seconds for QUEUE_AGE and NO_EVENTS).',
    }),
    threshold: t.exposeFloat('threshold', { description: 'It fires while its value is at least this.' }),
    since: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it entered its state (firing since, or ok since); null while UNKNOWN.',
      resolve: (rule) => (rule.since === null ? null : new Date(rule.since)),
    }),
  }),
});

builder.queryField('alertRules', (t) =>
  t.field({
    type: [AlertRuleRef],
    description: 'The alert rules of --alert-rules, in the file’s order, with their states; empty without the option.',
    resolve: (_root, _args, { alerts }) => withCodes(() => alerts.views()),
  }),
);
