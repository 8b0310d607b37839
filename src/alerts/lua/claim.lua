-- Claims the next alert delivery that is due (alert-store.ts): its outbox score becomes the end of
-- the claimer's lease, so no other replica sees it due until then; past it (the claimer died
-- mid-delivery), the next claim takes it over. Times are Redis' own (TIME): replicas' clocks may differ.
-- KEYS[1] the outbox (ZSET id -> due ms), KEYS[2] the deliveries (HASH id -> JSON {t, b, n, l}).
-- ARGV[1] the claimer's token, ARGV[2] the lease's length (ms).
-- Returns {id, transition JSON, attempt, body ('' when none was recorded)} or nil when nothing is due.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for _ = 1, 10 do
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
  local id = due[1]
  if not id then return nil end
  local raw = redis.call('HGET', KEYS[2], id)
  local ok, delivery = pcall(cjson.decode, raw or 'null')
  if ok and type(delivery) == 'table' and type(delivery.t) == 'string' then
    delivery.n = (tonumber(delivery.n) or 0) + 1
    delivery.l = ARGV[1]
    redis.call('HSET', KEYS[2], id, cjson.encode(delivery))
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), id)
    return {id, delivery.t, delivery.n, type(delivery.b) == 'string' and delivery.b or ''}
  end
  -- Nothing to deliver under that id: forgotten.
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
return nil
