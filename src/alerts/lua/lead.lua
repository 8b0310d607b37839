-- The evaluation lease of the alert rules (alert-store.ts): one replica evaluates at a time, and
-- another takes over once the holder stops renewing it (it died, or lost Redis).
-- KEYS[1] the lease (STRING: the holder's token, with a PX expiry).
-- ARGV[1] the caller's token, ARGV[2] the lease's length (ms), ARGV[3] 'hold' (take or renew) or 'resign'.
-- Returns 1 when the caller holds the lease now, 0 otherwise.
local holder = redis.call('GET', KEYS[1])
if ARGV[3] == 'resign' then
  if holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 0
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
