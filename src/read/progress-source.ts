/**
 * What one progress count covers, read fresh each time: a group's members
 * (saved, or seen published with its group_id; a running chord's size counts
 * the members not seen yet), or every task of a workflow graph. Each read
 * also says which ids (and groups, parents) a change must name to matter.
 */
import { GraphTooLargeError } from '../errors/graph-too-large-error.ts';
import { LensError } from '../errors/lens-error.ts';
import { walkGraph } from './graph-walk.ts';
import { type Progress, countProgress } from './progress-count.ts';
import { type StatusSources, readStatuses } from './progress-read.ts';

export interface ProgressRead {
  readonly progress: Progress;
  /** Ids whose change (or whose new member or child) changes this count. */
  readonly watched: ReadonlySet<string>;
  /** Read again after an interval even if nothing changes: the count may be missing what is still being recorded. */
  readonly again?: boolean;
}

export type ProgressSource = () => Promise<ProgressRead>;

/** The progress of group `groupId`; at most `maxNodes` members (GRAPH_TOO_LARGE). */
export function groupProgressSource(groupId: string, sources: StatusSources, maxNodes: number): ProgressSource {
  // A group never shrinks: Celery deletes a chord's size key when the chord fires, maybe
  // before this process recorded its last members; the size seen before still counts them.
  let size = 0;
  return async () => {
    const [group] = await sources.backend.readGroups([groupId]);
    if (group instanceof LensError) throw group;
    let members = group?.memberIds ?? null;
    if (members === null) members = (await sources.history.readGroupMembers([groupId]))[0] ?? [];
    size = Math.max(size, group?.chordSize ?? 0, members.length);
    const unrecorded = sources.unrecorded?.() ?? 0;
    const read = await groupCount(groupId, members, size, sources, maxNodes);
    // Members are what the consumer recorded: a chord that fired (its size key gone) may have members
    // still waiting to be recorded. Ready only once the consumer had caught up when the read began.
    if (!read.progress.ready || unrecorded === 0) return read;
    return { ...read, progress: { ...read.progress, ready: false }, again: true };
  };
}

/** Counts known `members` of a group, and the chord's `size` beyond them as unknown. */
export async function groupCount(
  groupId: string,
  members: readonly string[],
  size: number | null,
  sources: StatusSources,
  maxNodes: number,
): Promise<ProgressRead> {
  if (members.length > maxNodes) throw new GraphTooLargeError(maxNodes, `group ${groupId}`);
  const statuses = await readStatuses(members, sources);
  return {
    progress: countProgress(statuses, Math.max(0, (size ?? 0) - members.length)),
    watched: new Set([groupId, ...members]),
  };
}

/** The progress of every task in the workflow below `rootId` (as `taskGraph` walks it). */
export function workflowProgressSource(
  rootId: string,
  maxDepth: number,
  sources: StatusSources,
  maxNodes: number,
): ProgressSource {
  return async () => {
    const graph = await walkGraph(rootId, {
      maxDepth,
      maxNodes,
      load: async (ids) =>
        (await sources.backend.readTasks(ids, { ttl: 'none' })).map((task) =>
          task instanceof LensError ? null : task,
        ),
    });
    const tasks = graph.nodes.filter((node) => node.kind === 'TASK');
    const statuses = await readStatuses(
      tasks.map((node) => node.id),
      sources,
      tasks.map((node) => node.task),
    );
    return { progress: countProgress(statuses), watched: new Set(graph.nodes.map((node) => node.id)) };
  };
}
