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

  it('writes all keys in one script and never replaces a newer checkpoint with an older one', async () => {
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(availabilitySpec());
    const checkpoint = new SloCheckpoint(redis, 'test2:');
    assert.equal(await checkpoint.save(engine), true);
    assert.deepEqual(await redis.hkeys(sloKeys.events('test2:')), ['checkout-availability']);
    clock.set(T0 - 1000);
    assert.equal(await checkpoint.save(engine), false);
    assert.equal((await checkpoint.load())!.savedAtMs, T0);
    assert.equal(await new SloCheckpoint(redis, 'none:').load(), undefined);
  });
});
