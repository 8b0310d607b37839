-- taskStats' and failures' reads (index-cell-stats.ts): per cell with tasks in a window, how
-- many, the first and last, and a sample of runtimes; a bounded batch of cells, stopping once
-- its work budget is spent (10 a cell, 1 a runtime sampled).
-- KEYS[1] rec, then the set of each cell of ARGV, in order (`c:<n>`).
-- ARGV[1] min, ARGV[2] max (ms), ARGV[3] sample, ARGV[4] work budget, then per cell its number
-- and where its sample of runtimes starts: '' none, 0 a cell not read yet, n > 0 the rest of
-- a sample a call began (its counts already read).
-- Returns { cells read, then per cell read: number, count ('' when only sampled), firstAt,
-- lastAt, lastId, runtimes joined by ',', where the rest of its sample starts ('' for none) }.
local REC, US = KEYS[1], '\31'
local lo, hi, sample, budget = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
-- A record's fourth field: its runtime.
local RUNTIME = '^[^' .. US .. ']*' .. US .. '[^' .. US .. ']*' .. US .. '[^' .. US .. ']*' .. US .. '([^' .. US .. ']*)'
local reply, work, done = { 0 }, 0, 0
for i = 5, #ARGV, 2 do
  if done > 0 and work >= budget then break end
  local key, from = KEYS[2 + (i - 5) / 2], tonumber(ARGV[i + 1])
  local row = { ARGV[i], '', '', '', '', '', '' }
  local n = 1
  if not from or from == 0 then
    n = redis.call('ZCOUNT', key, lo, hi)
    work = work + 10
    if n > 0 then
      local first = redis.call('ZRANGEBYSCORE', key, lo, hi, 'WITHSCORES', 'LIMIT', 0, 1)
      local last = redis.call('ZREVRANGEBYSCORE', key, hi, lo, 'WITHSCORES', 'LIMIT', 0, 1)
      row[2], row[3], row[4], row[5] = tostring(n), first[2], last[2], last[1]
    end
  end
  if from and n > 0 and from < sample then
    local take = math.min(sample - from, math.max(budget - work, 100))
    local ids = redis.call('ZREVRANGEBYSCORE', key, hi, lo, 'LIMIT', from, take)
    work = work + #ids
    local runtimes = {}
    -- In chunks: unpack() of thousands of values overflows Lua's C stack.
    for at = 1, #ids, 500 do
      for _, raw in ipairs(redis.call('HMGET', REC, unpack(ids, at, math.min(at + 499, #ids)))) do
        local runtime = raw and string.match(raw, RUNTIME)
        if runtime and runtime ~= '' then runtimes[#runtimes + 1] = runtime end
      end
    end
    row[6] = table.concat(runtimes, ',')
    if #ids == take and from + take < sample then row[7] = tostring(from + take) end
  end
  if n > 0 then for _, value in ipairs(row) do reply[#reply + 1] = value end end
  done = done + 1
end
reply[1] = done
return reply
