import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { SloCheckpoint } from './checkpoint.ts';
import { SloEngine } from './engine.ts';
import { sloKeys } from './keys.ts';
import { availabilitySpec, fakeClock } from './testing.ts';

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

const T0 = 1_800_000_000_000;

describe('SloCheckpoint (real redis-server)', () => {
  it('restores buckets and alert states: a restarted engine evaluates as the old one', async () => {
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(availabilitySpec());
    for (let t = T0 + 10_000; t <= T0 + 10 * 60_000; t += 10_000) {
      engine.record('checkout-availability', t - 1, 100, 100);
      clock.set(t);
      engine.evaluate();
    }
    assert.equal(engine.alerts.activeAlerts().filter((a) => a.state === 'firing').length, 2);
    const checkpoint = new SloCheckpoint(redis, 'test1:');
    assert.equal(await checkpoint.save(engine), true);

    const restarted = new SloEngine(clock.now);
    restarted.upsert(availabilitySpec());
    restarted.restore((await new SloCheckpoint(redis, 'test1:').load())!);
    // No new transitions: the alerts are still firing, not raised again.
    assert.deepEqual(restarted.evaluate(), []);
    engine.evaluate();
    assert.deepEqual(restarted.status('checkout-availability')!.evaluation, engine.status('checkout-availability')!.evaluation);
    assert.deepEqual(restarted.alerts.activeAlerts(), engine.alerts.activeAlerts());
  });

  it('saves incrementally, never replaces a newer checkpoint, prunes SLOs that are gone', async () => {
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(availabilitySpec());
    engine.upsert(availabilitySpec({ name: 'other' }));
    for (let t = T0; t < T0 + 3_600_000; t += 10_000) engine.record('checkout-availability', t, 0, 10);
    const checkpoint = new SloCheckpoint(redis, 'test2:');
    assert.equal(await checkpoint.save(engine), true);
    const key = sloKeys.buckets('test2:', 'checkout-availability');
    // An hour: 360 fine buckets and 12 coarse ones.
    assert.equal(await redis.hlen(key), 372);
    assert.deepEqual((await redis.smembers(sloKeys.bucketIndex('test2:'))).sort(), ['checkout-availability', 'other']);
    clock.set(T0 + 3_600_000);
    engine.record('checkout-availability', T0 + 3_600_000, 1, 1);
    assert.equal(await checkpoint.save(engine), true);
    assert.equal(await redis.hlen(key), 374);
    assert.equal(await redis.hget(key, `f${(T0 + 3_600_000) / 10_000}`), '1 1');

    clock.set(T0 - 1000);
    assert.equal(await checkpoint.save(engine), false);
    assert.equal((await checkpoint.load())!.savedAtMs, T0 + 3_600_000);
    assert.equal(await new SloCheckpoint(redis, 'none:').load(), undefined);

    assert.deepEqual(await checkpoint.prune(['checkout-availability']), ['other']);
    assert.equal(await redis.exists(sloKeys.buckets('test2:', 'other')), 0);
    assert.deepEqual(await redis.smembers(sloKeys.bucketIndex('test2:')), ['checkout-availability']);
  });

  it('counters saved for a different SLI are not restored, and are replaced at the next save', async () => {
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(availabilitySpec());
    engine.record('checkout-availability', T0, 5, 5);
    await new SloCheckpoint(redis, 'test4:').save(engine);
    const changed = new SloEngine(clock.now);
    changed.upsert(availabilitySpec({ sli: { kind: 'latency', thresholdMs: 300 } }));
    changed.restore((await new SloCheckpoint(redis, 'test4:').load())!);
    assert.deepEqual(changed.get('checkout-availability')!.events.counts(T0 + 1, 300_000), { bad: 0, total: 0 });
    changed.record('checkout-availability', T0, 0, 1);
    clock.set(T0 + 1);
    await new SloCheckpoint(redis, 'test4:').save(changed);
    assert.deepEqual(await redis.hgetall(sloKeys.buckets('test4:', 'checkout-availability')), { [`f${T0 / 10_000}`]: '0 1', [`c${T0 / 300_000}`]: '0 1' });
  });

  it('after a failed save the next one rewrites every bucket', async () => {
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(availabilitySpec());
    engine.record('checkout-availability', T0, 1, 1);
    const broken = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    await assert.rejects(new SloCheckpoint(broken, 'test3:').save(engine));
    broken.disconnect();
    await new SloCheckpoint(redis, 'test3:').save(engine);
    assert.equal(await redis.hget(sloKeys.buckets('test3:', 'checkout-availability'), `f${T0 / 10_000}`), '1 1');
  });
});
