/**
 * One live workflow graph shared by every subscriber to the same
 * (rootId, maxDepth): one walk, one set of watches, whatever the number of
 * clients. Each subscriber then resolves its own selection over the shared
 * graph.
 *
 * What changes re-reads as little as it can: a task whose state changed but
 * whose stored `children` did not is patched into the graph from the
 * watcher's update (no read at all); only a change of structure (new stored
 * children, a child celery-lens saw, a member seen of a group in the graph, the
 * root's group known, an undecodable value) walks again.
 * Changes arriving within `coalesceMs` of each other share one step, and so
 * do those that come while subscribers are still sending the last graph; a
 * subscriber that is slower than the changes gets the latest graph, not a
 * backlog.
 *
 * Celery sends a chord's callback just after the header's last task stores
 * its result: a graph that became ready while watched waits `settleMs` for
 * such late children before it completes.
 */
import type { GraphNode, TaskGraph } from '../read/graph-walk.ts';
import type { ChildLink } from '../store/history-types.ts';
import type { HistoryStorage } from '../store/store.ts';
import { openTaskStream } from './task-stream.ts';
import type { TaskSnapshot } from '../read/task-snapshot.ts';
import type { TaskUpdate, TaskWatcher } from './task-watcher.ts';
import { READY_STATES } from '../celery/states.ts';
import { Channel } from './channel.ts';
import { SharedSource } from './shared-source.ts';

export interface GraphFeedOptions {
  /** Reads the whole graph afresh (no cache). */
  readonly walk: () => Promise<TaskGraph>;
  readonly watcher: TaskWatcher;
  readonly history: Pick<HistoryStorage, 'onChildren'>;
  /** Updates a stream queues before collapsing (--max-queued). */
  readonly maxQueued: number;
  /** Process shutdown: every subscriber completes. */
  readonly shutdown: AbortSignal;
  /** Changes this close together share one step (and all that come while subscribers are still sending the last graph). @default 50 (ms) */
  readonly coalesceMs?: number;
  /** How long a graph that became ready waits for late children. @default 1000 (ms) */
  readonly settleMs?: number;
}

/** The task nodes not in a ready state. */
export function unreadyIds(graph: TaskGraph): string[] {
  return graph.nodes
    .filter((node) => node.kind === 'TASK' && !(node.task?.meta && READY_STATES.has(node.task.meta.state)))
    .map((node) => node.id);
}

const sameState = (a: TaskSnapshot | null, b: TaskSnapshot) =>
  a?.meta?.state === b.meta?.state && JSON.stringify(a?.meta?.result) === JSON.stringify(b.meta?.result);
const sameChildren = (a: TaskSnapshot | null, b: TaskSnapshot) =>
  JSON.stringify(a?.meta?.children ?? []) === JSON.stringify(b.meta?.children ?? []);
const structureOf = (graph: TaskGraph) =>
  `${graph.nodes.map((node) => node.id).join(',')}|${graph.edges.map((edge) => `${edge.kind} ${edge.from} ${edge.to}`).join(',')}|${graph.truncated}`;

/** One subscriber's view: the latest graph not pulled yet (older ones are skipped), then the end. */
export type FeedSubscription = Channel<TaskGraph>;

interface Changes {
  rewalk: boolean;
  readonly updates: Map<string, TaskSnapshot>;
}

class GraphFeed {
  readonly subscribers = new Set<FeedSubscription>();
  #graph: TaskGraph | null = null;
  #byId = new Map<string, GraphNode>();
  #changes: Changes = { rewalk: false, updates: new Map() };
  #wake: (() => void) | null = null;
  #closed = false;
  readonly #watched = new Set<string>();
  readonly #streams: AsyncIterableIterator<TaskUpdate>[] = [];
  readonly #stopListening: () => void;
  readonly #onShutdown = () => this.close();

  constructor(
    readonly options: GraphFeedOptions,
    readonly onClose: () => void,
  ) {
    this.#stopListening = options.history.onChildren((links) => this.#onChildren(links));
    options.shutdown.addEventListener('abort', this.#onShutdown, { once: true });
    this.#run().catch((error: unknown) => this.#finish(error));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopListening();
    this.options.shutdown.removeEventListener('abort', this.#onShutdown);
    this.#closeStreams();
    this.#wake?.();
    this.onClose();
    for (const subscriber of this.subscribers) subscriber.end();
  }

  join(subscriber: FeedSubscription): void {
    this.subscribers.add(subscriber);
    if (this.#graph) subscriber.push(this.#graph);
  }

  async #run(): Promise<void> {
    let graph = await this.options.walk();
    const readyAtFirst = unreadyIds(graph).length === 0;
    this.#publish(graph);
    while (!this.#closed) {
      if (unreadyIds(graph).length === 0) {
        if (readyAtFirst || !(await this.#settled(graph))) return this.#finish(null);
        graph = this.#graph as TaskGraph;
        continue;
      }
      await this.#watch(unreadyIds(graph));
      if (!(await this.#changed())) break;
      await this.#drained();
      graph = await this.#step(graph);
    }
  }

  /** Waits for late children; false when none came (the last walk showed the same graph). */
  async #settled(graph: TaskGraph): Promise<boolean> {
    const changed = await this.#changed(this.options.settleMs ?? 1000);
    if (this.#closed) return false;
    if (changed) {
      await this.#step(graph);
      return true;
    }
    const next = await this.options.walk();
    const grown = structureOf(next) !== structureOf(graph);
    const sameStates = next.nodes.every(
      (node, index) => node.task?.meta?.state === graph.nodes[index]?.task?.meta?.state,
    );
    if (!this.#closed && (grown || !sameStates)) this.#publish(next);
    return grown || unreadyIds(next).length > 0;
  }

  /** Applies the changes gathered: a patch of the changed tasks, or a new walk when the structure changed. */
  async #step(graph: TaskGraph): Promise<TaskGraph> {
    const changes = this.#changes;
    this.#changes = { rewalk: false, updates: new Map() };
    const next = changes.rewalk
      ? await this.options.walk()
      : {
          ...graph,
          nodes: graph.nodes.map((node) =>
            changes.updates.has(node.id) ? { ...node, task: changes.updates.get(node.id) ?? null } : node,
          ),
        };
    if (!this.#closed) this.#publish(next);
    return next;
  }

  /** Resolves true once something changed (plus coalesceMs for what follows it), false on close or after `timeoutMs`. */
  async #changed(timeoutMs?: number): Promise<boolean> {
    const pending = () => this.#changes.rewalk || this.#changes.updates.size > 0;
    if (!pending()) {
      await new Promise<void>((resolve) => {
        const timer = timeoutMs === undefined ? null : setTimeout(resolve, timeoutMs);
        this.#wake = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
      if (this.#closed || !pending()) return false;
    }
    const coalesce = this.options.coalesceMs ?? 50;
    if (coalesce > 0) await new Promise((resolve) => setTimeout(resolve, coalesce));
    return !this.#closed;
  }

  /**
   * Waits (up to `maxMs`) until every subscriber has sent the last graph:
   * while they resolve and send it, further changes gather into one step
   * instead of queueing a resolution of the whole graph per subscriber each.
   */
  async #drained(maxMs = 1000): Promise<void> {
    const until = Date.now() + maxMs;
    const busy = () => [...this.subscribers].some((subscriber) => !subscriber.idle);
    while (!this.#closed && busy() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  #publish(graph: TaskGraph): void {
    this.#graph = graph;
    this.#byId = new Map(graph.nodes.map((node) => [node.id, node]));
    // To all in one turn of the event loop: subscribers with the same selection then share one
    // execution of it and one JSON (live-core.ts), 15 tabs of a page cost one.
    for (const subscriber of this.subscribers) subscriber.push(graph);
  }

  /**
   * Watches the unready tasks not watched yet, in a stream of their own: the
   * streams open so far stay (a task that became ready is not watched again
   * by anyone, whatever it still costs), so a few new tasks never re-watch
   * thousands.
   */
  async #watch(ids: readonly string[]): Promise<void> {
    const missing = ids.filter((id) => !this.#watched.has(id));
    if (missing.length === 0) return;
    const stream = await openTaskStream(this.options.watcher, missing, {
      untilReady: false,
      maxQueued: this.options.maxQueued,
      signal: this.options.shutdown,
    });
    if (this.#closed) {
      await stream.return?.();
      return;
    }
    this.#streams.push(stream);
    for (const id of missing) this.#watched.add(id);
    const pump = async () => {
      for await (const update of stream) this.#onUpdate(update);
    };
    // A task stream never rejects: its failures are updates (MetaDecodeError).
    pump().catch(() => {});
  }

  #closeStreams(): void {
    // A task stream's return() only stops its watches: it does not reject.
    for (const stream of this.#streams.splice(0)) stream.return?.().catch(() => {});
    this.#watched.clear();
  }

  #onUpdate(update: TaskUpdate): void {
    if (update instanceof Error) {
      this.#changes.rewalk = true;
    } else {
      const known = this.#byId.get(update.id);
      if (!known || known.kind !== 'TASK' || sameState(known.task, update)) return;
      if (!sameChildren(known.task, update) || this.#groupOfRootCame(update)) this.#changes.rewalk = true;
      this.#changes.updates.set(update.id, update);
    }
    this.#wake?.();
  }

  /** The root's first meta names a group (a group a client sent): the walk draws the group with it. */
  #groupOfRootCame(update: TaskSnapshot): boolean {
    return (
      update.id === this.#graph?.rootId &&
      (this.#byId.get(update.id)?.task?.meta?.groupId ?? null) !== (update.meta?.groupId ?? null)
    );
  }

  /** A new child of a task in the graph, or a new member of a group in it (a group a client sent): walk again. */
  #onChildren(links: readonly ChildLink[]): void {
    if (!links.some((link) => this.#byId.has(link.parentId) && !this.#byId.has(link.childId))) return;
    this.#changes.rewalk = true;
    this.#wake?.();
  }

  #finish(error: unknown): void {
    if (this.#closed) return;
    for (const subscriber of this.subscribers) subscriber.end(error);
    this.subscribers.clear();
    this.close();
  }
}

/** The live graphs of one process, by key; a feed closes when its last subscriber leaves. */
export class GraphFeeds {
  readonly #feeds = new SharedSource<GraphFeed>((feed) => feed.close());

  /** Graphs watched now (each shared by all its subscribers). */
  get size(): number {
    return this.#feeds.size;
  }

  subscribe(key: string, options: () => GraphFeedOptions): FeedSubscription {
    const feed = this.#feeds.hold(key, () => {
      const created: GraphFeed = new GraphFeed(options(), () => this.#feeds.drop(key, created));
      return created;
    });
    // Bound 0: a graph replaces the one its subscriber has not pulled yet.
    const subscriber: FeedSubscription = new Channel<TaskGraph>({
      maxQueued: 0,
      onClose: () => {
        feed.subscribers.delete(subscriber);
        this.#feeds.release(key, feed);
      },
    });
    feed.join(subscriber);
    return subscriber;
  }
}
