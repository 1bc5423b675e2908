--[[
  Saves an SLO engine checkpoint in one step, so a reader never sees event
  buckets from one checkpoint with alert states from another.

  KEYS[1] alerts string (alert states JSON)
  KEYS[2] meta hash (savedAtMs, identity:<slo> = what its counters count)
  KEYS[3] set of SLO names that have a buckets hash
  KEYS[3 + i] buckets hash of the i-th SLO in ARGV

  ARGV[1] savedAtMs of this checkpoint
  ARGV[2] alert states JSON
  ARGV[3] number of SLOs that follow
  then per SLO: name, identity, full ("1": replace the hash), nSet, nDel,
                nSet field/value pairs, nDel fields to delete

  Returns 1 when saved, 0 when a newer checkpoint is already there.
]]
local saved = tonumber(redis.call('HGET', KEYS[2], 'savedAtMs') or '0')
if saved > tonumber(ARGV[1]) then
  return 0
end
local a = 4
for i = 1, tonumber(ARGV[3]) do
  local key = KEYS[3 + i]
  local name = ARGV[a]
  local identity = ARGV[a + 1]
  local full = ARGV[a + 2]
  local nSet = tonumber(ARGV[a + 3])
  local nDel = tonumber(ARGV[a + 4])
  a = a + 5
  if full == '1' then
    redis.call('DEL', key)
  end
  for j = 0, nSet - 1 do
    redis.call('HSET', key, ARGV[a + 2 * j], ARGV[a + 2 * j + 1])
  end
  a = a + 2 * nSet
  for j = 0, nDel - 1 do
    redis.call('HDEL', key, ARGV[a + j])
  end
  a = a + nDel
  redis.call('SADD', KEYS[3], name)
  redis.call('HSET', KEYS[2], 'identity:' .. name, identity)
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], 'savedAtMs', ARGV[1])
return 1
