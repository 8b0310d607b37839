import type { BackendHealth } from '../read/result-backend.ts';
import { builder } from './builder.ts';

interface BackendHealthShape extends BackendHealth {
  readonly url: string;
  readonly db: number;
  readonly keyPrefix: string;
}

const BackendHealthRef = builder.objectRef<BackendHealthShape>('BackendHealth').implement({
  description: 'Whether the Celery result backend answers, checked with a PING when asked.',
  fields: (t) => ({
    up: t.exposeBoolean('up'),
    latencyMs: t.exposeFloat('latencyMs', { nullable: true, description: 'PING round trip in ms.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why the backend is down.' }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
    url: t.exposeString('url', { description: 'The backend URL, password redacted.' }),
    db: t.exposeInt('db'),
    keyPrefix: t.exposeString('keyPrefix', { description: "Celery's global_keyprefix ('' for none)." }),
  }),
});

builder.queryField('backend', (t) =>
  t.field({
    type: BackendHealthRef,
    description: 'The result backend celery-lens reads, and whether it is reachable now.',
    resolve: async (_root, _args, { backend, config }) => ({
      ...(await backend.health()),
      url: config.backend.redacted,
      db: config.backend.db,
      keyPrefix: config.globalKeyprefix,
    }),
  }),
);
