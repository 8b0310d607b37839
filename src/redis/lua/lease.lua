-- A lease: the one holder of a job (the alert rules' evaluation, a bulk action's batches) until it
-- gives it back or stops renewing it (it died, or lost Redis); then anyone may take it.
-- KEYS[1] the lease (STRING: the holder's token, with a PX expiry).
-- KEYS[2] (optional) a HASH whose `state` field must be ARGV[3] for the lease to be taken.
-- ARGV[1] the caller's token, ARGV[2] how long it holds (ms); 0 gives it back. ARGV[3] the state KEYS[2] needs.
-- Returns 1 when the caller holds the lease now, 0 otherwise.
local holder = redis.call('GET', KEYS[1])
if ARGV[2] == '0' then
  if holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 0
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
if KEYS[2] and redis.call('HGET', KEYS[2], 'state') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
