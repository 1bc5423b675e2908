--[[
  Drops the stored buckets of one SLO that no longer exists.

  KEYS[1] set of SLO names that have a buckets hash
  KEYS[2] that SLO's buckets hash

  ARGV[1] the SLO name

  Returns 1 when the SLO was listed.
]]
redis.call('DEL', KEYS[2])
return redis.call('SREM', KEYS[1], ARGV[1])
