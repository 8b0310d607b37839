-- Numbers a task's published state (state-log.ts), once: the same bytes again keep their
-- first number. The counter orders states across tasks and processes, so its key and every
-- task's log share one hash tag (`<lens-prefix>{states}:`, lens-keys.ts) and one Cluster slot.
-- KEYS[1] the clock (HASH epoch, seq), KEYS[2] the task's states (ZSET digest by number),
-- KEYS[3] their bytes (HASH digest -> bytes, and '#trimmed').
-- ARGV[1] digest, ARGV[2] the state's bytes, ARGV[3] ttl (s), ARGV[4] most states kept,
-- ARGV[5] a fresh epoch (taken when the clock is missing).
-- Returns {epoch, seq}: the state's number, new or the one it was first given.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[5]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('HDEL', KEYS[1], 'seq')
end
local known = redis.call('ZSCORE', KEYS[2], ARGV[1])
if known then return {epoch, known} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1, 'WITHSCORES')
  for i = 1, #old, 2 do redis.call('HDEL', KEYS[3], old[i]) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
  redis.call('HSET', KEYS[3], '#trimmed', old[#old])
end
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return {epoch, tostring(seq)}
