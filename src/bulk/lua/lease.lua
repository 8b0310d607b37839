-- Takes, renews or gives back the lease of a bulk action (bulk-store.ts): the one process that
-- runs its batches. A lease not renewed in time lapses, and any process may then take it.
-- KEYS[1] the lease (STRING: the owner), KEYS[2] the action (HASH).
-- ARGV[1] the owner, ARGV[2] how long it holds (ms); 0 gives it back.
-- Returns 1 when the owner holds it now, else 0 (another holds it, or the action is not RUNNING).
local holder = redis.call('GET', KEYS[1])
if ARGV[2] == '0' then
  if holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 0
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
if redis.call('HGET', KEYS[2], 'state') ~= 'RUNNING' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
