import type { Redis } from 'ioredis';

export const AUDIT_STREAM = 'faultline:audit';
/** Entries kept (approximately; XADD MAXLEN ~). */
export const AUDIT_MAX_ENTRIES = 100_000;

export interface AuditEntry {
  /** Stream ID, e.g. 1763731200000-0 (milliseconds-sequence). */
  id?: string;
  atMs: number;
  who: string;
  action: string;
  experiment?: string;
  runId?: string;
  targets?: string[];
  result: string;
  detail?: string;
}

/** Every chaos action (who, when, what, targets, result), appended to a Redis stream. */
export class AuditLog {
  constructor(private readonly redis: Redis, private readonly now: () => number = Date.now) {}

  async append(entry: Omit<AuditEntry, 'atMs' | 'id'>): Promise<string> {
    const fields: string[] = ['atMs', String(this.now()), 'who', entry.who, 'action', entry.action, 'result', entry.result];
    if (entry.experiment) fields.push('experiment', entry.experiment);
    if (entry.runId) fields.push('runId', entry.runId);
    if (entry.targets) fields.push('targets', JSON.stringify(entry.targets));
    if (entry.detail) fields.push('detail', entry.detail);
    return (await this.redis.xadd(AUDIT_STREAM, 'MAXLEN', '~', AUDIT_MAX_ENTRIES, '*', ...fields)) as string;
  }

  /** Newest first; `sinceMs` keeps entries at or after that time. */
  async list(limit = 100, sinceMs?: number): Promise<AuditEntry[]> {
    const rows = sinceMs === undefined
      ? await this.redis.xrevrange(AUDIT_STREAM, '+', '-', 'COUNT', limit)
      : await this.redis.xrevrange(AUDIT_STREAM, '+', String(sinceMs), 'COUNT', limit);
    return rows.map(([id, flat]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) f[flat[i]] = flat[i + 1];
      return {
        id,
        atMs: Number(f.atMs),
        who: f.who,
        action: f.action,
        result: f.result,
        experiment: f.experiment,
        runId: f.runId,
        targets: f.targets ? (JSON.parse(f.targets) as string[]) : undefined,
        detail: f.detail,
      };
    });
  }
}
