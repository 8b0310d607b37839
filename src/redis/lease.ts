import type { StoreRedis } from './store-redis.ts';
import { luaScript, runScript } from './lua-scripts.ts';

const LEASE = luaScript('lensLease', new URL('./lua/lease.lua', import.meta.url));

/**
 * Takes or renews the lease at `key` for `token` for `ms` (0: gives it back);
 * with `guard`, only while that hash's `state` is `guard.state`. Resolves
 * with whether `token` holds it now (lua/lease.lua).
 */
export async function holdLease(
  redis: StoreRedis,
  key: string,
  token: string,
  ms: number,
  guard?: { readonly key: string; readonly state: string },
): Promise<boolean> {
  const keys = guard ? [key, guard.key] : [key];
  const args = guard ? [token, Math.max(0, Math.round(ms)), guard.state] : [token, Math.max(0, Math.round(ms))];
  return (await runScript<number>(redis, LEASE, keys, args)) === 1;
}
