--[[
  Frees a run's admission: its experiment slot and its instances.

  KEYS[1]  runs ZSET    runId -> lease expiry (ms)
  KEYS[2]  service ZSET "instance\0runId" -> lease expiry (ms)
  KEYS[3]  held HASH    runId -> service
  ARGV[1]  runId

  Returns the number of instance entries removed. Idempotent.
]]
local runs, svc, held, runId = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
redis.call('ZREM', runs, runId)
redis.call('HDEL', held, runId)
local suffix, removed = '\0' .. runId, 0
for _, member in ipairs(redis.call('ZRANGE', svc, 0, -1)) do
  if string.sub(member, -#suffix) == suffix then
    redis.call('ZREM', svc, member)
    removed = removed + 1
  end
end
return removed
