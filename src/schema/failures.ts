/**
 * failures: the failure inbox. Failed tasks of the index grouped by task
 * name and exception type, newest failure first, from the FAILED cells alone
 * (one ZCOUNT and two ends per cell).
 */
import { CursorSigner } from '../store/index/index-cursor.ts';
import type { CellStats } from '../store/index/index-types.ts';
import { builder } from './builder.ts';
import { withCodes } from './graphql-error.ts';
import { PageInfoRef, checkFirst } from './search.ts';
import { checkWindow, requireIndex } from './task/task-filter.ts';
import { TaskRef } from './task/task.ts';

interface FailureGroupShape {
  name: string;
  exceptionType: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  exampleId: string;
}

const FailureGroupRef = builder.objectRef<FailureGroupShape>('FailureGroup').implement({
  fields: (t) => ({
    name: t.exposeString('name', {
      description: 'The task name; empty when Celery did not say (result_extended off, no events).',
    }),
    exceptionType: t.exposeString('exceptionType', {
      description: 'From the stored FAILURE; empty when only events told (Celery 5.2 sends no type in them).',
    }),
    count: t.exposeInt('count'),
    firstSeen: t.field({ type: 'DateTime', resolve: (g) => new Date(g.firstSeen) }),
    lastSeen: t.field({ type: 'DateTime', resolve: (g) => new Date(g.lastSeen) }),
    example: t.field({
      type: TaskRef,
      description: 'The latest failed task of the group.',
      resolve: (g) => g.exampleId,
    }),
  }),
});

const FailureEdgeRef = builder.objectRef<{ cursor: string; node: FailureGroupShape }>('FailureEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: FailureGroupRef, resolve: (e) => e.node }),
  }),
});

interface FailureConnectionShape {
  edges: { cursor: string; node: FailureGroupShape }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

const FailureConnectionRef = builder.objectRef<FailureConnectionShape>('FailureConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [FailureEdgeRef], complexity: { field: 1, multiplier: 1 }, resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
    totalCount: t.exposeInt('totalCount', { description: 'Groups in the window.' }),
  }),
});

export function failureGroups(cells: readonly CellStats[]): FailureGroupShape[] {
  const groups = new Map<string, FailureGroupShape>();
  for (const cell of cells) {
    const key = `${cell.name}\x1f${cell.exceptionType}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        name: cell.name,
        exceptionType: cell.exceptionType,
        count: cell.count,
        firstSeen: cell.firstAt,
        lastSeen: cell.lastAt,
        exampleId: cell.lastId,
      });
      continue;
    }
    group.count += cell.count;
    group.firstSeen = Math.min(group.firstSeen, cell.firstAt);
    if (cell.lastAt > group.lastSeen) Object.assign(group, { lastSeen: cell.lastAt, exampleId: cell.lastId });
  }
  return [...groups.values()].sort(
    (a, b) => b.lastSeen - a.lastSeen || a.name.localeCompare(b.name) || a.exceptionType.localeCompare(b.exceptionType),
  );
}

builder.queryField('failures', (t) =>
  t.field({
    type: FailureConnectionRef,
    description:
      'Failed tasks of the index grouped by task name and exception type, the most recent failure first. By default the whole index.',
    args: {
      since: t.arg({ type: 'DateTime' }),
      until: t.arg({ type: 'DateTime' }),
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string(),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(Math.min(args.first ?? 50, 500), 1) }),
    resolve: (_root, args, context) => {
      const index = requireIndex(context, 'failures');
      const first = checkFirst(args.first);
      const { since, until } = checkWindow(args.since, args.until);
      return withCodes(async () => {
        const scope = `failures\n${since}\n${until}`;
        const signer = await CursorSigner.of(context.cursorKeys, scope);
        // The cursor holds how many groups came before (the groups are few; their order is by lastSeen).
        const after = args.after ?? null;
        const offset = after === null ? 0 : ((await signer.decode(after, context.config.indexSeconds * 1000))?.at ?? 0);
        const groups = failureGroups(await index.cells(since ?? -8.64e15, until ?? 8.64e15, 0, 'FAILED'));
        const page = groups.slice(offset, offset + first);
        const hasNextPage = offset + first < groups.length;
        const cursorAt = (position: number) => signer.encode({ at: position, id: '' });
        return {
          edges: page.map((node, i) => ({ node, cursor: cursorAt(offset + i + 1) })),
          // As searchTasks: without edges the page ends where it began; null only when nothing matched.
          pageInfo: {
            hasNextPage,
            endCursor: page.length > 0 || after !== null || hasNextPage ? cursorAt(offset + page.length) : null,
          },
          totalCount: groups.length,
        };
      });
    },
  }),
);
