--[[
  Extends the leases of a run's admission entries.

  KEYS[1]  runs ZSET    runId -> lease expiry (ms)
  KEYS[2]  service ZSET "instance\0runId" -> lease expiry (ms)
  ARGV[1]  runId
  ARGV[2]  new lease expiry (ms)

  Returns 1, or 0 when the run no longer holds an admission (its lease ended):
  the caller must then stop its faults rather than carry on unaccounted.
]]
local runs, svc, runId, expiry = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2])
if not redis.call('ZSCORE', runs, runId) then return 0 end
redis.call('ZADD', runs, 'XX', expiry, runId)
local suffix = '\0' .. runId
for _, member in ipairs(redis.call('ZRANGE', svc, 0, -1)) do
  if string.sub(member, -#suffix) == suffix then redis.call('ZADD', svc, 'XX', expiry, member) end
end
return 1
