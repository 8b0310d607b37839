-- A page of the tasks a filter matches, walking a set (walk.lua).
-- KEYS[1] rec, KEYS[2] cells, KEYS[3] all, then the workflow's set (when ARGV[12] names one) and
-- each kwargs value's set. ARGV: order, min, max, limit, cursor score and id, statuses, name,
-- name prefix, worker, queue, root, budget (walk.lua says each).
-- Returns { stoppedScore, stoppedId, id1, score1, id2, score2, ... } ('' when it did not stop early).
--- @include "walk.lua"

local out, stopped = search()
local reply = { stopped and string.format('%.0f', stopped[1]) or '', stopped and stopped[2] or '' }
for _, e in ipairs(out) do
  reply[#reply + 1] = e[2]
  reply[#reply + 1] = string.format('%.0f', e[1])
end
return reply
