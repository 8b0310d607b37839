-- Commits the batch a bulk action claimed (claim.lua): its counts, and the end of the action
-- when it is the last; only by the lease's owner. An action that ended (DONE, CANCELLED,
-- FAILED) leaves the running set, loses its lease and expires after ARGV[9] seconds.
-- KEYS[1] the action (HASH), KEYS[2] its lease, KEYS[3] the running actions (SET), KEYS[4] its acted ids (SET).
-- ARGV[1] the owner, ARGV[2] done, ARGV[3] failed, ARGV[4] the state it ends in ('' to go on),
-- ARGV[5] now (ms), ARGV[6] why it failed (''), ARGV[7] the changes channel, ARGV[8] the action's id, ARGV[9] ttl (s).
-- Returns the action's state after the commit, or '' when the lease is not this owner's.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return '' end
local done = redis.call('HINCRBY', KEYS[1], 'done', ARGV[2])
local failed = redis.call('HINCRBY', KEYS[1], 'failed', ARGV[3])
redis.call('HSET', KEYS[1], 'inflight', '')
local state = redis.call('HGET', KEYS[1], 'state')
if ARGV[4] ~= '' and state == 'RUNNING' then
  state = ARGV[4]
  redis.call('HSET', KEYS[1], 'state', state, 'finishedAt', ARGV[5], 'error', ARGV[6])
  -- What the walk found: tasks that left the filter meanwhile are not counted as matched.
  if state == 'DONE' then redis.call('HSET', KEYS[1], 'matched', done + failed) end
end
if state ~= 'RUNNING' then
  redis.call('SREM', KEYS[3], ARGV[8])
  redis.call('DEL', KEYS[2])
  redis.call('EXPIRE', KEYS[1], ARGV[9])
  redis.call('EXPIRE', KEYS[4], ARGV[9])
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return state
