import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createChaosMetrics, markActive } from './metrics.ts';

describe('faultline_chaos_experiment_active', () => {
  it('stays 1 until the last of two runs with the same labels ends', async () => {
    const registry = new Registry();
    const metrics = createChaosMetrics(registry);
    const labels = { experiment: 'e', fault: 'latency', service: 's' };
    const series = async () => (await registry.getSingleMetricAsString('faultline_chaos_experiment_active')).split('\n').filter((l) => l.startsWith('faultline_chaos_experiment_active{'));
    const endFirst = markActive(metrics, labels);
    const endSecond = markActive(metrics, labels);
    endFirst();
    assert.deepEqual(await series(), ['faultline_chaos_experiment_active{experiment="e",fault="latency",service="s"} 1']);
    endSecond();
    assert.deepEqual(await series(), []);
  });
});
