-- Claims the next batch of a bulk action for the process holding its lease (bulk-store.ts):
-- each task at most once over the action's life (SADD to its acted set), and the walk's
-- cursor advanced in the same step, so a process that takes over never acts on a task twice.
-- KEYS[1] the action (HASH), KEYS[2] its acted ids (SET), KEYS[3] its lease (STRING: the owner).
-- ARGV[1] the owner, ARGV[2] the walk's new cursor (JSON), ARGV[3..] pairs: task id, re-send id ('' for a revoke).
-- Returns {'ok', id, new id, id, new id, ...} (the pairs not claimed before), or {'lease'} (the lease is
-- not this owner's), {'stopped'} (the action is no longer RUNNING), {'inflight'} (a batch is claimed, not committed).
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {'lease'} end
if redis.call('HGET', KEYS[1], 'state') ~= 'RUNNING' then return {'stopped'} end
local inflight = redis.call('HGET', KEYS[1], 'inflight')
if inflight and inflight ~= '' then return {'inflight'} end
local kept = {}
local out = {'ok'}
for i = 3, #ARGV, 2 do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    kept[#kept + 1] = ARGV[i] .. '\t' .. ARGV[i + 1]
    out[#out + 1] = ARGV[i]
    out[#out + 1] = ARGV[i + 1]
  end
end
redis.call('HSET', KEYS[1], 'cursor', ARGV[2], 'inflight', table.concat(kept, '\n'))
redis.call('HINCRBY', KEYS[1], 'claimed', #kept)
return out
