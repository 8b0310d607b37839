-- Ends a claimed alert delivery (alert-store.ts), if the caller still holds its lease: 'done'
-- forgets it (delivered, or given up); 'retry' makes it due again after a delay.
-- KEYS[1] the outbox (ZSET id -> due ms), KEYS[2] the deliveries (HASH id -> JSON {t, b, n, l}).
-- ARGV[1] id, ARGV[2] the claimer's token, ARGV[3] 'done' or 'retry', ARGV[4] the delay (ms).
-- Returns 1, or 0 when the lease was lost (another replica took the delivery over).
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return 0 end
local ok, delivery = pcall(cjson.decode, raw)
if not ok or type(delivery) ~= 'table' or delivery.l ~= ARGV[2] then return 0 end
if ARGV[3] == 'done' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
delivery.l = ''
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(delivery))
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
return 1
