-- Counts the tasks a filter matches, up to the limit (ARGV[4]), walking as search.lua does
-- (walk.lua).
-- KEYS[1] rec, KEYS[2] cells, KEYS[3] all, then the workflow's set (when ARGV[12] names one) and
-- each kwargs value's set. ARGV: order, min, max, limit, cursor score and id, statuses, name,
-- name prefix, worker, queue, root, budget (walk.lua says each).
-- Returns { stoppedScore, stoppedId, count }.
--- @include "walk.lua"

local out, stopped = search()
return { stopped and string.format('%.0f', stopped[1]) or '', stopped and stopped[2] or '', #out }
