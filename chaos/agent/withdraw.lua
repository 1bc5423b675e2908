--[[
  Removes an agent's advertisement, its index entry and its claim on the
  name (graceful stop), unless another agent holds the name by now.

  KEYS[1] heartbeat key of this agent (faultline:agent:<name>)
  KEYS[2] index of agents (faultline:agents)
  KEYS[3] claim key of the name (faultline:agent:<name>:claim)

  ARGV[1] agent name
  ARGV[2] this agent's claim token

  Returns 1 when withdrawn, 0 when the name belongs to another agent.
]]
local current = redis.call('GET', KEYS[3])
if current then
  local ok, holder = pcall(cjson.decode, current)
  if not (ok and type(holder) == 'table' and holder.token == ARGV[2]) then
    return 0
  end
end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
