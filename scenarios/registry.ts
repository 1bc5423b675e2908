import type { Redis } from 'ioredis';

// The instance registry: which scenario instances exist, where they listen and
// which fault proxy fronts each. The chaos agent resolves `process` targets by
// `instance` name and `proxy` targets by proxy name through it.

/** Redis hash: field = instance name (e.g. "payments-1"), value = JSON InstanceRecord. */
export const INSTANCE_REGISTRY_KEY = 'faultline:scenario:instances';

export interface InstanceRecord {
  scenario: string;
  service: string;
  /** service.instance.id, e.g. "payments-1". */
  instance: string;
  /** Current process id (changes on restart); its process group id is the same. */
  pid: number;
  /** Machine the instance runs on (os.hostname(), as agents advertise theirs). */
  host: string;
  /** Address and port the instance itself listens on (behind its proxy). */
  listenHost: string;
  port: number;
  /** Name of the fault proxy in front of the instance (same as the instance name), if any. */
  proxy?: string;
  /** "host:port" callers use to reach the instance (the proxy's address when there is one). */
  address: string;
  restarts: number;
  updatedAtMs: number;
}

export async function publishInstance(redis: Redis, record: InstanceRecord): Promise<void> {
  await redis.hset(INSTANCE_REGISTRY_KEY, record.instance, JSON.stringify(record));
}

export async function removeInstances(redis: Redis, instances: string[]): Promise<void> {
  if (instances.length > 0) await redis.hdel(INSTANCE_REGISTRY_KEY, ...instances);
}

export async function lookupInstance(redis: Redis, instance: string): Promise<InstanceRecord | undefined> {
  const raw = await redis.hget(INSTANCE_REGISTRY_KEY, instance);
  return raw ? (JSON.parse(raw) as InstanceRecord) : undefined;
}

export async function listInstances(redis: Redis): Promise<InstanceRecord[]> {
  const all = await redis.hgetall(INSTANCE_REGISTRY_KEY);
  return Object.values(all).map((raw) => JSON.parse(raw) as InstanceRecord)
    .sort((a, b) => a.instance.localeCompare(b.instance, 'en', { numeric: true }));
}
