-- Cancels a RUNNING bulk action (cancelBulkAction): no batch is claimed after this; a batch in
-- flight is still committed by the lease's owner, which then gives the lease back (commit.lua).
-- KEYS[1] the action (HASH), KEYS[2] the running actions (SET), KEYS[3] its acted ids (SET).
-- ARGV[1] now (ms), ARGV[2] the changes channel, ARGV[3] the action's id, ARGV[4] ttl (s).
-- Returns 1 when it cancelled it, 0 when it had ended already, -1 when there is no such action.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return -1 end
if state ~= 'RUNNING' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'CANCELLED', 'finishedAt', ARGV[1])
redis.call('SREM', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
