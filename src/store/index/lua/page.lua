-- One shard's part of a page filtered on status, name, worker or queue, when the index has
-- several shards (index-cells.ts): the newest (or oldest) entries of each matching cell after
-- the cursor, merged here by (time, id), the first `take` of them. One call a shard instead
-- of a read a cell: a page over 8 shards of 8 cells each is 8 calls, not 64 reads.
-- KEYS[1] … KEYS[n]: the sets of the cells to merge (`c:<n>`), all of one shard.
-- ARGV[1] order ('desc'/'asc'), ARGV[2] min, ARGV[3] max (ms), ARGV[4] cursor time ('' none),
-- ARGV[5] cursor id, ARGV[6] take, ARGV[7] entries of the cursor's very time read at most.
-- Returns { cutAt, cutId, id1, at1, id2, at2, ... }: the entries in order, and where they stop
-- being exact ('' when they are whole: no set, nor the merge, was cut short at `take`).
local desc = ARGV[1] == 'desc'
local lo, hi = tonumber(ARGV[2]), tonumber(ARGV[3])
local afterAt, afterId = tonumber(ARGV[4]), ARGV[5]
local take, sameLimit = tonumber(ARGV[6]), tonumber(ARGV[7])
local sameTime = afterAt ~= nil and afterAt >= lo and afterAt <= hi
local function fmt(n) return string.format('%.0f', n) end

-- Whether (a1, i1) comes before (a2, i2) in the order asked.
local function before(a1, i1, a2, i2)
  if a1 ~= a2 then if desc then return a1 > a2 end return a1 < a2 end
  if desc then return i1 > i2 end
  return i1 < i2
end

local lists, cutAt, cutId = {}, nil, nil
local function cutAtEntry(e)
  if cutAt == nil or before(e[1], e[2], cutAt, cutId) then cutAt, cutId = e[1], e[2] end
end

for _, key in ipairs(KEYS) do
  if sameTime then
    -- Tasks of the cursor's own time: those after its id in the order asked.
    local same = redis.call('ZRANGEBYSCORE', key, fmt(afterAt), fmt(afterAt), 'LIMIT', 0, sameLimit)
    local tied = {}
    if desc then
      for i = #same, 1, -1 do if same[i] < afterId then tied[#tied + 1] = { afterAt, same[i] } end end
    else
      for i = 1, #same do if same[i] > afterId then tied[#tied + 1] = { afterAt, same[i] } end end
    end
    lists[#lists + 1] = tied
  end
  local r
  if desc then
    local top = (afterAt ~= nil and afterAt <= hi) and ('(' .. fmt(afterAt)) or fmt(hi)
    r = redis.call('ZREVRANGEBYSCORE', key, top, fmt(lo), 'WITHSCORES', 'LIMIT', 0, take)
  else
    local bottom = (afterAt ~= nil and afterAt >= lo) and ('(' .. fmt(afterAt)) or fmt(lo)
    r = redis.call('ZRANGEBYSCORE', key, bottom, fmt(hi), 'WITHSCORES', 'LIMIT', 0, take)
  end
  local main = {}
  for i = 1, #r, 2 do main[#main + 1] = { tonumber(r[i + 1]), r[i] } end
  lists[#lists + 1] = main
  -- A set read `take` deep may hold more past its last.
  if #main >= take then cutAtEntry(main[#main]) end
end

-- The k-way merge, the first `take` entries.
local heads, merged = {}, {}
for i = 1, #lists do heads[i] = 1 end
while #merged < take do
  local best, bestEntry = nil, nil
  for i = 1, #lists do
    local e = lists[i][heads[i]]
    if e and (best == nil or before(e[1], e[2], bestEntry[1], bestEntry[2])) then best, bestEntry = i, e end
  end
  if not best then break end
  heads[best] = heads[best] + 1
  merged[#merged + 1] = bestEntry
end
if #merged >= take and take > 0 then cutAtEntry(merged[#merged]) end

local reply = { cutAt and fmt(cutAt) or '', cutId or '' }
for _, e in ipairs(merged) do
  reply[#reply + 1] = e[2]
  reply[#reply + 1] = fmt(e[1])
end
return reply
