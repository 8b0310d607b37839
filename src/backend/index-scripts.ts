/**
 * The task index' Lua scripts (see task-index.ts for the layout). Writes are
 * a read-modify-write of each task's record (which sets it is in, so that a
 * status change moves it); a script makes that atomic and keeps it inside
 * the consumer's pipeline: no extra round trip, and two replicas applying the
 * same events in any order end with the same entries (the later state wins,
 * whichever arrives first).
 *
 * Keys are built from the prefix inside the scripts, so they are not
 * declared: celery-lens talks to one Redis server, never to a cluster.
 */

/** Shared by every script: the layout, record decoding, and ordering. */
export const COMMON = `
local P = ARGV[1]
local ALL, REC, CELLS, CELLID, SEQ, MIN, CHANGES = P..'all', P..'rec', P..'cells', P..'cellid', P..'cellseq', P..'min', P..'changes'
local US, RS = '\\31', '\\30'

local function split(s, sep)
  local out, from = {}, 1
  while true do
    local i = string.find(s, sep, from, true)
    if not i then out[#out + 1] = string.sub(s, from); return out end
    out[#out + 1] = string.sub(s, from, i - 1)
    from = i + 1
  end
end

-- A cell: one (status, name, worker, queue, exception type) combination, numbered on first use.
local described = {}
local function describe(cell)
  local desc = described[cell]
  if not desc then
    desc = redis.call('HGET', CELLS, cell) or ''
    described[cell] = desc
  end
  local d = split(desc, US)
  return { status = d[1] or '', name = d[2] or '', worker = d[3] or '', queue = d[4] or '', exc = d[5] or '' }
end

-- A record: cell, at (ms), root, runtime, kwargs ("key=json" joined by RS), then what
-- it does not show: 'w' once a worker's event about the task was heard, and the digest
-- of its latest unfinished stored state (index-update-script.ts).
local function decode(raw)
  local f = split(raw, US)
  local rec = describe(f[1])
  rec.cell, rec.at, rec.root, rec.runtime, rec.kw = f[1], f[2], f[3] or '', f[4] or '', {}
  if f[5] and f[5] ~= '' then
    for _, pair in ipairs(split(f[5], RS)) do
      local eq = string.find(pair, '=', 1, true)
      if eq then rec.kw[string.sub(pair, 1, eq - 1)] = string.sub(pair, eq + 1) end
    end
  end
  rec.worked, rec.digest = f[6] == 'w', f[7] or ''
  rec.shown = table.concat({ rec.cell, rec.at, rec.root, rec.runtime, f[5] or '' }, US)
  rec.raw = raw
  return rec
end

-- Its kwargs as "key=json", sorted: the same text whatever order they were learnt in.
local function kwPairs(rec)
  local out = {}
  for k, v in pairs(rec.kw) do out[#out + 1] = k .. '=' .. v end
  table.sort(out)
  return out
end

-- One task's change as index-feed.ts decodes it.
local function change(id, rec)
  return table.concat({ id, rec.status, rec.at, rec.name, rec.worker, rec.queue, rec.root, table.concat(kwPairs(rec), RS) }, US)
end

local function load(id)
  local raw = redis.call('HGET', REC, id)
  if not raw then return nil end
  return decode(raw)
end
`;

/**
 * Filtering shared by the query scripts. ARGV from 2: order ('desc'/'asc'),
 * min, max (ms), limit, cursor score ('' for none), cursor id, statuses
 * (comma-separated, '' for any), name, name prefix, worker, queue, root,
 * budget (entries examined at most), then kwargs matches ("key=json").
 */
const FILTER = `${COMMON}
local desc = ARGV[2] == 'desc'
local minS, maxS, limit = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local curS, curId = tonumber(ARGV[6]), ARGV[7]
local statusList, name, prefix, worker, queue, root, budget = ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13], tonumber(ARGV[14])
local kwKeys = {}
for i = 15, #ARGV do kwKeys[#kwKeys + 1] = P .. 'k:' .. ARGV[i] end
local statuses = nil
if statusList ~= '' then
  statuses = {}
  for _, s in ipairs(split(statusList, ',')) do statuses[s] = true end
end
local cellFilter = statuses ~= nil or name ~= '' or prefix ~= '' or worker ~= '' or queue ~= ''

-- The cells whose (status, name, worker, queue) match, by number; nil when any cell does.
local function matchingCells()
  if not cellFilter then return nil end
  local set = {}
  local all = redis.call('HGETALL', CELLS)
  for i = 1, #all, 2 do
    local d = split(all[i + 1], US)
    local ok = (statuses == nil or statuses[d[1]]) and (name == '' or d[2] == name)
      and (prefix == '' or string.sub(d[2], 1, #prefix) == prefix)
      and (worker == '' or d[3] == worker) and (queue == '' or d[4] == queue)
    if ok then set[all[i]] = true end
  end
  return set
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

local function sortEntries(list)
  table.sort(list, function(a, b) return before(a[1], a[2], b[1], b[2]) end)
end

-- Whether a task passes the filters its driving set does not apply: cells, and the other kwargs sets.
local function passes(id, cells, skipKey)
  for _, key in ipairs(kwKeys) do
    if key ~= skipKey and not redis.call('ZSCORE', key, id) then return false end
  end
  if cells then
    local raw = redis.call('HGET', REC, id)
    if not raw then return false end
    local cell = string.sub(raw, 1, (string.find(raw, US, 1, true) or (#raw + 1)) - 1)
    if not cells[cell] then return false end
  end
  return true
end

-- Matches in order after the cursor: up to limit of them, examining at most budget entries.
-- Returns the matches, and where it stopped when the budget ran out first.
local function search()
  local cells = matchingCells()
  if root ~= '' then
    -- A workflow: its tasks, and the root itself.
    local list = {}
    local r = redis.call('ZRANGEBYSCORE', P .. 'r:' .. root, minS, maxS, 'WITHSCORES', 'LIMIT', 0, budget)
    for i = 1, #r, 2 do list[#list + 1] = { tonumber(r[i + 1]), r[i] } end
    local own = redis.call('ZSCORE', ALL, root)
    if own and inRange(tonumber(own)) then list[#list + 1] = { tonumber(own), root } end
    sortEntries(list)
    local out = {}
    for _, e in ipairs(list) do
      if (not curS or before(curS, curId, e[1], e[2])) and passes(e[2], cells, nil) then
        out[#out + 1] = e
        if #out >= limit then break end
      end
    end
    return out, nil
  end
  if #kwKeys > 0 then
    -- The smallest kwargs set drives, the rest are checked task by task.
    local driver, size = nil, nil
    for _, key in ipairs(kwKeys) do
      local n = redis.call('ZCARD', key)
      if not size or n < size then driver, size = key, n end
    end
    local out, examined, fromS, fromId = {}, 0, curS, curId
    while #out < limit and examined < budget do
      local chunk = fetch(driver, math.min(math.max(limit * 2, 100), budget - examined), fromS, fromId)
      if #chunk == 0 then return out, nil end
      for _, e in ipairs(chunk) do
        examined = examined + 1
        fromS, fromId = e[1], e[2]
        if passes(e[2], cells, driver) then
          out[#out + 1] = e
          if #out >= limit then return out, nil end
        end
      end
    end
    if #out < limit then return out, { fromS, fromId } end
    return out, nil
  end
  -- Filters of cells alone are plain range reads (index-cells.ts), never this script.
  error('celery-lens: the index script was asked for a filter without a workflow or kwargs')
end
`;

/** Returns { stoppedScore, stoppedId, id1, score1, id2, score2, … } ('' when it did not stop early). */
export const SEARCH_SCRIPT = `${FILTER}
local out, stopped = search()
local reply = { stopped and string.format('%.0f', stopped[1]) or '', stopped and stopped[2] or '' }
for _, e in ipairs(out) do
  reply[#reply + 1] = e[2]
  reply[#reply + 1] = string.format('%.0f', e[1])
end
return reply
`;

/**
 * Counts the matches of a workflow or kwargs filter by walking them, up to
 * `limit` (ARGV[5]) within the budget (filters of cells alone are counted
 * with ZCOUNTs, index-cells.ts). Returns { count, capped (0/1) }.
 */
export const COUNT_SCRIPT = `${FILTER}
local out, stopped = search()
if stopped or #out >= limit then return { #out, 1 } end
return { #out, 0 }
`;

/**
 * Per cell with tasks in [min, max] (ARGV 2, 3): its description, how many,
 * the first and last time, the latest task, and (ARGV[4] > 0, for finished
 * cells) the runtimes of its latest ARGV[4] tasks that have one.
 * Returns a flat list: desc, count, firstAt, lastAt, lastId, runtimes joined by ','.
 */
export const CELL_STATS_SCRIPT = `${COMMON}
local lo, hi, sample = ARGV[2], ARGV[3], tonumber(ARGV[4])
local only = ARGV[5]
local reply = {}
local all = redis.call('HGETALL', CELLS)
for i = 1, #all, 2 do
  local key = P .. 'c:' .. all[i]
  local d = split(all[i + 1], US)
  if only == '' or d[1] == only then
    local n = redis.call('ZCOUNT', key, lo, hi)
    if n > 0 then
      local first = redis.call('ZRANGEBYSCORE', key, lo, hi, 'WITHSCORES', 'LIMIT', 0, 1)
      local last = redis.call('ZREVRANGEBYSCORE', key, hi, lo, 'WITHSCORES', 'LIMIT', 0, 1)
      local runtimes = {}
      if sample > 0 and (d[1] == 'SUCCEEDED' or d[1] == 'FAILED') then
        local ids = redis.call('ZREVRANGEBYSCORE', key, hi, lo, 'LIMIT', 0, sample)
        -- In chunks: unpack() of thousands of values overflows Lua's C stack.
        for from = 1, #ids, 500 do
          for _, raw in ipairs(redis.call('HMGET', REC, unpack(ids, from, math.min(from + 499, #ids)))) do
            if raw then
              local f = split(raw, US)
              if f[4] and f[4] ~= '' then runtimes[#runtimes + 1] = f[4] end
            end
          end
        end
      end
      reply[#reply + 1] = all[i + 1]
      reply[#reply + 1] = tostring(n)
      reply[#reply + 1] = first[2]
      reply[#reply + 1] = last[2]
      reply[#reply + 1] = last[1]
      reply[#reply + 1] = table.concat(runtimes, ',')
    end
  end
end
return reply
`;
