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
const COMMON = `
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

-- A record: cell, at (ms), root, runtime, kwargs ("key=json" joined by RS).
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
  rec.raw = raw
  return rec
end

local function load(id)
  local raw = redis.call('HGET', REC, id)
  if not raw then return nil end
  return decode(raw)
end
`;

/**
 * ARGV: prefix, maxTasks, cutoff (ms; older latest states are dropped),
 * trim budget, then 11 values per task: id, status, at (ms), name, worker,
 * queue, root, parent, exception type, runtime, kwargs ("key=json" joined by
 * \x1e). Empty strings for what the update does not know. Returns the tasks
 * changed.
 */
export const UPDATE_SCRIPT = `${COMMON}
local maxTasks, cutoff, budget = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local READY = { SUCCEEDED = true, FAILED = true, REVOKED = true }
-- Equal times: the more final state wins, whatever order they arrive in.
local RANK = { UNKNOWN = 0, QUEUED = 1, RETRYING = 2, RUNNING = 3, REVOKED = 4, FAILED = 5, SUCCEEDED = 6, EXPIRED = 7 }
local FINISHED = { SUCCEEDED = 's', FAILED = 'f' }

local function minute(rec)
  local kind = FINISHED[rec.status]
  if not kind then return nil end
  return string.format('%d', math.floor(tonumber(rec.at) / 60000)) .. kind
end

local function count(field, by)
  if not field then return end
  if redis.call('HINCRBY', MIN, field, by) <= 0 then redis.call('HDEL', MIN, field) end
end

local numbered = {}
local function cellOf(rec)
  local desc = table.concat({ rec.status, rec.name, rec.worker, rec.queue, rec.exc }, US)
  local n = numbered[desc] or redis.call('HGET', CELLID, desc)
  if not n then
    n = tostring(redis.call('INCR', SEQ))
    redis.call('HSET', CELLID, desc, n)
    redis.call('HSET', CELLS, n, desc)
  end
  numbered[desc] = n
  return n
end

local function kwKey(k, v) return P .. 'k:' .. k .. '=' .. v end

local function unindex(id, rec)
  redis.call('ZREM', ALL, id)
  redis.call('ZREM', P .. 'c:' .. rec.cell, id)
  if rec.root ~= '' then redis.call('ZREM', P .. 'r:' .. rec.root, id) end
  for k, v in pairs(rec.kw) do redis.call('ZREM', kwKey(k, v), id) end
  count(minute(rec), -1)
  redis.call('HDEL', REC, id)
end

local function pick(new, old) if new ~= '' then return new end return old end

local function merge(old, u)
  if not old then return u end
  local t, ot = tonumber(u.at), tonumber(old.at)
  local newer = t > ot or (t == ot and (RANK[u.status] or 0) > (RANK[old.status] or 0))
  -- A finished task never goes back to an unfinished state, and finishing wins
  -- whatever the clocks say: unfinished metas carry no time of their own (they
  -- are stamped on receipt), and workers' clocks differ from ours.
  local apply
  if READY[u.status] ~= READY[old.status] then apply = READY[u.status] == true else apply = newer end
  local rec = { name = pick(old.name, u.name), queue = pick(old.queue, u.queue), root = pick(old.root, u.root), runtime = pick(u.runtime, old.runtime), kw = {} }
  for k, v in pairs(old.kw) do rec.kw[k] = v end
  for k, v in pairs(u.kw) do rec.kw[k] = v end
  if apply then
    rec.status, rec.at, rec.worker = u.status, u.at, pick(u.worker, old.worker)
    rec.exc = pick(u.exc, old.exc)
  else
    rec.status, rec.at, rec.worker = old.status, old.at, pick(old.worker, u.worker)
    rec.exc = pick(old.exc, u.exc)
  end
  return rec
end

-- Every task of the batch: as stored before it (false: none), and as merged so far.
local stored, merged, order = {}, {}, {}
local function current(id)
  if merged[id] then return merged[id] end
  if stored[id] == nil then stored[id] = load(id) or false end
  return stored[id] or nil
end

local function apply(id, u, parent)
  local rec = merge(current(id), u)
  if rec.status ~= 'FAILED' then rec.exc = '' end
  if rec.root == id then rec.root = '' end
  if rec.root == '' and parent ~= '' and parent ~= id then
    -- Metas name a parent, not the root: the parent's root, or the parent itself.
    local p = current(parent)
    rec.root = (p and p.root ~= '') and p.root or parent
  end
  if not merged[id] then order[#order + 1] = id end
  merged[id] = rec
end

-- Writes a task once per batch, with its latest merged state; publishes it when it changed.
local function write(id)
  local old, rec = stored[id] or nil, merged[id]
  rec.cell = cellOf(rec)
  local pairs_ = {}
  for k, v in pairs(rec.kw) do pairs_[#pairs_ + 1] = k .. '=' .. v end
  table.sort(pairs_)
  local raw = table.concat({ rec.cell, rec.at, rec.root, rec.runtime, table.concat(pairs_, RS) }, US)
  if old and raw == old.raw then return 0 end
  if old then
    if old.cell ~= rec.cell then redis.call('ZREM', P .. 'c:' .. old.cell, id) end
    if old.root ~= '' and old.root ~= rec.root then redis.call('ZREM', P .. 'r:' .. old.root, id) end
    for k, v in pairs(old.kw) do if rec.kw[k] ~= v then redis.call('ZREM', kwKey(k, v), id) end end
    local m1, m2 = minute(old), minute(rec)
    if m1 ~= m2 then count(m1, -1); count(m2, 1) end
  else
    count(minute(rec), 1)
  end
  if not old or old.at ~= rec.at then redis.call('ZADD', ALL, rec.at, id) end
  if not old or old.at ~= rec.at or old.cell ~= rec.cell then redis.call('ZADD', P .. 'c:' .. rec.cell, rec.at, id) end
  if rec.root ~= '' then redis.call('ZADD', P .. 'r:' .. rec.root, rec.at, id) end
  for k, v in pairs(rec.kw) do redis.call('ZADD', kwKey(k, v), rec.at, id) end
  redis.call('HSET', REC, id, raw)
  redis.call('PUBLISH', CHANGES, table.concat({ id, rec.status, rec.at, rec.name, rec.worker, rec.queue, rec.root, table.concat(pairs_, RS) }, US))
  return 1
end

-- The oldest first: past maxTasks, then those older than the cutoff; at most budget of them.
local function trim(limit)
  local removed = 0
  while removed < limit do
    local over = redis.call('ZCARD', ALL) - maxTasks
    local victims
    if over > 0 then
      victims = redis.call('ZRANGE', ALL, 0, math.min(over, limit - removed) - 1)
    else
      victims = redis.call('ZRANGEBYSCORE', ALL, '-inf', '(' .. string.format('%.0f', cutoff), 'LIMIT', 0, limit - removed)
    end
    if #victims == 0 then break end
    for _, id in ipairs(victims) do
      local rec = load(id)
      if rec then unindex(id, rec) else redis.call('ZREM', ALL, id) end
      removed = removed + 1
    end
  end
  return removed
end

for i = 5, #ARGV, 11 do
  local kw = {}
  if ARGV[i + 10] ~= '' then
    for _, pair in ipairs(split(ARGV[i + 10], RS)) do
      local eq = string.find(pair, '=', 1, true)
      if eq then kw[string.sub(pair, 1, eq - 1)] = string.sub(pair, eq + 1) end
    end
  end
  local u = { status = ARGV[i + 1], at = ARGV[i + 2], name = ARGV[i + 3], worker = ARGV[i + 4], queue = ARGV[i + 5],
    root = ARGV[i + 6], exc = ARGV[i + 8], runtime = ARGV[i + 9], kw = kw }
  apply(ARGV[i], u, ARGV[i + 7])
end
local changed = 0
for _, id in ipairs(order) do changed = changed + write(id) end
local removed = trim(budget)
return { changed, removed }
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
  if not cellFilter then return nil, nil end
  local set, keys = {}, {}
  local all = redis.call('HGETALL', CELLS)
  for i = 1, #all, 2 do
    local d = split(all[i + 1], US)
    local ok = (statuses == nil or statuses[d[1]]) and (name == '' or d[2] == name)
      and (prefix == '' or string.sub(d[2], 1, #prefix) == prefix)
      and (worker == '' or d[3] == worker) and (queue == '' or d[4] == queue)
    if ok then set[all[i]] = true; keys[#keys + 1] = P .. 'c:' .. all[i] end
  end
  return set, keys
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
  local cells, cellKeys = matchingCells()
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
  if not cells then return fetch(ALL, limit, curS, curId), nil end
  -- Each matching cell is in time order: the first limit of each, merged.
  local list = {}
  for _, key in ipairs(cellKeys) do
    for _, e in ipairs(fetch(key, limit, curS, curId)) do list[#list + 1] = e end
  end
  sortEntries(list)
  local out = {}
  for i = 1, math.min(limit, #list) do out[i] = list[i] end
  return out, nil
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
