-- Numbers tasks' published states (state-log.ts), each once: the same bytes again keep their
-- first number. The counter orders states across tasks and processes, so its key and every
-- task's log share one hash tag (`<lens-prefix>{states}:`, lens-keys.ts) and one Cluster slot:
-- one call numbers a batch's states, in their order.
-- KEYS[1] the clock (HASH epoch, seq), KEYS[2..] each state's task's log (STRING,
-- state-bytes.ts: after an optional `#<newest trimmed seq>;`, entries
-- `<seq> <digest><length>:<payload>`, oldest first, sequence numbers in base 36).
-- ARGV[1] ttl (s), ARGV[2] most states kept, ARGV[3] a fresh epoch (taken when the clock is
-- missing), then for the state of KEYS[k + 1]: ARGV[2k + 2] its digest (the first 8 bytes of
-- the SHA-1), ARGV[2k + 3] its payload.
-- Returns {epoch, seq of each state}: its number, new or the one it was first given.
--- @include "base36.lua"
local DIGEST = 8
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[3]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('HDEL', KEYS[1], 'seq')
end

local function record(key, digest, payload)
  local log = redis.call('GET', key) or ''
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
    if string.sub(log, space + 1, space + DIGEST) == digest then return tostring(fromBase36(seq)) end
    starts[#starts + 1] = at
    at = stop + 1 + tonumber(length)
  end
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  local entry = base36(seq) .. ' ' .. digest .. #payload .. ':' .. payload
  local over = #starts + 1 - tonumber(ARGV[2])
  -- SET, not APPEND: an appended string keeps room to grow, twice what it holds.
  if over > 0 then
    local newest = string.match(log, '^([%d%l]+) ', starts[over])
    local rest = starts[over + 1] and string.sub(log, starts[over + 1]) or ''
    redis.call('SET', key, '#' .. newest .. ';' .. rest .. entry, 'EX', ARGV[1])
  else
    redis.call('SET', key, log .. entry, 'EX', ARGV[1])
  end
  return tostring(seq)
end

local reply = { epoch }
for k = 2, #KEYS do reply[k] = record(KEYS[k], ARGV[2 * k], ARGV[2 * k + 1]) end
return reply
