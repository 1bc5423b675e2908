import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { AuditLog } from './audit-log.ts';

describe('AuditLog (real redis-server)', () => {
  let server: TestRedis;
  let redis: Redis;
  before(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('appends who, when, what, targets and result, and lists newest first', async () => {
    let now = 1_000_000;
    const log = new AuditLog(redis, () => now);
    await log.append({ who: 'alice', action: 'run', experiment: 'pay-latency', runId: 'r1', targets: ['payments-1'], result: 'started' });
    now += 5000;
    await log.append({ who: 'bob', action: 'halt', runId: 'r1', result: 'halted', detail: 'all faults reverted' });
    const entries = await log.list(10);
    assert.equal(entries.length, 2);
    assert.equal(entries[0].who, 'bob');
    assert.equal(entries[1].action, 'run');
    assert.deepEqual(entries[1].targets, ['payments-1']);
    assert.equal(entries[1].atMs, 1_000_000);
    assert.equal((await log.list(1)).length, 1);
  });
});
