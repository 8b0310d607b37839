-- Included (--- @include "cell-registry.lua"): the lifecycle of the index' cells
-- (index-cell-registry.ts). cellOf(rec) numbers a record's cell, leaveCell(cell, id) takes
-- a task out of one, forgetting the cell when that was its last task.
-- Expects locals CELLS, CELLID, SEQ (keys of the including script's KEYS), cellKey(n)
-- (the key of cell n's set), US, and `described` (records.lua's cache of descriptions,
-- kept current here).
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

local function forgetCell(cell)
  local desc = redis.call('HGET', CELLS, cell)
  redis.call('HDEL', CELLS, cell)
  if desc then
    if redis.call('HGET', CELLID, desc) == cell then redis.call('HDEL', CELLID, desc) end
    numbered[desc] = nil
  end
  described[cell] = nil
end

local function leaveCell(cell, id)
  local key = cellKey(cell)
  redis.call('ZREM', key, id)
  if redis.call('ZCARD', key) == 0 then forgetCell(cell) end
end
