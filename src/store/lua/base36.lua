-- Included (--- @include "base36.lua") by record-events.lua and record-state.lua: whole numbers
-- in base 36 (digits, then lowercase letters), as JavaScript's toString(36) writes them: short
-- times and sequence numbers in the records (history-record.ts, state-bytes.ts).
local DIGITS36 = '0123456789abcdefghijklmnopqrstuvwxyz'
local function base36(n)
  if n < 0 then return '-' .. base36(-n) end
  local text = ''
  repeat
    local digit = n % 36
    text = string.sub(DIGITS36, digit + 1, digit + 1) .. text
    n = (n - digit) / 36
  until n == 0
  return text
end
local function fromBase36(text)
  local sign, digits = string.match(text, '^(-?)(.*)$')
  return (sign == '-' and -1 or 1) * tonumber(digits, 36)
end
