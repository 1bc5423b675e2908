--[[
  Renews an agent's claim on its name, publishes its advertisement and keeps
  the agent index current, in one step, so a reader never sees an agent in
  the index without its record.

  KEYS[1] heartbeat key of this agent (faultline:agent:<name>)
  KEYS[2] index of agents (faultline:agents), a sorted set scored by time
  KEYS[3] claim key of the name (faultline:agent:<name>:claim)

  ARGV[1] agent name
  ARGV[2] advertisement (JSON)
  ARGV[3] now (ms)
  ARGV[4] heartbeat TTL (ms)
  ARGV[5] this agent's claim token
  ARGV[6] claim record (JSON), set again if the claim lapsed (Redis was away)

  Drops index entries whose heartbeat is older than the TTL.
  Returns {1, live agents}, or {0, holder's record} when another agent
  holds the name now (nothing is written then).
]]
local ttl = tonumber(ARGV[4])
local now = tonumber(ARGV[3])
local current = redis.call('GET', KEYS[3])
if current then
  local ok, holder = pcall(cjson.decode, current)
  if not (ok and type(holder) == 'table' and holder.token == ARGV[5]) then
    return {0, current}
  end
end
redis.call('SET', KEYS[3], ARGV[6], 'PX', ttl)
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
return {1, redis.call('ZCARD', KEYS[2])}
