-- The task index' write: the update each event batch and published meta runs (task-index.ts
-- describes the layout). A read-modify-write of each task's record (which sets it is in, so
-- that a status change moves it), atomic and inside the consumer's pipeline: no extra round
-- trip, and two replicas applying the same events in any order end with the same entries
-- (the later state wins, whichever arrives first).
--
-- What taskEvents hears (docs/api.md, taskEvents): a task is published when it enters the index,
-- when its status changes, and, while unfinished, when what its entry shows changes (a newer
-- state or event, a name, worker, queue, workflow or kwargs value learnt). Celery tells a
-- task's end twice, by the stored result and by the worker's task-succeeded/-failed event:
-- one change, published once. A result heard first while workers send task events (a worker
-- batches them: its result usually comes first) is held (`held`) until that event brings
-- finishedAt and runtime, or the process that held it releases it (release.lua, after
-- task-index.ts' HOLD_MS), leaving it marked told. An event that comes after that (a loaded
-- worker or consumer) is published once more: the end told again, now with finishedAt.
--
-- KEYS[1] rec, KEYS[2] cells, KEYS[3] cellid, KEYS[4] cellseq, KEYS[5] all, KEYS[6] min,
-- KEYS[7] held, KEYS[8] worked (set for 10 minutes by any worker's task event written).
-- ARGV[1] the prefix of those keys (`<lens-prefix>{ix}:`), ARGV[2] the changes channel,
-- ARGV[3] maxTasks, ARGV[4] cutoff (ms; older latest states are dropped), ARGV[5] trim
-- budget, ARGV[6] hold (a result's end waits for its worker's event: '2' always, '1' when a
-- worker's event about the task was heard, '0' never), ARGV[7] the updates, packed
-- (store/lua/unpack.lua), 13 values per task: id, status,
-- at (ms), name, worker, queue, root, parent, exception type, runtime, kwargs ("key=json"
-- joined by \30), source ('w' a worker's event, 'c' a client's task-sent, 'm' a stored
-- state; 'r' a root corrected: id, root and parent only), and an unfinished stored state's
-- digest. Empty strings for what the update does not know.
-- Returns the tasks changed, the tasks trimmed, the ids of the tasks it held, then
-- "id\31parent" of each task whose root it took to be a parent it holds no record of.
--
-- Keys not in KEYS, built from ARGV[1]: `c:<n>` (a cell's tasks), `r:<root>` (a workflow's),
-- `k:<key>=<json>` (a kwargs value's). The script cannot know them before it runs: it numbers
-- a new cell itself, learns a record's old cell, workflow and kwargs by reading it, a root
-- from the parent's record, and the entries it trims by reading `all`; naming them in KEYS
-- would take a read round trip and a retry when another replica writes meanwhile, and would
-- take the write out of the consumer's pipeline. They carry the hash tag of KEYS
-- (index-keys.ts), so Redis Cluster runs the script on the node that holds all of them.
local P = ARGV[1]
local REC, CELLS, CELLID, SEQ, ALL, MIN, HELD, WORKED = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local function cellKey(n) return P .. 'c:' .. n end
--- @include "records.lua"
--- @include "cell-registry.lua"
--- @include "../../lua/unpack.lua"

local maxTasks, cutoff, budget, hold = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] or '0'
-- Whether workers send task events is known to every replica once one of them wrote such an event: a process
-- that has heard none itself (just started) holds ends as the others do, instead of telling them unfinished.
-- Read once, and only when an end could be held by it.
local workersSend = nil
local function workersSendEvents()
  if workersSend == nil then workersSend = redis.call('GET', WORKED) ~= false end
  return workersSend
end
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

local function kwKey(k, v) return P .. 'k:' .. k .. '=' .. v end
local function rootKey(root) return P .. 'r:' .. root end

local function unindex(id, rec)
  redis.call('ZREM', ALL, id)
  leaveCell(rec.cell, id)
  if rec.root ~= '' then redis.call('ZREM', rootKey(rec.root), id) end
  for k, v in pairs(rec.kw) do redis.call('ZREM', kwKey(k, v), id) end
  count(minute(rec), -1)
  redis.call('HDEL', REC, id)
  redis.call('HDEL', HELD, id)
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
  local rec = { name = pick(old.name, u.name), queue = pick(old.queue, u.queue), root = pick(old.root, u.root), runtime = pick(u.runtime, old.runtime),
    worked = old.worked or u.worked, digest = pick(u.digest, old.digest), kw = {} }
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
-- "id\31parent" of each task whose root was taken to be a parent with no record here.
local guessed = {}
-- Tasks whose worker's event of their end is in the batch.
local ended = {}
local function current(id)
  if merged[id] then return merged[id] end
  if stored[id] == nil then stored[id] = load(id) or false end
  return stored[id] or nil
end

local function apply(id, u, parent)
  local old = current(id)
  -- The same unfinished state again (another replica's copy, stamped on its own receipt): no news.
  if old and u.digest ~= '' and u.digest == old.digest then return end
  local rec = merge(old, u)
  if READY[rec.status] then rec.digest = '' end
  if rec.status ~= 'FAILED' then rec.exc = '' end
  if rec.root == id then rec.root = '' end
  if rec.root == '' and parent ~= '' and parent ~= id then
    -- Metas name a parent, not the root: the parent's root, or the parent itself (told back: see reroot).
    local p = current(parent)
    rec.root = (p and p.root ~= '') and p.root or parent
    if not p then guessed[#guessed + 1] = id .. US .. parent end
  end
  if u.worked and READY[u.status] then ended[id] = true end
  if not merged[id] then order[#order + 1] = id end
  merged[id] = rec
end

-- A root taken from a parent this shard does not hold, corrected once the caller read the parent's
-- record in its own shard (task-index.ts): the task's root, while still that parent, becomes the parent's.
local function reroot(id, root, parent)
  local old = current(id)
  if not old or old.root ~= parent or root == '' or root == id then return end
  local rec = {}
  for k, v in pairs(old) do rec[k] = v end
  rec.root = root
  if not merged[id] then order[#order + 1] = id end
  merged[id] = rec
end

-- The batch's changes, published in one message (joined by \29) once every task is written; the tasks held.
local changes, held = {}, {}

-- Whether taskEvents hears of this write (see the top of this file).
local function news(id, old, rec, shown)
  if old and old.status == rec.status then
    -- The second telling of an end is news only as the event a held end waited for, or, once
    -- release.lua told it without that event, as the event come late (`held` keeps it told).
    if READY[rec.status] then return ended[id] == true and redis.call('HDEL', HELD, id) == 1 end
    return shown ~= old.shown
  end
  if READY[rec.status] and not ended[id] and (hold == '2' or (hold == '1' and (rec.worked or workersSendEvents()))) then
    redis.call('HSET', HELD, id, rec.status)
    held[#held + 1] = id
    return false
  end
  if old and READY[old.status] then redis.call('HDEL', HELD, id) end
  return true
end

-- Writes a task once per batch, with its latest merged state; publishes it when that is news.
local function write(id)
  local old, rec = stored[id] or nil, merged[id]
  rec.cell = cellOf(rec)
  local shown = table.concat({ rec.cell, rec.at, rec.root, rec.runtime, table.concat(kwPairs(rec), RS) }, US)
  local raw = shown
  if rec.worked or rec.digest ~= '' then raw = table.concat({ raw, rec.worked and 'w' or '', rec.digest }, US) end
  if news(id, old, rec, shown) then changes[#changes + 1] = change(id, rec) end
  if old and raw == old.raw then return 0 end
  if old then
    if old.cell ~= rec.cell then leaveCell(old.cell, id) end
    if old.root ~= '' and old.root ~= rec.root then redis.call('ZREM', rootKey(old.root), id) end
    for k, v in pairs(old.kw) do if rec.kw[k] ~= v then redis.call('ZREM', kwKey(k, v), id) end end
    local m1, m2 = minute(old), minute(rec)
    if m1 ~= m2 then count(m1, -1); count(m2, 1) end
  else
    count(minute(rec), 1)
  end
  if not old or old.at ~= rec.at then redis.call('ZADD', ALL, rec.at, id) end
  if not old or old.at ~= rec.at or old.cell ~= rec.cell then redis.call('ZADD', cellKey(rec.cell), rec.at, id) end
  if rec.root ~= '' then redis.call('ZADD', rootKey(rec.root), rec.at, id) end
  for k, v in pairs(rec.kw) do redis.call('ZADD', kwKey(k, v), rec.at, id) end
  redis.call('HSET', REC, id, raw)
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

local workedNow = false
local V = unpackValues(ARGV[7] or '')
for i = 1, #V, 13 do
  if V[i + 11] == 'r' then
    reroot(V[i], V[i + 6], V[i + 7])
  else
    local u = { status = V[i + 1], at = V[i + 2], name = V[i + 3], worker = V[i + 4], queue = V[i + 5],
      root = V[i + 6], exc = V[i + 8], runtime = V[i + 9], kw = parseKw(V[i + 10]), worked = V[i + 11] == 'w', digest = V[i + 12] }
    apply(V[i], u, V[i + 7])
    if u.worked then workedNow = true end
  end
end
if workedNow then redis.call('SET', WORKED, '1', 'PX', 600000) end
local changed = 0
for _, id in ipairs(order) do changed = changed + write(id) end
if #changes > 0 then redis.call('PUBLISH', ARGV[2], table.concat(changes, '\29')) end
local removed = trim(budget)
local reply = { changed, removed }
for _, id in ipairs(held) do reply[#reply + 1] = id end
for _, pair in ipairs(guessed) do reply[#reply + 1] = pair end
return reply
