-- Records one evaluation of an alert rule by the holder of the evaluation lease (alert-store.ts).
-- When the rule's state changes (ok -> firing, firing -> ok), in one step: the new state, the
-- transition appended to the log, queued in the outbox for delivery now, and published. A caller
-- that no longer holds the lease records nothing (a paused replica waking up after another took over).
-- KEYS[1] the lease (STRING), KEYS[2] the states (HASH rule -> JSON {state, since, value, at}),
-- KEYS[3] the log (STREAM, field `json`), KEYS[4] the outbox (ZSET id -> due ms),
-- KEYS[5] the deliveries (HASH id -> JSON {t = transition JSON, b = body, n = attempts, l = lease token}).
-- ARGV[1] token, ARGV[2] rule, ARGV[3] kind, ARGV[4] '1' firing / '0' not, ARGV[5] value,
-- ARGV[6] threshold, ARGV[7] at (ms), ARGV[8] most log entries kept (about), ARGV[9] the channel,
-- ARGV[10] the webhook's body if this is a transition ('' : composed at delivery).
-- Returns {id, transition JSON} for a transition, nil otherwise.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return nil end
local at = tonumber(ARGV[7])
local value = tonumber(ARGV[5])
local was, since = nil, nil
local old = redis.call('HGET', KEYS[2], ARGV[2])
if old then
  local ok, decoded = pcall(cjson.decode, old)
  if ok and type(decoded) == 'table' then was, since = decoded.state, decoded.since end
end
local now = ARGV[4] == '1' and 'firing' or 'ok'
if was == now or (was ~= 'firing' and now == 'ok') then
  redis.call('HSET', KEYS[2], ARGV[2], cjson.encode({state = now, since = (was == now and since) or at, value = value, at = at}))
  return nil
end
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode({state = now, since = at, value = value, at = at}))
local transition = cjson.encode({
  rule = ARGV[2], kind = ARGV[3], state = now == 'firing' and 'firing' or 'resolved', at = at, value = value,
  threshold = tonumber(ARGV[6]), startedAt = (now == 'firing' and at) or since or at,
})
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'json', transition)
local time = redis.call('TIME')
redis.call('HSET', KEYS[5], id, cjson.encode({t = transition, b = ARGV[10], n = 0, l = ''}))
redis.call('ZADD', KEYS[4], tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000), id)
redis.call('PUBLISH', ARGV[9], id .. '\n' .. transition)
return {id, transition}
