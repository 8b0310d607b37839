-- Included (--- @include "unpack.lua"): values packed into one argument (store/packed-args.ts):
-- each as its length in bytes, ':', then its bytes, so any bytes may be in them. One argument
-- per call instead of a dozen per event: an argument costs the client and Redis as much as a
-- short value's unpacking here.
local function unpackValues(packed)
  local out, at, n = {}, 1, #packed
  while at <= n do
    local colon = string.find(packed, ':', at, true)
    local stop = colon + tonumber(string.sub(packed, at, colon - 1))
    out[#out + 1] = string.sub(packed, colon + 1, stop)
    at = stop + 1
  end
  return out
end
