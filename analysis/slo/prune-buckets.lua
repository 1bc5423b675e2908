--[[
  Drops the stored buckets of one SLO that no longer exists.

  KEYS[1] set of SLO names that have a buckets hash
  KEYS[2] that SLO's buckets hash
  KEYS[3] meta hash (holds identity:<slo>)

  ARGV[1] the SLO name

  Returns 1 when the SLO was listed.
]]
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[3], 'identity:' .. ARGV[1])
return redis.call('SREM', KEYS[1], ARGV[1])
