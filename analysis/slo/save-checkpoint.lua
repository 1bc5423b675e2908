--[[
  Saves an SLO engine checkpoint in one step, so a reader never sees event
  buckets from one checkpoint with alert states from another.

  KEYS[1] events hash (SLO name -> buckets JSON)
  KEYS[2] alerts string (alert states JSON)
  KEYS[3] meta hash (savedAtMs)

  ARGV[1] savedAtMs of this checkpoint
  ARGV[2] alert states JSON
  ARGV[3..] SLO name, buckets JSON, SLO name, buckets JSON, ...

  Returns 1 when saved, 0 when a newer checkpoint is already there.
]]
local saved = tonumber(redis.call('HGET', KEYS[3], 'savedAtMs') or '0')
if saved > tonumber(ARGV[1]) then
  return 0
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], 'savedAtMs', ARGV[1])
return 1
