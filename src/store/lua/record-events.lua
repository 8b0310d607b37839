-- Records a batch's events about one task in its history record (history-record.ts says the
-- layout): one STRING per task instead of a hash and a timeline ZSET, about 250 bytes of Redis
-- instead of 650. What each event sets is what the hash's HSETs set before, in arrival order;
-- a timeline entry already there (another replica's copy of the event) is not added again, and
-- only the latest ARGV[3] entries are kept.
-- KEYS[1] the record.
-- ARGV[1] the task id, ARGV[2] ttl (s), ARGV[3] most timeline entries kept, ARGV[4] the
-- events, packed (unpack.lua), 12 values per event: its type letter (timeline-members.ts), time
-- (ms, as JavaScript prints it), retries, hostname ('' none; else '@' and the name), name, queue,
-- parent, root, runtime, 'f' when it sets finishedAt (a task's end), 'w' when its hostname is the
-- task's worker now, 'c' when the rollups count it.
-- Returns, per event: 1 when its entry was added (0 when it was there), then, for an event the
-- rollups count whose entry was added, the task's name, queue, earliest send and latest receipt
-- times and retries after it (what the rollups count it with).
local US, RS = '\31', '\30'
--- @include "unpack.lua"
local V = unpackValues(ARGV[4] or '')

local function split(text, sep)
  local parts, at = {}, 1
  while true do
    local i = string.find(text, sep, at, true)
    if not i then parts[#parts + 1] = string.sub(text, at) return parts end
    parts[#parts + 1] = string.sub(text, at, i - 1)
    at = i + 1
  end
end

local f
local stored = redis.call('GET', KEYS[1])
if stored then
  f = split(stored, US)
  -- Not a record this script wrote: started again (the reader says what it held: history-record.ts).
  if f[1] ~= '1' or #f < 11 or #f > 15 then f = nil end
end
if not f then f = { '1' } end
-- Empty fields at the end are not stored (history-record.ts).
for k = #f + 1, 15 do f[k] = '' end
local NAME, QUEUE, ROOT, RETRIES, RUNTIME, WORKER, FINISHED, HOSTS, EVENTS = 3, 4, 5, 6, 7, 8, 9, 10, 11
local PARENT, SENT, RECEIVED, STARTED = 12, 13, 14, 15

-- Times are kept as an offset from the record's first time (T0, whole ms in base 36): a few digits each.
--- @include "base36.lua"
local function t0() return fromBase36(f[2]) end
local function parts(time)
  local sign, whole, fraction = string.match(time, '^(-?)(%d+)(.*)$')
  return tonumber(sign .. whole), fraction
end
local function offset(time)
  local whole, fraction = parts(time)
  if f[2] == '' then f[2] = base36(whole) end
  return string.format('%d', whole - t0()) .. fraction
end
local function timeOf(off)
  if off == '' then return '' end
  local whole, fraction = parts(off)
  return string.format('%d', t0() + whole) .. fraction
end

local hosts = f[HOSTS] == '' and {} or split(f[HOSTS], RS)
local function knownHost(name)
  for i, known in ipairs(hosts) do if known == name then return i - 1 end end
  return nil
end
local function hostIndex(name)
  local index = knownHost(name)
  if index then return index end
  hosts[#hosts + 1] = name
  return #hosts - 1
end

-- The timeline's entries as stored. An event's entry is one text for one event (given T0 and the
-- hostnames), so an event already recorded is found by its text, without decoding the others.
local entries = f[EVENTS] == '' and {} or split(f[EVENTS], RS)
local recorded = {}
for _, entry in ipairs(entries) do recorded[entry] = true end
local function entryOf(letter, time, retries, hostAt)
  local entry = letter .. offset(time) .. ',' .. retries
  if hostAt then entry = entry .. ',' .. hostAt end
  return (string.gsub(entry, ',+$', ''))
end
local function memberOf(entry)
  local fields = split(string.sub(entry, 2), ',')
  local member = string.sub(entry, 1, 1) .. timeOf(fields[1]) .. '|' .. (fields[2] or '')
  if fields[3] then member = member .. '|' .. hosts[tonumber(fields[3]) + 1] end
  return member
end
-- The earliest send and the latest receipt (times as text), which the rollups count an event with.
local sent, received
local function seen(letter, time)
  if letter == 'a' and (not sent or tonumber(time) < tonumber(sent)) then sent = time end
  if letter == 'b' and (not received or tonumber(time) > tonumber(received)) then received = time end
end
for _, entry in ipairs(entries) do
  local letter = string.sub(entry, 1, 1)
  if letter == 'a' or letter == 'b' then seen(letter, timeOf(split(string.sub(entry, 2), ',')[1])) end
end

local function set(at, value) if value ~= '' then f[at] = value end end
local reply = {}
for i = 1, #V, 12 do
  local letter, time, retries, host = V[i], V[i + 1], V[i + 2], V[i + 3]
  local name = host ~= '' and string.sub(host, 2) or nil
  local at = name and knownHost(name)
  -- A hostname not seen yet: a new entry.
  local same = (not name or at) and entryOf(letter, time, retries, at)
  local added = 0
  if not (same and recorded[same]) then
    local entry = same or entryOf(letter, time, retries, hostIndex(name))
    entries[#entries + 1] = entry
    recorded[entry] = true
    seen(letter, time)
    added = 1
  end
  set(NAME, V[i + 4])
  set(QUEUE, V[i + 5])
  set(PARENT, V[i + 6])
  set(ROOT, V[i + 7] == ARGV[1] and '=' or V[i + 7])
  set(RETRIES, retries)
  set(RUNTIME, V[i + 8])
  if V[i + 10] == 'w' then f[WORKER] = tostring(hostIndex(string.sub(host, 2))) end
  if V[i + 9] == 'f' then f[FINISHED] = offset(time) end
  reply[#reply + 1] = added
  if added == 1 and V[i + 11] == 'c' then
    local sentAt, receivedAt = sent or timeOf(f[SENT]), received or timeOf(f[RECEIVED])
    for _, value in ipairs({ f[NAME], f[QUEUE], sentAt, receivedAt, f[RETRIES] }) do reply[#reply + 1] = value end
  end
end

-- Only the latest entries: by time, then by member (the order of the ZSET earlier versions kept).
-- The send, receipt and start times are kept apart only for what is dropped (nothing twice): the
-- reader takes them from the timeline, and from these fields when it no longer holds one.
local over = #entries - tonumber(ARGV[3])
if over > 0 then
  local keyed = {}
  for _, entry in ipairs(entries) do
    local off = split(string.sub(entry, 2), ',')[1]
    keyed[#keyed + 1] = { at = tonumber(timeOf(off)), member = memberOf(entry), entry = entry, off = off }
  end
  table.sort(keyed, function(a, b) if a.at ~= b.at then return a.at < b.at end return a.member < b.member end)
  local DROPPED = { a = SENT, b = RECEIVED, c = STARTED }
  for j = 1, over do
    local letter, field = string.sub(keyed[j].entry, 1, 1), nil
    field = DROPPED[letter]
    if field and (letter ~= 'a' or f[field] == '') then f[field] = keyed[j].off end
  end
  entries = {}
  for j = over + 1, #keyed do entries[#entries + 1] = keyed[j].entry end
end

f[HOSTS] = table.concat(hosts, RS)
f[EVENTS] = table.concat(entries, RS)
while #f > EVENTS and f[#f] == '' do f[#f] = nil end
redis.call('SET', KEYS[1], table.concat(f, US), 'EX', ARGV[2])
return reply
