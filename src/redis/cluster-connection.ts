/**
 * celery-lens' store on a Redis Cluster (--store redis+cluster://…): an
 * ioredis Cluster client that fails fast like the single-server one
 * (connection.ts) and says why it cannot serve, whose errors are the store's
 * (STORE_UNAVAILABLE, store-errors.ts), and whose pipelines run on every
 * node their keys need (node-batch.ts).
 */
import { type ChainableCommander, Cluster, type ClusterOptions, type Command } from 'ioredis';
import type { StoreTarget } from './cluster-url.ts';
import type { ConnectionSettings } from './connection.ts';
import { tlsOptions } from './connection.ts';
import { nodeBatch } from './node-batch.ts';
import { markStoreError } from './store-errors.ts';
import { OFFLINE_MESSAGES, causeOf } from './unreachable.ts';

/** What ioredis' Cluster rejects a command with while it is not ready (offline queue off). */
const CLUSTER_OFFLINE =
  /^Cluster isn't ready|^Connection is closed|^Failed to refresh slots cache|^None of startup nodes/;

export class LensCluster extends Cluster {
  readonly where: string;
  readonly isStore = true;
  #cause: string | null = 'not connected yet';

  constructor(nodes: StoreTarget['cluster'] & object, options: ClusterOptions, where: string) {
    super(
      nodes.map((node) => ({ ...node })),
      options,
    );
    this.where = where;
    this.on('ready', () => (this.#cause = null));
    this.on('close', () => (this.#cause ??= 'connection lost'));
    this.on('error', (error: Error) => (this.#cause = causeOf(error)));
    this.on('node error', (error: Error) => (this.#cause = causeOf(error)));
  }

  /** "cannot reach the Redis Cluster at a:7000, b:7001: connection refused" */
  get unreachable(): string {
    return `cannot reach the Redis Cluster at ${this.where}: ${this.#cause ?? 'not connected'}`;
  }

  #worded(error: Error): Error {
    const offline = OFFLINE_MESSAGES.has(error.message) || CLUSTER_OFFLINE.test(error.message);
    return markStoreError(offline ? new Error(this.unreachable, { cause: error }) : error);
  }

  override connect(): Promise<void> {
    return super.connect().catch((error: unknown) => {
      throw error instanceof Error ? this.#worded(error) : error;
    });
  }

  /** A pipeline split per node on exec() (node-batch.ts); with `commands`, ioredis' own. */
  override pipeline(commands?: unknown[][]): ChainableCommander {
    if (commands) return this.#wordedExec(super.pipeline(commands));
    return nodeBatch(this, () => this.#wordedExec(super.pipeline()));
  }

  /** ioredis' MULTI, its errors worded as a pipeline's (#wordedExec). */
  override multi(options: { pipeline: false }): Promise<'OK'>;
  override multi(): ChainableCommander;
  override multi(options: { pipeline: true }): ChainableCommander;
  override multi(commands?: unknown[][]): ChainableCommander;
  override multi(...args: unknown[]): ChainableCommander | Promise<'OK'> {
    const made = (super.multi as (...options: unknown[]) => ChainableCommander | Promise<'OK'>).apply(this, args);
    return made instanceof Promise ? made : this.#wordedExec(made);
  }

  /**
   * A command of a pipeline or MULTI (`node` given) keeps ioredis' own error
   * until its exec() answers (#wordedExec): the pipeline sends itself again
   * when every command failed with "Connection is closed." (a node
   * connection ioredis is still opening at its first use is refused so, with
   * the offline queue off) only when it reads that very message. A worded one
   * made that a STORE_UNAVAILABLE from a store that is up. A single command
   * is worded here: ioredis retries it (handleError) before this rejection.
   */
  override sendCommand(command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: unknown): unknown {
    const reject = command.reject;
    command.reject =
      node === undefined
        ? (error: Error) => reject(this.#worded(error))
        : (error: Error) => reject(markStoreError(error));
    return super.sendCommand(command, stream, node);
  }

  /**
   * `batch`, its exec() answering the store's errors worded (#worded) once
   * ioredis is done with them. ioredis calls exec() again to retry: each call
   * reaches ioredis', and the caller's first promise is the one answered.
   */
  #wordedExec(batch: ChainableCommander): ChainableCommander {
    const exec = batch.exec.bind(batch);
    let answer: ReturnType<ChainableCommander['exec']> | null = null;
    batch.exec = () => {
      const replies = exec();
      answer ??= replies.then(
        (results) => results && results.map(([error, value]) => [error && this.#worded(error), value]),
        (error: unknown) => {
          throw error instanceof Error ? this.#worded(error) : error;
        },
      );
      return answer;
    };
    return batch;
  }
}

/** A Cluster client for --store redis+cluster://, failing fast like createRedis (connection.ts). */
export function createCluster(target: StoreTarget, settings: ConnectionSettings): LensCluster {
  const nodes = target.cluster ?? [];
  const tls = tlsOptions(target);
  const options: ClusterOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    // 50 ms, 100 ms, … capped at 1 s, as a single server's.
    clusterRetryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    slotsRefreshTimeout: Math.max(settings.commandTimeoutMs, 1000),
    redisOptions: {
      connectionName: settings.connectionName,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      commandTimeout: settings.commandTimeoutMs,
      connectTimeout: Math.max(settings.commandTimeoutMs, 1000),
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(tls ? { tls } : {}),
    },
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return new LensCluster(nodes, options, nodes.map(({ host, port }) => `${host}:${port}`).join(', '));
}
