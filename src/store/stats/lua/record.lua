-- Adds a batch to the rollups (stats-store.ts; fields in stats-fields.ts): per bucket hash,
-- counters by HINCRBY, sketch bins by HINCRBY at the sketch's level (collapsing every pair of
-- bins when it would hold more than its bound, sketch.ts), and the largest of max fields.
-- KEYS[1] the registry of names and queues, then one rollup hash per bucket written.
-- ARGV[1] keep since (ms: registry members last seen before it are dropped), ARGV[2] most members,
-- ARGV[3] most bins per sketch, then per hash (in KEYS order): its registry member ('' none),
-- when it was seen (ms), its TTL (ms), a count n of pairs, then n pairs of field and amount.
-- A member the registry has no room for leaves its hash unwritten (its tasks count with all).
-- Returns the hashes written.
local REGISTRY = KEYS[1]
local keepSince, maxMembers, maxBins = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local MAX = { rM = true, wM = true, ql = true, qa = true }

redis.call('ZREMRANGEBYSCORE', REGISTRY, '-inf', '(' .. keepSince)

-- Merges every pair of bins of a sketch (i -> ceil(i / 2)) until it holds at most maxBins.
local function collapse(key, kind)
  local level = tonumber(redis.call('HGET', key, kind .. 'L')) or 0
  local bins, count = {}, 0
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local bin = string.match(all[i], '^' .. kind .. '(%d+)$')
    if bin then
      bins[tonumber(bin)] = tonumber(all[i + 1])
      redis.call('HDEL', key, all[i])
      count = count + 1
    end
  end
  while count > maxBins do
    local merged = {}
    count = 0
    for bin, n in pairs(bins) do
      local to = math.ceil(bin / 2)
      if not merged[to] then count = count + 1 end
      merged[to] = (merged[to] or 0) + n
    end
    bins, level = merged, level + 1
  end
  for bin, n in pairs(bins) do redis.call('HSET', key, kind .. bin, n) end
  redis.call('HSET', key, kind .. 'L', level, kind .. 'B', count)
end

local function add(key, field, amount)
  if MAX[field] then
    local current = tonumber(redis.call('HGET', key, field))
    if not current or tonumber(amount) > current then redis.call('HSET', key, field, amount) end
    return
  end
  local kind, bin = string.match(field, '^([rw])(%d+)$')
  if not kind then
    redis.call('HINCRBY', key, field, amount)
    return
  end
  local at = tonumber(bin)
  local level = tonumber(redis.call('HGET', key, kind .. 'L')) or 0
  for _ = 1, level do at = math.ceil(at / 2) end
  if tonumber(redis.call('HINCRBY', key, kind .. at, amount)) == tonumber(amount) then
    if tonumber(redis.call('HINCRBY', key, kind .. 'B', 1)) > maxBins then collapse(key, kind) end
  end
end

-- Whether each member has room in the registry, asked once per call (its minute and hour share it).
local admitted = {}
local function admit(member, seen)
  if admitted[member] == nil then
    if redis.call('ZSCORE', REGISTRY, member) then
      redis.call('ZADD', REGISTRY, 'GT', seen, member)
      admitted[member] = true
    elseif redis.call('ZCARD', REGISTRY) < maxMembers then
      redis.call('ZADD', REGISTRY, seen, member)
      admitted[member] = true
    else
      admitted[member] = false
    end
  end
  return admitted[member]
end

local at, written = 4, 0
for k = 2, #KEYS do
  local key, member, seen, ttl, n = KEYS[k], ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
  at = at + 4
  local room = member == '' or admit(member, seen)
  if room then
    for p = 0, n - 1 do add(key, ARGV[at + 2 * p], ARGV[at + 2 * p + 1]) end
    redis.call('PEXPIRE', key, ttl)
    written = written + 1
  end
  at = at + 2 * n
end
return written
