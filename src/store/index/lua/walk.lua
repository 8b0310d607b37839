-- Included (--- @include "walk.lua") by search.lua and count.lua: the index' walking queries
-- (task-index.ts loops over them): a workflow (`rootId`), kwargs values, or, for a filter on
-- status, name, worker or queue that matches more cells than a page merges (index-cells.ts),
-- every task in order. Each call examines at most its budget of entries (a few milliseconds
-- of Redis) and says where it stopped; the caller goes on from there with another call. A
-- cell's conditions are checked when one of its tasks is examined, never by reading the
-- whole registry.
--
-- KEYS[1] rec, KEYS[2] cells, KEYS[3] all, then, when ARGV[12] names a workflow, its set
-- (`r:<root>`), then the set of each kwargs value to match (`k:<key>=<json>`).
-- ARGV[1] order ('desc'/'asc'), ARGV[2] min, ARGV[3] max (ms), ARGV[4] limit, ARGV[5] cursor
-- score ('' for none), ARGV[6] cursor id, ARGV[7] statuses (comma-separated, '' for any),
-- ARGV[8] name, ARGV[9] name prefix, ARGV[10] worker, ARGV[11] queue, ARGV[12] root ('' for
-- none), ARGV[13] budget (entries examined at most).
local REC, CELLS, ALL = KEYS[1], KEYS[2], KEYS[3]
--- @include "records.lua"

local desc = ARGV[1] == 'desc'
local minS, maxS, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local curS, curId = tonumber(ARGV[5]), ARGV[6]
local statusList, name, prefix, worker, queue, root, budget = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], tonumber(ARGV[13])
local ROOT = nil
local kwKeys = {}
local firstKw = 4
if root ~= '' then ROOT, firstKw = KEYS[4], 5 end
for i = firstKw, #KEYS do kwKeys[#kwKeys + 1] = KEYS[i] end
local statuses = nil
if statusList ~= '' then
  statuses = {}
  for _, s in ipairs(split(statusList, ',')) do statuses[s] = true end
end
local cellFilter = statuses ~= nil or name ~= '' or prefix ~= '' or worker ~= '' or queue ~= ''

-- Whether a cell's (status, name, worker, queue) match, read once per cell a call meets.
local matched = {}
local function cellMatches(cell)
  local ok = matched[cell]
  if ok == nil then
    local d = describe(cell)
    ok = (statuses == nil or statuses[d.status] == true) and (name == '' or d.name == name)
      and (prefix == '' or string.sub(d.name, 1, #prefix) == prefix)
      and (worker == '' or d.worker == worker) and (queue == '' or d.queue == queue)
    matched[cell] = ok
  end
  return ok
end

-- Whether (s1, id1) comes before (s2, id2) in the order asked.
local function before(s1, id1, s2, id2)
  if s1 ~= s2 then if desc then return s1 > s2 end return s1 < s2 end
  if desc then return id1 > id2 end
  return id1 < id2
end

local function inRange(s) return s >= minS and s <= maxS end

-- Up to n entries of a sorted set after (fromS, fromId) (nil: from the start) in the order asked, within [minS, maxS].
local function fetch(key, n, fromS, fromId)
  local out = {}
  if n <= 0 then return out end
  local lo, hi = minS, maxS
  if fromS then
    if inRange(fromS) then
      -- Entries of exactly the cursor's time (in id order) that come after it.
      local same = redis.call('ZRANGEBYSCORE', key, fromS, fromS, 'LIMIT', 0, 10000)
      local first, last, step = 1, #same, 1
      if desc then first, last, step = #same, 1, -1 end
      for i = first, last, step do
        local id = same[i]
        if (desc and id < fromId) or (not desc and id > fromId) then
          out[#out + 1] = { fromS, id }
          if #out >= n then return out end
        end
      end
    end
    if desc then hi = math.min(hi, fromS) else lo = math.max(lo, fromS) end
  end
  local loArg, hiArg = string.format('%.0f', lo), string.format('%.0f', hi)
  if fromS and desc and hi == fromS then hiArg = '(' .. hiArg end
  if fromS and not desc and lo == fromS then loArg = '(' .. loArg end
  local r
  if desc then r = redis.call('ZREVRANGEBYSCORE', key, hiArg, loArg, 'WITHSCORES', 'LIMIT', 0, n - #out)
  else r = redis.call('ZRANGEBYSCORE', key, loArg, hiArg, 'WITHSCORES', 'LIMIT', 0, n - #out) end
  for i = 1, #r, 2 do out[#out + 1] = { tonumber(r[i + 1]), r[i] } end
  return out
end

-- Whether a task passes the filters its driving set does not apply: the other kwargs sets, and cells.
local function passes(id, skipKey)
  for _, key in ipairs(kwKeys) do
    if key ~= skipKey and not redis.call('ZSCORE', key, id) then return false end
  end
  if cellFilter then
    local raw = redis.call('HGET', REC, id)
    if not raw then return false end
    return cellMatches(string.sub(raw, 1, (string.find(raw, US, 1, true) or (#raw + 1)) - 1))
  end
  return true
end

-- Matches of one sorted set (and of `extra`, an entry not in it) in order after the cursor: up to
-- limit of them, examining at most budget entries. Returns the matches, and where it stopped when
-- the budget ran out first.
local function walk(driver, extra)
  if extra and not (inRange(extra[1]) and (not curS or before(curS, curId, extra[1], extra[2]))) then extra = nil end
  local out, examined, fromS, fromId = {}, 0, curS, curId
  while examined < budget do
    local want = math.min(math.max(limit * 2, 100), budget - examined)
    local chunk = fetch(driver, want, fromS, fromId)
    local exhausted = #chunk < want
    local last = chunk[#chunk]
    if extra and (exhausted or before(extra[1], extra[2], last[1], last[2])) then
      chunk[#chunk + 1] = extra
      table.sort(chunk, function(a, b) return before(a[1], a[2], b[1], b[2]) end)
      extra = nil
    end
    for _, e in ipairs(chunk) do
      examined = examined + 1
      fromS, fromId = e[1], e[2]
      if passes(e[2], driver) then
        out[#out + 1] = e
        if #out >= limit then return out, nil end
      end
    end
    if exhausted then return out, nil end
  end
  return out, { fromS, fromId }
end

local function search()
  if root ~= '' then
    -- A workflow: its tasks, and the root itself.
    local own = redis.call('ZSCORE', ALL, root)
    return walk(ROOT, own and { tonumber(own), root } or nil)
  end
  if #kwKeys > 0 then
    -- The smallest kwargs set drives, the rest are checked task by task.
    local driver, size = nil, nil
    for _, key in ipairs(kwKeys) do
      local n = redis.call('ZCARD', key)
      if not size or n < size then driver, size = key, n end
    end
    return walk(driver, nil)
  end
  return walk(ALL, nil)
end
