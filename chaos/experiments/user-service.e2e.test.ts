import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../platform/net.ts';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { startPrometheus, type PrometheusServer } from '../../platform/testing/prometheus.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { startAgentProcess, type AgentProcess } from '../testing/agent-process.ts';
import { httpCall, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import type { RunRecord } from './run-record.ts';
import { TOKEN, api, experiment, finished, waitFor } from './testing.ts';

// A user's own service, not a scenario: two instances of "myapi" (a plain
// HTTP server) behind the fault proxies of a real `faultline agent` child,
// targeted through `faultline up`'s API as users do, with a real Prometheus
// scraping /metrics.

describe('experiments on a user\'s service behind `faultline agent --proxy`', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'fl-user-agent-'));
  let redis: TestRedis;
  let platform: FaultlineProcess;
  let upstream: Upstream;
  let agent: AgentProcess;
  let prometheus: PrometheusServer;
  let base = '';
  const ports: Record<string, number> = {};
  const statuses = async () => Promise.all(['myapi-1', 'api-b'].map(async (n) => (await httpCall(ports[n], { path: '/orders' })).status));

  before(async () => {
    redis = await startTestRedis();
    // Two instances of one service: the governor's default third would allow none.
    platform = await startFaultline({ env: { REDIS_URL: redis.url, FAULTLINE_OPERATOR_TOKEN: TOKEN }, config: { governor: { maxInstancePercent: 100 } } });
    base = platform.addresses.api;
    upstream = await startUpstream();
    ports['myapi-1'] = await freePort();
    ports['api-b'] = await freePort();
    agent = await startAgentProcess([
      '--name', 'user-host', '--state-dir', stateDir, '--label', 'env=test',
      // The service from the name (myapi-1 -> myapi), and given explicitly.
      '--proxy', `myapi-1=127.0.0.1:${ports['myapi-1']}=127.0.0.1:${upstream.port}`,
      '--proxy', `myapi/api-b=127.0.0.1:${ports['api-b']}=127.0.0.1:${upstream.port}`,
    ], redis.url);
    prometheus = await startPrometheus({ target: new URL(base).host });
  });

  after(async () => {
    await agent?.kill('SIGTERM');
    await prometheus?.stop();
    await platform?.stop();
    await upstream?.close();
    await redis?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const abortAll = (name: string) => experiment(name, {
    targets: { service: 'myapi', labels: { env: 'test' }, selection: { mode: 'all' } },
    fault: { type: 'abort', statusCode: 503 },
    duration: '4s',
  });

  it('query parameters: ?dryRun=1 is a dry run; a misspelt name or value is 400 and starts nothing', async () => {
    const dry = await api<RunRecord>(base, 'POST', '/api/v1/experiments?dryRun=1', abortAll('myapi-dry'));
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual([dry.body.dryRun, dry.body.status], [true, 'passed']);
    assert.deepEqual([...dry.body.targets].sort(), ['api-b', 'myapi-1']);
    const refused: Array<[string, RegExp]> = [
      ['?dry-run=true', /unknown query parameter dry-run \(this endpoint takes dryRun, mode\)/],
      ['?dryRun=yes', /dryRun: expected true, false, 1 or 0, got "yes"/],
      ['?dryRun=true&mode=run&force=1', /unknown query parameter force/],
      ['?mode=now', /mode: expected run or schedule, got "now"/],
    ];
    for (const [q, message] of refused) {
      const r = await api<{ error: string }>(base, 'POST', `/api/v1/experiments${q}`, abortAll('myapi-misspelt'));
      assert.equal(r.status, 400, q);
      assert.match(r.body.error, message);
    }
    assert.deepEqual((await api<{ runs: RunRecord[] }>(base, 'GET', '/api/v1/runs')).body.runs, [], 'nothing ran');
    assert.equal((await api(base, 'GET', '/api/v1/runs?experiments=x')).status, 400);
    assert.deepEqual(await statuses(), [200, 200], 'nothing applied');

    const kill = await api<RunRecord>(base, 'POST', '/api/v1/experiments?dryRun=true', experiment('myapi-kill', { targets: { service: 'myapi' }, fault: { type: 'kill' }, duration: '4s' }));
    assert.match(kill.body.reason ?? '', /kill needs the instances' processes/);
  });

  it('a fault on the user\'s service is applied through the agent\'s proxies, seen by callers, and reverted after', async () => {
    const started = await api<{ runId: string }>(base, 'POST', '/api/v1/experiments?mode=run', abortAll('myapi-abort'));
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await waitFor('both instances answering 503 through their proxies', async () => ((await statuses()).every((s) => s === 503) ? true : undefined), 15_000);
    // The run counter exists at 0 before the run's verdict increments it.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^faultline_chaos_runs_total\{experiment="myapi-abort",verdict="passed"\} 0$/m);
    const run = await finished(base, started.body.runId);
    assert.equal(run.status, 'passed', run.reason ?? '');
    assert.deepEqual([...run.targets].sort(), ['api-b', 'myapi-1']);
    assert.deepEqual(await statuses(), [200, 200], 'reverted');
  });

  it('Prometheus sees the first run and its faults in increase()', async () => {
    const increase = async (q: string) => Number((await prometheus.query(`increase(${q}[2m])`))[0]?.value[1] ?? 0);
    await waitFor('the passed run in increase()', async () => ((await increase('faultline_chaos_runs_total{experiment="myapi-abort",verdict="passed"}')) > 0 ? true : undefined), 20_000, 500);
    assert.ok((await increase('faultline_chaos_faults_applied_total{fault="abort"}')) > 0);
    assert.ok((await increase('faultline_chaos_faults_reverted_total{fault="abort"}')) > 0);
  });
});
