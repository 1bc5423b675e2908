--[[
  Admits an experiment run's faults under the blast-radius limits, atomically
  across every scheduler and API caller.

  KEYS[1]  runs ZSET    runId -> lease expiry (ms)
  KEYS[2]  service ZSET "instance\0runId" -> lease expiry (ms)
  KEYS[3]  held HASH    runId -> service

  ARGV[1]  runId
  ARGV[2]  now (ms)
  ARGV[3]  lease expiry (ms)
  ARGV[4]  max concurrent experiments
  ARGV[5]  max instances of this service under faults (already rounded down)
  ARGV[6]  service
  ARGV[7..] instances to put under faults

  Returns {1} when admitted, or {0, limit, current, allowed} when refused:
  limit is "max-concurrent-experiments" or "max-instance-percent".
  A run that is already admitted may widen (progressive steps): it does not
  count again towards the concurrency limit.
]]
local runs, svc, held = KEYS[1], KEYS[2], KEYS[3]
local runId, now, expiry = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local maxRuns, maxInstances, service = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]

-- Leases that ended free their slots, whoever held them.
local expired = redis.call('ZRANGEBYSCORE', runs, '-inf', now)
for _, id in ipairs(expired) do redis.call('HDEL', held, id) end
redis.call('ZREMRANGEBYSCORE', runs, '-inf', now)
redis.call('ZREMRANGEBYSCORE', svc, '-inf', now)

local already = redis.call('ZSCORE', runs, runId)
if not already then
  local current = redis.call('ZCARD', runs)
  if current >= maxRuns then
    return {0, 'max-concurrent-experiments', current, maxRuns}
  end
end

local distinct, count = {}, 0
for _, member in ipairs(redis.call('ZRANGE', svc, 0, -1)) do
  local instance = string.match(member, '^(.-)%z')
  if instance and not distinct[instance] then distinct[instance] = true; count = count + 1 end
end
for i = 7, #ARGV do
  if not distinct[ARGV[i]] then distinct[ARGV[i]] = true; count = count + 1 end
end
if count > maxInstances then
  return {0, 'max-instance-percent', count, maxInstances}
end

redis.call('ZADD', runs, expiry, runId)
for i = 7, #ARGV do redis.call('ZADD', svc, expiry, ARGV[i] .. '\0' .. runId) end
redis.call('HSET', held, runId, service)
return {1}
