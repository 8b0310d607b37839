-- Forgets the cells of a batch of registry entries that have no task left
-- (index-cell-registry.ts: left by earlier versions, which never forgot a cell).
-- KEYS[1] cells, KEYS[2] cellid, then the set of each cell of ARGV, in order (`c:<n>`).
-- ARGV: cell numbers.
-- Returns how many cells it forgot.
local CELLS, CELLID, SEQ = KEYS[1], KEYS[2], nil
local US = '\31'
local described = {}
local keyOf = {}
for i = 1, #ARGV do keyOf[ARGV[i]] = KEYS[2 + i] end
local function cellKey(n) return keyOf[n] end
--- @include "cell-registry.lua"

local forgotten = 0
for i = 1, #ARGV do
  if redis.call('HEXISTS', CELLS, ARGV[i]) == 1 and redis.call('EXISTS', KEYS[2 + i]) == 0 then
    forgetCell(ARGV[i])
    forgotten = forgotten + 1
  end
end
return forgotten
