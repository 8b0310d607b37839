-- Numbers a task's published state (state-log.ts), once: the same bytes again keep their
-- first number. The counter orders states across tasks and processes, so its key and every
-- task's log share one hash tag (`<lens-prefix>{states}:`, lens-keys.ts) and one Cluster slot.
-- KEYS[1] the clock (HASH epoch, seq), KEYS[2] the task's log (STRING, state-bytes.ts: after an
-- optional `#<newest trimmed seq>;`, entries `<seq> <digest><length>:<payload>`, oldest first,
-- sequence numbers in base 36).
-- ARGV[1] digest (the first 8 bytes of the SHA-1), ARGV[2] the state's payload, ARGV[3] ttl (s),
-- ARGV[4] most states kept, ARGV[5] a fresh epoch (taken when the clock is missing).
-- Returns {epoch, seq}: the state's number, new or the one it was first given.
--- @include "base36.lua"
local DIGEST = 8
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[5]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('HDEL', KEYS[1], 'seq')
end
local log = redis.call('GET', KEYS[2]) or ''
local at = 1
local head = string.match(log, '^#([%d%l]+);')
if head then at = #head + 3 end
-- Where each entry begins, to drop the oldest.
local starts = {}
while at <= #log do
  local _, space, seq = string.find(log, '^([%d%l]+) ', at)
  local _, stop, length
  if space then _, stop, length = string.find(log, '^(%d+):', space + 1 + DIGEST) end
  -- Bytes this script did not write: started again (they read as an expired cursor).
  if not stop then log, starts, head = '', {}, nil break end
  if string.sub(log, space + 1, space + DIGEST) == ARGV[1] then return {epoch, tostring(fromBase36(seq))} end
  starts[#starts + 1] = at
  at = stop + 1 + tonumber(length)
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local entry = base36(seq) .. ' ' .. ARGV[1] .. #ARGV[2] .. ':' .. ARGV[2]
local over = #starts + 1 - tonumber(ARGV[4])
-- SET, not APPEND: an appended string keeps room to grow, twice what it holds.
if over > 0 then
  local newest = string.match(log, '^([%d%l]+) ', starts[over])
  local rest = starts[over + 1] and string.sub(log, starts[over + 1]) or ''
  redis.call('SET', KEYS[2], '#' .. newest .. ';' .. rest .. entry, 'EX', ARGV[3])
else
  redis.call('SET', KEYS[2], log .. entry, 'EX', ARGV[3])
end
return {epoch, tostring(seq)}
