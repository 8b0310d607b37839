/**
 * searchTasks: a Relay connection over the task index. The page's ids come
 * from one script call; its nodes are plain Tasks, loaded by the request's
 * Task DataLoader (one MGET for the page, as tasks(ids) does).
 */
import { CursorSigner } from '../store/index/index-cursor.ts';
import type { IndexStorage } from '../store/store.ts';
import type { IndexEntry, IndexFilter, IndexOrder } from '../store/index/index-types.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { builder } from './builder.ts';
import type { LensContext } from './context.ts';
import { toGraphQLError, withCodes } from './graphql-error.ts';
import { TaskFilterInput, TaskOrderEnum, canonicalFilter, checkFilter, requireIndex } from './task/task-filter.ts';
import { knownLastHeard } from './task/task-last-heard.ts';
import { TaskRef } from './task/task.ts';

/** Most tasks one page may hold. */
export const MAX_PAGE = 500;
/** totalCount counts this far when it has to walk the matches (a rootId or kwargs filter). */
const COUNT_CAP = 10_000;

export interface PageInfoShape {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export const PageInfoRef = builder.objectRef<PageInfoShape>('PageInfo').implement({
  description: 'Where a page ends: pass endCursor as `after` for the next one. The same at every `first`, 0 included.',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', {
      description: 'Whether anything follows this page (with first: 0, whether anything follows `after`).',
    }),
    endCursor: t.exposeString('endCursor', {
      nullable: true,
      description:
        'Where this page ends: its last edge’s cursor; on a page without edges, where it began (the `after` given, or the start). ' +
        'Set whenever hasNextPage is true; null only when nothing matches.',
    }),
  }),
});

interface TaskEdgeShape {
  readonly entry: IndexEntry;
  /** Signs the edge's cursor when it is selected: most clients page by pageInfo.endCursor alone. */
  readonly signer: CursorSigner;
}

interface TaskConnectionShape {
  readonly edges: readonly TaskEdgeShape[];
  readonly pageInfo: PageInfoShape;
  /** Counted only when asked for. */
  readonly total: () => Promise<{ count: number; capped: boolean }>;
}

const TaskEdgeRef = builder.objectRef<TaskEdgeShape>('TaskEdge').implement({
  fields: (t) => ({
    cursor: t.string({ resolve: (edge) => edge.signer.encode(edge.entry) }),
    node: t.field({ type: TaskRef, resolve: (edge) => edge.entry.id }),
  }),
});

const TaskConnectionRef = builder.objectRef<TaskConnectionShape>('TaskConnection').implement({
  description: 'A page of tasks from the index.',
  fields: (t) => ({
    // `first` already multiplies the cost of the page (searchTasks' complexity).
    edges: t.field({ type: [TaskEdgeRef], complexity: { field: 1, multiplier: 1 }, resolve: (page) => page.edges }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (page) => page.pageInfo }),
    totalCount: t.int({
      description: `Tasks matching the filter: exact up to the cap (${COUNT_CAP.toLocaleString('en')} when a rootId or kwargs filter must be walked); totalCountCapped says when it stopped counting.`,
      resolve: async (page) => (await page.total()).count,
    }),
    totalCountCapped: t.boolean({ resolve: async (page) => (await page.total()).capped }),
  }),
});

/** A page's size; INVALID_ARGUMENT outside 0..MAX_PAGE. */
export function checkFirst(first: number | null | undefined): number {
  const size = first ?? 50;
  if (size < 0 || size > MAX_PAGE)
    throw toGraphQLError(new InvalidArgumentError('first', `must be from 0 to ${MAX_PAGE}, got ${size}`));
  return size;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}

async function searchPage(
  index: IndexStorage,
  filter: IndexFilter,
  order: IndexOrder,
  first: number,
  after: string | null,
  context: LensContext,
): Promise<TaskConnectionShape> {
  const scope = `${order}\n${canonicalFilter(filter)}`;
  const signer = await CursorSigner.of(context.cursorKeys, scope);
  const from: IndexEntry | null =
    after === null ? null : await signer.decode(after, context.config.indexSeconds * 1000);
  // One more than asked tells whether there is a next page.
  const { entries, stoppedAt } = await index.search(filter, order, first + 1, from);
  const page = entries.slice(0, first);
  knownLastHeard(context, page);
  const hasNextPage = stoppedAt !== null || entries.length > first;
  const last = stoppedAt ?? page.at(-1);
  // Without edges (first: 0, or past the end) the page ends where it began: `after`, or the start (`from` null).
  const endCursor = last ? signer.encode(last) : after !== null || hasNextPage ? signer.encode(from) : null;
  return {
    edges: page.map((entry) => ({ entry, signer })),
    pageInfo: { hasNextPage, endCursor },
    total: once(() => withCodes(() => index.count(filter, COUNT_CAP))),
  };
}

builder.queryField('searchTasks', (t) =>
  t.field({
    type: TaskConnectionRef,
    description:
      'Tasks of the index matching a filter, newest (or oldest) first by the time of their latest state. ' +
      'Pages are keyset cursors: tasks that change while you page do not shift the next page. ' +
      `At most ${MAX_PAGE} a page. A page may hold fewer than asked and still have a next page (a kwargs filter examines at most 20,000 tasks a page).`,
    args: {
      filter: t.arg({ type: TaskFilterInput }),
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string(),
      order: t.arg({ type: TaskOrderEnum, defaultValue: 'NEWEST_FIRST' }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(Math.min(args.first ?? 50, MAX_PAGE), 1) }),
    resolve: (_root, args, context) => {
      const index = requireIndex(context, 'searchTasks');
      const first = checkFirst(args.first);
      const filter = checkFilter(args.filter, context);
      const order: IndexOrder = args.order === 'OLDEST_FIRST' ? 'asc' : 'desc';
      return withCodes(() => searchPage(index, filter, order, first, args.after ?? null, context));
    },
  }),
);
