-- Counts the tasks a filter matches, up to the limit (ARGV[4]), walking as search.lua does
-- (walk.lua: KEYS and ARGV).
-- Returns { stoppedScore, stoppedId, count }.
--- @include "walk.lua"

local out, stopped = search()
return { stopped and string.format('%.0f', stopped[1]) or '', stopped and stopped[2] or '', #out }
