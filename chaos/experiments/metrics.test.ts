import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createChaosMetrics, initExperimentRuns, markActive } from './metrics.ts';

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

describe('chaos counters start at 0', () => {
  // A labelled counter that comes into being at 1 has no earlier sample, so
  // increase() in Prometheus (and the dashboards) never counts its first event.
  it('faults applied and reverted for every fault type, and rejections for every limit, before anything happens', async () => {
    const registry = new Registry();
    createChaosMetrics(registry);
    const text = await registry.metrics();
    for (const fault of ['latency', 'abort', 'partition', 'bandwidth', 'kill', 'cpu', 'disk-fill']) {
      assert.match(text, new RegExp(`^faultline_chaos_faults_applied_total\\{fault="${fault}"\\} 0$`, 'm'));
      assert.match(text, new RegExp(`^faultline_chaos_faults_reverted_total\\{fault="${fault}"\\} 0$`, 'm'));
    }
    assert.match(text, /^faultline_chaos_governor_rejections_total\{limit="max-instance-percent"\} 0$/m);
  });

  it('runs for every verdict once an experiment is known, and an increment after it counts from 0', async () => {
    const registry = new Registry();
    const metrics = createChaosMetrics(registry);
    initExperimentRuns(metrics, 'e');
    const runs = async () => (await registry.getSingleMetricAsString('faultline_chaos_runs_total')).split('\n').filter((l) => l.startsWith('faultline_chaos_runs_total{'));
    assert.deepEqual(await runs(), ['passed', 'failed', 'aborted', 'error', 'interrupted'].map((v) => `faultline_chaos_runs_total{experiment="e",verdict="${v}"} 0`));
    metrics.runs.inc({ experiment: 'e', verdict: 'passed' });
    initExperimentRuns(metrics, 'e');
    assert.ok((await runs()).includes('faultline_chaos_runs_total{experiment="e",verdict="passed"} 1'), 'initialising again keeps the count');
  });
});
