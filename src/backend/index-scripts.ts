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
import { CELL_REGISTRY, SWEEP } from './index-cell-registry.ts';

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
export const UPDATE_SCRIPT = `${COMMON}${CELL_REGISTRY}
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

local function kwKey(k, v) return P .. 'k:' .. k .. '=' .. v end

local function unindex(id, rec)
  redis.call('ZREM', ALL, id)
  leaveCell(rec.cell, id)
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

-- The batch's changes, published in one message (joined by \\x1d) once every task is written.
local changes = {}

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
    if old.cell ~= rec.cell then leaveCell(old.cell, id) end
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
  changes[#changes + 1] = table.concat({ id, rec.status, rec.at, rec.name, rec.worker, rec.queue, rec.root, table.concat(pairs_, RS) }, US)
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
if #changes > 0 then redis.call('PUBLISH', CHANGES, table.concat(changes, '\\29')) end
local removed = trim(budget)
return { changed, removed }
`;

/** Forgets the cells of a batch of registry entries that have no task left (index-cell-registry.ts). */
export const SWEEP_SCRIPT = `${COMMON}${CELL_REGISTRY}${SWEEP}`;
