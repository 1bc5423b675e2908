--[[
  Claims an agent name for one running agent, so two agents never take the
  same queue's jobs (and a second one's start-up clean-up never deletes the
  first one's live faults).

  KEYS[1] claim key of the name (faultline:agent:<name>:claim)

  ARGV[1] this agent's token (random, one per start)
  ARGV[2] claim record (JSON: token, host, pid, startedAtMs)
  ARGV[3] TTL (ms); the heartbeat renews it
  ARGV[4] token of a holder known to be dead (same host, process gone), or ''

  Returns {1} when the name is now ours, else {0, holder's record}.
]]
local current = redis.call('GET', KEYS[1])
if current then
  local ok, holder = pcall(cjson.decode, current)
  local token = ok and type(holder) == 'table' and holder.token or ''
  if token ~= ARGV[1] and (ARGV[4] == '' or token ~= ARGV[4]) then
    return {0, current}
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
return {1}
