-- Publishes, once, each task still held (its worker's event did not come in time)
-- in its current state (update.lua holds them), and marks it told (TOLD): should the
-- event come after all (a loaded worker or consumer), update.lua tells the end again,
-- with the finishedAt and runtime only that event brings.
-- KEYS[1] rec, KEYS[2] cells, KEYS[3] held.
-- ARGV[1] the changes channel, then ids whose end was held.
-- Returns how many it published.
local REC, CELLS, HELD = KEYS[1], KEYS[2], KEYS[3]
--- @include "records.lua"

-- update.lua's value for an end told without its worker's event.
local TOLD = 'told'

local changes = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local status = redis.call('HGET', HELD, id)
  if status and status ~= TOLD then
    local rec = load(id)
    if rec then
      changes[#changes + 1] = change(id, rec)
      redis.call('HSET', HELD, id, TOLD)
    else
      redis.call('HDEL', HELD, id)
    end
  end
end
if #changes > 0 then redis.call('PUBLISH', ARGV[1], table.concat(changes, '\29')) end
return #changes
