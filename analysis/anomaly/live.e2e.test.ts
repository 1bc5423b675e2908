import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { stringify } from 'yaml';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import type { AnomalyEvent } from './anomaly-engine.ts';
import { seededNormal } from './testing/synthetic.ts';

// `faultline up` as a child, spans from the real OpenTelemetry SDK over
// OTLP/HTTP; 1 s series steps and a 20-point warm-up so the test takes
// seconds: steady latency, then 300 ms more on every request. The latency
// series of that service must open an event within 30 s of the fault.

const dir = mkdtempSync(join(tmpdir(), 'faultline-anomaly-live-'));
let fl: FaultlineProcess | undefined;
let provider: BasicTracerProvider | undefined;

before(async () => {
  writeFileSync(join(dir, 'faultline.yaml'), stringify({
    analysis: { series: { stepMs: 1000 } },
    anomaly: { detector: { warmupPoints: 20 } },
  }));
  fl = await startFaultline({ args: ['--config', join(dir, 'faultline.yaml')] });
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${fl.addresses.otlpHttp}/v1/traces` }), { scheduledDelayMillis: 100, maxExportBatchSize: 1000 })],
  });
});

after(async () => {
  await provider?.shutdown().catch(() => {});
  await fl?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('anomaly detection on a live platform', () => {
  it('flags a 300 ms latency injection on the service within 30 s', async () => {
    const tracer = provider!.getTracer('anomaly-live-test');
    const g = seededNormal(17);
    let extraMs = 0;
    // 50 requests a second with 8 +/- 1 ms latency (plus the injected latency).
    const timer = setInterval(() => {
      const now = Date.now();
      for (let i = 0; i < 10; i++) {
        const ms = 8 + Math.abs(g()) + extraMs;
        const span = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: now - ms });
        span.end(now);
      }
    }, 200);
    try {
      await new Promise((r) => setTimeout(r, 30_000));
      const faultAtMs = Date.now();
      extraMs = 300;
      const api = fl!.addresses.api;
      let found: AnomalyEvent | undefined;
      while (!found && Date.now() < faultAtMs + 30_000) {
        await new Promise((r) => setTimeout(r, 500));
        const res = await fetch(`${api}/api/v1/anomalies?since=5m&service=checkout`);
        const { events } = (await res.json()) as { events: AnomalyEvent[] };
        found = events.find((e) => e.signal.startsWith('latency_') && e.startMs >= faultAtMs - 2000);
      }
      if (!found) {
        const all = await (await fetch(`${api}/api/v1/anomalies?since=5m`)).json();
        const series = await (await fetch(`${api}/api/v1/series?service=checkout&signal=latency_p50_ms&since=5m`)).json();
        assert.fail(`no latency event within 30 s of the fault at ${faultAtMs}: ${JSON.stringify(all)} ${JSON.stringify(series)}`);
      }
      assert.ok(found.startMs - faultAtMs <= 30_000);
      assert.ok(found.observed - found.expected > 200, `observed ${found.observed} vs expected ${found.expected}`);
      assert.equal(found.origin[0]?.service, 'checkout');
      const metrics = await (await fetch(`${api}/metrics`)).text();
      assert.match(metrics, /faultline_anomaly_events_total\{service="checkout",signal="latency_p\d+_ms",severity="(warning|critical)"\} \d+/);
    } finally {
      clearInterval(timer);
    }
  });
});
