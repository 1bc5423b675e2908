import { ErrorCode, FaultlineError } from '../../platform/errors.ts';

// Every Redis key and BullMQ queue name the agents use, built here only.

const PREFIX = 'faultline';

export const agentKeys = {
  /** BullMQ queue an agent takes its commands from (BullMQ forbids ':' in names). */
  queue: (agent: string) => `${PREFIX}-agent-${agent}`,
  /** String with the agent's latest advertisement (JSON), expiring with its heartbeat TTL. */
  heartbeat: (agent: string) => `${PREFIX}:agent:${agent}`,
  /** String (JSON: token, host, pid, startedAtMs) held by the one running agent of that name, expiring with its heartbeat TTL. */
  claim: (agent: string) => `${PREFIX}:agent:${agent}:claim`,
  /** Sorted set of agent names scored by their latest heartbeat (ms). */
  index: () => `${PREFIX}:agents`,
};

export function assertAgentName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
    throw new FaultlineError(ErrorCode.InvalidInput, `--name: agent name "${name}": use letters, digits, '_', '.', '-' (at most 100)`);
  }
  return name;
}
