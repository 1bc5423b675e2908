import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { scrape, sumSeries } from '../platform/testing/prom-text.ts';
import { startPrometheus, type PrometheusServer } from '../platform/testing/prometheus.ts';
import { emitSpan, sdkTracer } from './testing/span-sender.ts';

// faultline up as a child, spans from the real OpenTelemetry SDK over
// OTLP/HTTP, and a real Prometheus scraping /metrics every second.

const RATE_PER_S = 100;
const SEND_MS = 8000;

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Only the families the analysis part renders, so promtool judges our text (not prom-client's defaults). */
function analysisFamilies(text: string): string {
  const ours = (name: string) => name.startsWith('traces_') || name.startsWith('faultline_analysis_');
  return text.split('\n').filter((line) => {
    if (line === '') return false;
    const name = line.startsWith('#') ? line.split(' ')[2] : line.split(/[{ ]/)[0];
    return ours(name);
  }).join('\n') + '\n';
}

describe('span metrics in a real Prometheus', () => {
  let fl: FaultlineProcess | undefined;
  let prom: PrometheusServer | undefined;
  const providers: BasicTracerProvider[] = [];

  before(async () => {
    fl = await startFaultline();
    prom = await startPrometheus({ target: new URL(fl.addresses.api).host });
  });
  after(async () => {
    await Promise.all(providers.map((p) => p.shutdown().catch(() => undefined)));
    await prom?.stop();
    await fl?.stop();
  });

  it('/metrics passes promtool check metrics, with awkward span names', async () => {
    const { tracer, provider } = sdkTracer(fl!.addresses.otlpHttp, 'prom "quoted" \\ service');
    providers.push(provider);
    for (const name of ['GET /a"b', 'back\\slash', 'new\nline', 'ünïcödé ✓', '']) emitSpan(tracer, name, SpanKind.SERVER, name === '');
    await provider.forceFlush();
    const text = await until('five awkward spans', 10_000, async () => {
      const res = await fetch(`${fl!.addresses.api}/metrics`);
      const body = await res.text();
      return body.includes('ünïcödé ✓') && body.includes('new\\nline') ? body : undefined;
    });
    const ours = analysisFamilies(text);
    assert.match(ours, /traces_span_metrics_calls_total\{service_name="prom \\"quoted\\" \\\\ service",span_name="new\\nline"/);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: ours, encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);
  });

  it('rate(traces_span_metrics_calls_total) in PromQL is the rate that was sent', async () => {
    const service = 'promrate';
    const { tracer, provider } = sdkTracer(fl!.addresses.otlpHttp, service);
    providers.push(provider);
    // Keep the cumulative count at elapsed x rate, whatever the timer jitter.
    const startMs = Date.now();
    let sent = 0;
    while (Date.now() - startMs < SEND_MS) {
      const due = Math.floor(((Date.now() - startMs) / 1000) * RATE_PER_S);
      for (; sent < due; sent++) emitSpan(tracer, 'GET /rate', SpanKind.SERVER);
      await new Promise((r) => setTimeout(r, 20));
    }
    await provider.forceFlush();
    const selector = `traces_span_metrics_calls_total{service_name="${service}"}`;
    await until('every span counted on /metrics', 10_000, async () => (sumSeries(await scrape(fl!.addresses.api), 'traces_span_metrics_calls_total', { service_name: service }) === sent ? true : undefined));
    await until('Prometheus to scrape the final count', 10_000, async () => {
      const r = await prom!.query(`sum(${selector})`);
      return r.length === 1 && Number(r[0].value[1]) === sent ? true : undefined;
    });
    // The middle of the sending period, away from its start and end.
    const atMs = startMs + 6000;
    const [result] = await prom!.query(`sum(rate(${selector}[4s]))`, atMs);
    const raw = await prom!.query(`${selector}[30s]`);
    assert.ok(result, `rate query returned a sample; start ${startMs / 1000}, raw ${JSON.stringify(raw)}`);
    const rate = Number(result.value[1]);
    assert.ok(Math.abs(rate - RATE_PER_S) <= RATE_PER_S * 0.2, `PromQL rate ${rate}/s, sent ${RATE_PER_S}/s`);
  });
});
