import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startFaultline, type FaultlineProcess } from './testing/faultline-process.ts';

// The whole /metrics of a running platform (every part's families, the
// process metrics included) must be valid Prometheus exposition.
describe('/metrics of faultline up', () => {
  let faultline: FaultlineProcess;
  before(async () => {
    faultline = await startFaultline();
  });
  after(async () => {
    await faultline?.stop();
  });

  it('passes promtool check metrics', async () => {
    const text = await (await fetch(`${faultline.addresses.api}/metrics`)).text();
    assert.match(text, /faultline_process_cpu_seconds_total/);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });
});
