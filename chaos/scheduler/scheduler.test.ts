import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { silentLogger } from '../../platform/logger.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { chaosKeys } from '../experiments/keys.ts';
import { RunStore } from '../experiments/run-store.ts';
import { parseExperiment } from '../experiments/spec.ts';
import { ExperimentScheduler } from './scheduler.ts';

const experiment = (name: string, cron: string) => parseExperiment({
  apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name },
  spec: { targets: { service: 'a' }, fault: { type: 'kill' }, duration: '1m', schedule: { cron } },
});

describe('ExperimentScheduler (real redis-server, BullMQ)', () => {
  let server: TestRedis;
  let redis: Redis;
  let scheduler: ExperimentScheduler;
  before(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
    scheduler = new ExperimentScheduler(server.url, redis, {
      runNow: () => Promise.reject(new Error('no runs in this test')),
      store: new RunStore(redis), audit: new AuditLog(redis), logger: silentLogger(),
    });
  });
  after(async () => {
    await scheduler.close();
    redis.disconnect();
    await server.stop();
  });

  it('schedules with a next slot, audits it, and refuses a bad cron naming the key', async () => {
    const s = await scheduler.schedule(experiment('nightly', '0 3 * * *'), 'alice');
    assert.equal(s.cron, '0 3 * * *');
    assert.ok(s.next! > Date.now());
    const [entry] = await new AuditLog(redis).list(1);
    assert.deepEqual([entry.who, entry.action, entry.experiment, entry.result], ['alice', 'schedule', 'nightly', 'scheduled']);
    // Validation refuses it first; the scheduler still refuses one that skipped validation.
    assert.throws(() => experiment('broken', 'every day'), /spec\.schedule\.cron: not a valid cron expression "every day"/);
    const unchecked = experiment('broken', '0 3 * * *');
    unchecked.spec.schedule!.cron = 'every day';
    await assert.rejects(scheduler.schedule(unchecked, 'alice'), /spec\.schedule\.cron: /);
    assert.deepEqual((await scheduler.list()).map((x) => x.name), ['nightly'], 'a refused schedule leaves nothing behind');
  });

  it('lists a stored document that no longer validates with its error instead of failing the list', async () => {
    await redis.hset(chaosKeys.experiments, 'old', JSON.stringify({ apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'old' }, spec: { targets: { service: 'a' }, fault: { type: 'kill' }, duration: '1m', retired: true } }));
    const list = await scheduler.list();
    assert.deepEqual(list.map((x) => x.name), ['nightly', 'old']);
    assert.match(list[1].error ?? '', /spec\.retired: unknown key/);
    assert.ok(list[0].experiment && !list[0].error);
  });

  it('unschedules and audits it', async () => {
    assert.equal(await scheduler.unschedule('nightly', 'bob'), true);
    assert.equal(await scheduler.unschedule('nightly', 'bob'), false);
    assert.deepEqual((await scheduler.list()).map((x) => x.name), ['old']);
  });
});
