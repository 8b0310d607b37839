import type { Cluster, Redis } from 'ioredis';

/**
 * A connection to celery-lens' store: one Redis (or a Sentinel master), or a
 * Redis Cluster (--store redis+cluster://). The stores use only what both
 * have: commands, pipelines and MULTI whose keys share a slot, their scripts.
 */
export type StoreRedis = Redis | Cluster;
