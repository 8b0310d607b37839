-- Included (--- @include "records.lua"): the index' records, as every index script reads them.
-- Expects locals REC (HASH id -> record) and CELLS (HASH cell number -> description),
-- both keys of the including script's KEYS.
local US, RS = '\31', '\30'

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

-- Kwargs as "key=json" joined by RS (a record's, an update's): key -> json.
local function parseKw(text)
  local kw = {}
  if text and text ~= '' then
    for _, pair in ipairs(split(text, RS)) do
      local eq = string.find(pair, '=', 1, true)
      if eq then kw[string.sub(pair, 1, eq - 1)] = string.sub(pair, eq + 1) end
    end
  end
  return kw
end

-- A record: cell, at (ms), root, runtime, kwargs ("key=json" joined by RS), then what
-- it does not show: 'w' once a worker's event about the task was heard, and the digest
-- of its latest unfinished stored state (update.lua).
local function decode(raw)
  local f = split(raw, US)
  local rec = describe(f[1])
  rec.cell, rec.at, rec.root, rec.runtime, rec.kw = f[1], f[2], f[3] or '', f[4] or '', parseKw(f[5])
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
