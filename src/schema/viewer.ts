/**
 * Who the caller is and what it may do, so a page can show only what works:
 * the web page shows its revoke and re-send buttons when `canControl`, its
 * kwargs filter for the keys of `indexedKwargs`.
 */
import { principalOf } from '../auth/principal-of.ts';
import type { Principal } from '../auth/principal.ts';
import { builder } from './builder.ts';

interface ViewerShape {
  readonly principal: Principal;
  readonly control: boolean;
  /** --index-kwargs, or none with --index false. */
  readonly indexedKwargs: readonly string[];
}

const ViewerRef = builder.objectRef<ViewerShape>('Viewer').implement({
  description: "The caller's credential, as this process sees it.",
  fields: (t) => ({
    principal: t.string({
      description:
        'The API key name (`key:<name>`) or JWT subject (`jwt:<sub>`); `anonymous (auth off)` without --auth.',
      resolve: (viewer) => viewer.principal.id,
    }),
    scopes: t.stringList({
      description: 'Its scopes: status, payload, control.',
      resolve: (viewer) => [...viewer.principal.scopes].sort(),
    }),
    canControl: t.boolean({
      description: 'Whether revokeTask, sendTask and resendTask may run: --control true and the control scope.',
      resolve: (viewer) => viewer.control && viewer.principal.scopes.has('control'),
    }),
    indexedKwargs: t.stringList({
      // The keys an operator indexes say what its kwargs hold: payload, as the values are.
      authScopes: { payload: true },
      nullable: true,
      description:
        'The kwargs keys searchTasks and taskEvents may filter on (--index-kwargs; empty with --index false or none indexed). ' +
        'Needs the payload scope, as the filter does.',
      resolve: (viewer) => [...viewer.indexedKwargs],
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The credential this request carries and what it allows.',
    // Any request that gets this far has a principal: the auth plugin refused the rest.
    resolve: (_root, _args, context) => ({
      principal: principalOf(context.config, context) ?? { id: 'unknown', scopes: new Set() },
      control: context.config.control,
      indexedKwargs: context.index ? context.config.indexKwargs : [],
    }),
  }),
);
