-- Rotates the ring of keys page cursors are signed with (cursor-key-store.ts): puts a new key
-- in front, keeps the one it replaces, and the older ones replaced less than ARGV[4] ms
-- before ARGV[3] (now), at most ARGV[5] in all, in one step.
-- KEYS[1] the ring (STRING, JSON {v = 1, keys = {{id, secret, since}, ...}}).
-- ARGV[1] the new key's id, ARGV[2] its secret (base64url), ARGV[3] now (ms), ARGV[4] grace
-- (ms), ARGV[5] most keys kept.
-- Returns the ring written.
local now, grace, most = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ring = {{ARGV[1], ARGV[2], now}}
local ok, old = pcall(cjson.decode, redis.call('get', KEYS[1]) or 'null')
if ok and type(old) == 'table' and type(old.keys) == 'table' then
  -- When the key at hand stopped signing: when the one before it in the ring began.
  local replaced = now
  for _, key in ipairs(old.keys) do
    if #ring >= most or now - replaced > grace then break end
    if type(key) ~= 'table' or type(key[1]) ~= 'string' or type(key[2]) ~= 'string' or type(key[3]) ~= 'number' then break end
    ring[#ring + 1] = {key[1], key[2], key[3]}
    replaced = key[3]
  end
end
local value = cjson.encode({v = 1, keys = ring})
redis.call('set', KEYS[1], value)
return value
