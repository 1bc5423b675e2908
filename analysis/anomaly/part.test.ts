import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema } from '../../platform/config/schema.ts';
import { createLogger } from '../../platform/logger.ts';
import { startPlatform, type Platform } from '../../platform/platform.ts';
import { parsePromText, sumSeries } from '../../platform/testing/prom-text.ts';
import type { SeriesStore } from '../series/series-store.ts';
import type { AnomalyEvent } from './anomaly-engine.ts';
import { seededNormal } from './testing/synthetic.ts';

// The anomaly part inside a real platform (embedded redis-server, every part
// started): points recorded into the analysis series store reach the
// detectors through the store's step listener, and the events come out of
// the HTTP API and /metrics.

const dir = mkdtempSync(join(tmpdir(), 'faultline-anomaly-part-'));
let platform: Platform | undefined;

before(async () => {
  const config = configSchema.parse({ apiPort: 0, otlpGrpcPort: 0, otlpHttpPort: 0, dataDir: join(dir, 'data'), logLevel: 'silent' });
  platform = await startPlatform(config, createLogger({ level: 'silent' }));
});

after(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('anomaly part', () => {
  it('scores the series store, serves events on /api/v1/anomalies and scores on /metrics', async () => {
    const ctx = platform!.context;
    const store = (ctx.services.get('analysis') as { series: SeriesStore }).series;
    const g = seededNormal(3);
    const t0 = Math.floor((Date.now() - 3_600_000) / store.stepMs) * store.stepMs;
    for (let i = 0; i < 300; i++) {
      store.record({ service: 'checkout', signal: 'latency_p99_ms' }, t0 + i * store.stepMs, 50 + 2 * g() + (i >= 280 ? 300 : 0));
      store.record({ service: 'search', signal: 'rate_rps' }, t0 + i * store.stepMs, 20 + g());
    }
    const api = ctx.addresses.api;
    const res = await fetch(`${api}/api/v1/anomalies?since=2h`);
    assert.equal(res.status, 200);
    const { events } = (await res.json()) as { events: AnomalyEvent[] };
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0].service, 'checkout');
    assert.equal(events[0].signal, 'latency_p99_ms');
    assert.equal(events[0].startMs, t0 + 280 * store.stepMs);
    assert.equal(events[0].open, true);

    const none = await fetch(`${api}/api/v1/anomalies?since=2h&service=search`);
    assert.deepEqual(((await none.json()) as { events: unknown[] }).events, []);
    const bad = await fetch(`${api}/api/v1/anomalies?since=yesterday`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /since/);

    const samples = parsePromText(await (await fetch(`${api}/metrics`)).text());
    assert.equal(sumSeries(samples, 'faultline_anomaly_events_total', { service: 'checkout', signal: 'latency_p99_ms' }), 1);
    assert.ok(sumSeries(samples, 'faultline_anomaly_score', { service: 'checkout' }) > 0);
    assert.equal(sumSeries(samples, 'faultline_anomaly_series'), 2);
    assert.equal(sumSeries(samples, 'faultline_anomaly_points_total'), 600);
  });
});
