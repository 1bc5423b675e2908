--[[
  Publishes an agent's advertisement and keeps the agent index current, in
  one step, so a reader never sees an agent in the index without its record.

  KEYS[1] heartbeat key of this agent (faultline:agent:<name>)
  KEYS[2] index of agents (faultline:agents), a sorted set scored by time

  ARGV[1] agent name
  ARGV[2] advertisement (JSON)
  ARGV[3] now (ms)
  ARGV[4] heartbeat TTL (ms)

  Drops index entries whose heartbeat is older than the TTL.
  Returns the number of live agents.
]]
local ttl = tonumber(ARGV[4])
local now = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
return redis.call('ZCARD', KEYS[2])
