--[[
  Removes an agent's advertisement and its index entry (graceful stop).

  KEYS[1] heartbeat key of this agent (faultline:agent:<name>)
  KEYS[2] index of agents (faultline:agents)

  ARGV[1] agent name
]]
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
