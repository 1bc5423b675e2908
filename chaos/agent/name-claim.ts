import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { isRunning } from '../drivers/process/resolve.ts';
import { agentKeys } from './keys.ts';

// One running agent per name. Two would both take the name's jobs, and the
// second one's start-up clean-up would delete the first one's live faults
// (they carry the same owner tag). The name is claimed in Redis before the
// clean-up, and the heartbeat renews the claim.

const claimScript = readFileSync(new URL('./claim.lua', import.meta.url), 'utf8');

export interface ClaimRecord {
  /** Random per start: tells this run of the agent from any other. */
  token: string;
  host: string;
  pid: number;
  startedAtMs: number;
}

export function newClaimRecord(): ClaimRecord {
  return { token: randomUUID(), host: hostname(), pid: process.pid, startedAtMs: Date.now() };
}

/** Who holds a name, for messages. */
export function describeHolder(raw: string): string {
  try {
    const holder = JSON.parse(raw) as Partial<ClaimRecord>;
    return `${holder.host ?? 'an unknown host'} (pid ${holder.pid ?? '?'}, started ${holder.startedAtMs ? new Date(holder.startedAtMs).toISOString() : 'at an unknown time'})`;
  } catch {
    return 'an unknown holder';
  }
}

/**
 * Claims `name` for `record`, or fails naming the agent that holds it. A
 * holder on this host whose process is gone (an agent killed and restarted
 * at once) is taken over without waiting for its claim to lapse.
 */
export async function claimName(redis: Redis, name: string, record: ClaimRecord, ttlMs: number): Promise<void> {
  const key = agentKeys.claim(name);
  const attempt = async (deadToken: string) =>
    (await redis.eval(claimScript, 1, key, record.token, JSON.stringify(record), String(ttlMs), deadToken)) as [number, string?];
  let [won, current] = await attempt('');
  if (won === 1) return;
  const holder = parse(current!);
  if (holder && holder.host === record.host && holder.pid !== record.pid && !isRunning(holder.pid)) {
    [won, current] = await attempt(holder.token);
    if (won === 1) return;
  }
  throw new FaultlineError(
    ErrorCode.Conflict,
    `agent name ${name} is taken: an agent of that name runs on ${describeHolder(current!)}; stop it or choose another --name ` +
      `(the name of an agent that died elsewhere is free ${Math.ceil(ttlMs / 1000)} s after its last heartbeat)`,
  );
}

function parse(raw: string): ClaimRecord | undefined {
  try {
    const value = JSON.parse(raw) as ClaimRecord;
    return typeof value.token === 'string' && typeof value.pid === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
