import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { governorConfigSchema } from './config.ts';
import { Governor, type AdmissionRequest } from './governor.ts';

describe('Governor (real redis-server)', () => {
  let server: TestRedis;
  let redis: Redis;
  let nowMs = Date.UTC(2026, 10, 18, 12, 0); // a Wednesday, 12:00 UTC
  const clock = () => nowMs;
  const policy = governorConfigSchema.parse({ maxConcurrentExperiments: 2, protectedServices: ['billing'] });
  const req = (runId: string, service: string, instances: string[], total = 3): AdmissionRequest => ({
    runId, service, totalInstances: total, instances, durationMs: 60_000, leaseMs: 10_000,
  });

  before(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
  });

  it('admits one of three instances and refuses a second (the one-third rule), naming the limit', async () => {
    const g = new Governor(redis, policy, clock);
    assert.deepEqual(await g.admit(req('run-1', 'b', ['b-1'])), { admitted: true });
    const second = await g.admit(req('run-2', 'b', ['b-2']));
    assert.equal(second.admitted, false);
    assert.equal(!second.admitted && second.limit, 'max-instance-percent');
    assert.match(!second.admitted ? second.message : '', /2 of 3 instances of b would be under faults; at most 1 \(34%, rounded down\)/);
    // The same instance again does not count twice.
    assert.deepEqual(await g.admit(req('run-3', 'b', ['b-1'])), { admitted: true });
  });

  it('limits concurrent experiments and frees the slot on release', async () => {
    const g = new Governor(redis, policy, clock);
    assert.ok((await g.admit(req('r1', 'a', ['a-1']))).admitted);
    assert.ok((await g.admit(req('r2', 'b', ['b-1']))).admitted);
    const third = await g.admit(req('r3', 'c', ['c-1']));
    assert.equal(!third.admitted && third.limit, 'max-concurrent-experiments');
    await g.release('r1', 'a');
    await g.release('r1', 'a');
    assert.ok((await g.admit(req('r3', 'c', ['c-1']))).admitted);
  });

  it('frees the slots of a run whose lease ended (a scheduler that died)', async () => {
    const g = new Governor(redis, policy, clock);
    assert.ok((await g.admit(req('dead', 'b', ['b-1']))).admitted);
    nowMs += 5_000;
    assert.equal(await g.renew('dead', 'b', 10_000), true);
    nowMs += 10_001;
    assert.ok((await g.admit(req('next', 'b', ['b-2']))).admitted, 'expired lease no longer counts');
    assert.equal(await g.renew('dead', 'b', 10_000), false);
  });

  it('a progressive run may widen without counting twice towards concurrency', async () => {
    const g = new Governor(redis, governorConfigSchema.parse({ maxConcurrentExperiments: 1, maxInstancePercent: 50 }), clock);
    assert.ok((await g.admit(req('p', 'a', ['a-1'], 10))).admitted);
    assert.ok((await g.admit(req('p', 'a', ['a-1', 'a-2', 'a-3'], 10))).admitted);
    const tooWide = await g.admit(req('p', 'a', ['a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'a-6'], 10));
    assert.equal(!tooWide.admitted && tooWide.limit, 'max-instance-percent');
  });

  it('refuses protected services, long durations and runs outside the allowed windows', async () => {
    const windows = governorConfigSchema.parse({ allowedWindows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }], maxDuration: '5m' });
    const g = new Governor(redis, windows, clock);
    const protectedRun = await new Governor(redis, policy, clock).admit(req('x', 'billing', ['billing-1']));
    assert.equal(!protectedRun.admitted && protectedRun.limit, 'protected-service');
    const long = await g.admit({ ...req('y', 'a', ['a-1']), durationMs: 10 * 60_000 });
    assert.equal(!long.admitted && long.limit, 'max-duration');
    assert.ok((await g.admit(req('z', 'a', ['a-1']))).admitted, 'Wednesday 12:00 is inside');
    const night = new Governor(redis, windows, () => Date.UTC(2026, 10, 18, 22, 0));
    const refused = await night.admit(req('w', 'c', ['c-1']));
    assert.equal(!refused.admitted && refused.limit, 'outside-allowed-window');
  });

  it('never exceeds the limits when two schedulers race with many random experiments', async () => {
    const schedulerA = new Redis(server.url);
    const schedulerB = new Redis(server.url);
    const strict = governorConfigSchema.parse({ maxConcurrentExperiments: 4, maxInstancePercent: 34 });
    const governors = [new Governor(schedulerA, strict), new Governor(schedulerB, strict)];
    const services = ['a', 'b', 'c', 'd', 'e'];
    const attempts = Array.from({ length: 300 }, (_, i) => {
      const service = services[i % services.length];
      const instance = `${service}-${1 + Math.floor(Math.random() * 9)}`;
      return governors[i % 2].admit({ runId: `r${i}`, service, totalInstances: 9, instances: [instance], durationMs: 1000, leaseMs: 60_000 });
    });
    const results = await Promise.all(attempts);
    assert.ok(results.some((r) => r.admitted) && results.some((r) => !r.admitted));
    const holdings = await governors[0].holdings();
    assert.ok(holdings.runs.length <= 4, `${holdings.runs.length} runs admitted`);
    for (const [service, instances] of Object.entries(holdings.instances)) {
      assert.ok(instances.length <= 3, `${service}: ${instances.length} of 9 instances under faults`);
    }
    schedulerA.disconnect();
    schedulerB.disconnect();
  });

  it('previews an admission without taking anything', async () => {
    const g = new Governor(redis, policy, clock);
    assert.ok((await g.admit(req('held', 'b', ['b-1']))).admitted);
    const refused = await g.preview(req('dry', 'b', ['b-2']));
    assert.deepEqual(refused.admitted ? undefined : refused.limit, 'max-instance-percent');
    assert.deepEqual(await g.preview(req('dry', 'b', ['b-1'])), { admitted: true }, 'the held instance counts once');
    assert.ok((await g.admit(req('other', 'c', ['c-1']))).admitted);
    const busy = await g.preview(req('dry', 'd', ['d-1']));
    assert.match(busy.admitted ? '' : busy.message, /2 experiments already hold faults \(maxConcurrentExperiments 2\)/);
    assert.deepEqual((await g.holdings()).runs.sort(), ['held', 'other'], 'a preview takes no slot');
    const protectedRun = await g.preview(req('dry', 'billing', ['billing-1']));
    assert.equal(protectedRun.admitted ? '' : protectedRun.limit, 'protected-service');
  });
});
