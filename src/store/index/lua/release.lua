-- Publishes, once, each task still held (its worker's event did not come in time)
-- in its current state (update.lua holds them).
-- KEYS[1] rec, KEYS[2] cells, KEYS[3] held.
-- ARGV[1] the changes channel, then ids whose end was held.
-- Returns how many it published.
local REC, CELLS, HELD = KEYS[1], KEYS[2], KEYS[3]
--- @include "records.lua"

local changes = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('HDEL', HELD, id) == 1 then
    local rec = load(id)
    if rec then changes[#changes + 1] = change(id, rec) end
  end
end
if #changes > 0 then redis.call('PUBLISH', ARGV[1], table.concat(changes, '\29')) end
return #changes
