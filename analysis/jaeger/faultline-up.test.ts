import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { startPrometheus } from '../../platform/testing/prometheus.ts';
import { parsePromText, sumSeries } from '../../platform/testing/prom-text.ts';

// `faultline up` as a child process, fed by the real OpenTelemetry JS
// exporters (OTLP/HTTP protobuf): OTLP metrics come back on /metrics under
// Prometheus names, USE shows up per instance, and the Jaeger API serves the
// trace that was sent.

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('faultline up: OTLP metrics on /metrics, USE and the Jaeger API', () => {
  let fl: FaultlineProcess | undefined;
  const providers: Array<{ shutdown(): Promise<void> }> = [];
  let traceId = '';
  let addOrders: (n: number) => Promise<void> = async () => {};

  before(async () => {
    fl = await startFaultline();
    const otlp = fl.addresses.otlpHttp;
    assert.ok(otlp, `no otlpHttp address in ${JSON.stringify(fl.addresses)}`);

    // Cumulative metrics, host metrics and Node.js runtime metrics of one instance.
    const shop = resourceFromAttributes({ 'service.name': 'e2e-shop', 'service.namespace': 'e2e', 'service.instance.id': 'shop-1', 'deployment.environment.name': 'test' });
    const meters = new MeterProvider({
      resource: shop,
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${otlp}/v1/metrics` }), exportIntervalMillis: 60_000 })],
    });
    providers.push(meters);
    const meter = meters.getMeter('e2e', '1.2.3');
    const orders = meter.createCounter('orders.placed', { unit: '{order}' });
    orders.add(5, { 'payment.method': 'card' });
    addOrders = async (n) => {
      orders.add(n, { 'payment.method': 'card' });
      await meters.forceFlush();
    };
    const duration = meter.createHistogram('checkout.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [100, 200, 500] } });
    duration.record(120);
    duration.record(250);
    new HostMetrics({ meterProvider: meters, name: 'host' }).start();
    const runtime = new RuntimeNodeInstrumentation({ monitoringPrecision: 10 });
    runtime.setMeterProvider(meters);
    runtime.enable();
    await new Promise((r) => setTimeout(r, 200)); // let the event-loop delay histogram fill
    await meters.forceFlush();
    await meters.forceFlush(); // a second export gives counters a rate

    // Delta temporality: two exports must add up on /metrics.
    const deltas = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'e2e-worker' }),
      readers: [new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${otlp}/v1/metrics`, temporalityPreference: AggregationTemporalityPreference.DELTA }),
        exportIntervalMillis: 60_000,
      })],
    });
    providers.push(deltas);
    const jobs = deltas.getMeter('worker').createCounter('jobs.done');
    jobs.add(3);
    await deltas.forceFlush();
    jobs.add(4);
    await deltas.forceFlush();

    // One trace across two services, as two SDKs would export it.
    const tracerFor = (service: string, instance: string) => {
      const p = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': instance }),
        spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${otlp}/v1/traces` }))],
      });
      providers.push(p);
      return { tracer: p.getTracer(`${service}-tracer`), provider: p };
    };
    const shopTracer = tracerFor('e2e-shop', 'shop-1');
    const payTracer = tracerFor('e2e-payments', 'pay-1');
    const root = shopTracer.tracer.startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: { 'http.route': '/checkout' } });
    const call = shopTracer.tracer.startSpan('POST', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, root));
    const server = payTracer.tracer.startSpan('POST /pay', { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 502 } }, trace.setSpan(ROOT_CONTEXT, call));
    server.addEvent('card declined', { 'decline.code': 'insufficient_funds' });
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
    server.end();
    call.end();
    root.end();
    traceId = root.spanContext().traceId;
    await shopTracer.provider.forceFlush();
    await payTracer.provider.forceFlush();
  });

  after(async () => {
    for (const p of providers) await p.shutdown().catch(() => {});
    await fl?.stop();
  });

  const get = async (path: string) => {
    const res = await fetch(`${fl!.addresses.api}${path}`);
    return { status: res.status, text: await res.text() };
  };

  it('re-exposes the OTLP metrics under Prometheus names, and promtool accepts /metrics', async () => {
    const text = await eventually('the metrics on /metrics', async () => {
      const { text } = await get('/metrics');
      return text.includes('jobs_done_total') && text.includes('checkout_duration_seconds_count') ? text : undefined;
    });
    const samples = parsePromText(text);
    const shop = { job: 'e2e/e2e-shop', instance: 'shop-1' };
    assert.equal(sumSeries(samples, 'orders_placed_total', { ...shop, otel_scope_name: 'e2e', otel_scope_version: '1.2.3', payment_method: 'card' }), 5);
    assert.equal(sumSeries(samples, 'checkout_duration_seconds_count', shop), 2);
    assert.equal(sumSeries(samples, 'checkout_duration_seconds_bucket', { ...shop, le: '0.2' }), 1);
    assert.equal(sumSeries(samples, 'checkout_duration_seconds_bucket', { ...shop, le: '0.5' }), 2);
    assert.ok(Math.abs(sumSeries(samples, 'checkout_duration_seconds_sum', shop) - 0.37) < 1e-9);
    assert.equal(sumSeries(samples, 'jobs_done_total', { job: 'e2e-worker', instance: '' }), 7);
    assert.equal(sumSeries(samples, 'target_info', { ...shop, deployment_environment_name: 'test' }), 1);
    assert.ok(samples.some((s) => s.name === 'system_memory_usage' && s.labels.system_memory_state === 'used'), 'host metrics (sent without a unit)');
    assert.ok(samples.some((s) => s.name === 'nodejs_eventloop_delay_p99_seconds' && s.labels.job === 'e2e/e2e-shop'), 'runtime metrics');
    // Only the families this part renders (target_info and the re-exposed
    // OTLP metrics): the platform's self-metrics (faultline_*) and the span
    // metrics (traces_*) belong to other parts and are checked there.
    const checked = text.split(/(?=^# HELP )/m).filter((block) => !/^# HELP (faultline|traces)_/.test(block)).join('');
    assert.match(checked, /^# TYPE orders_placed_total counter$/m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: checked, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  it('is scraped by a real Prometheus, and PromQL sees the counts that were sent', async () => {
    const prometheus = await startPrometheus({ target: new URL(fl!.addresses.api).host });
    try {
      // Without honor_labels Prometheus keeps the OTel job/instance as exported_job/exported_instance.
      const sel = '{exported_job="e2e/e2e-shop",exported_instance="shop-1",payment_method="card"}';
      const value = async (q: string) => {
        const r = await prometheus.query(q);
        return r.length === 1 ? Number(r[0].value[1]) : undefined;
      };
      await eventually('the first scrape', async () => ((await value(`orders_placed_total${sel}`)) === 5 ? true : undefined));
      await addOrders(60);
      await eventually('a scrape of the new total', async () => ((await value(`orders_placed_total${sel}`)) === 65 ? true : undefined));
      assert.equal(await value(`max_over_time(orders_placed_total${sel}[5m]) - min_over_time(orders_placed_total${sel}[5m])`), 60);
      assert.equal(await value('jobs_done_total{exported_job="e2e-worker"}'), 7);
      assert.equal(await value('checkout_duration_seconds_count{exported_job="e2e/e2e-shop"}'), 2);
    } finally {
      await prometheus.stop();
    }
  });

  it('derives USE for the instance and serves it with the service', async () => {
    const body = await eventually('USE in /api/v1/services/e2e-shop', async () => {
      const { status, text } = await get('/api/v1/services/e2e-shop');
      if (status !== 200) return undefined;
      const b = JSON.parse(text) as { use: Array<{ instance: string; utilization: Record<string, number>; saturation: Record<string, number> }> | null };
      return b.use && b.use.length > 0 ? b : undefined;
    });
    const instance = body.use!.find((u) => u.instance === 'shop-1');
    assert.ok(instance, JSON.stringify(body.use));
    for (const signal of ['cpu_utilization', 'memory_utilization', 'heap_utilization', 'heap_used_bytes']) {
      assert.equal(typeof instance.utilization[signal], 'number', `${signal} in ${JSON.stringify(instance)}`);
    }
    assert.ok(instance.utilization.memory_utilization > 0 && instance.utilization.memory_utilization <= 1);
    assert.equal(typeof instance.saturation.event_loop_delay_p99_ms, 'number');
    const series = JSON.parse((await get('/api/v1/series?service=e2e-shop&signal=memory_utilization')).text) as unknown;
    assert.match(JSON.stringify(series), /shop-1/);
  });

  it('serves the trace through the Jaeger API as Grafana calls it', async () => {
    const services = await eventually('both services in /jaeger/api/services', async () => {
      const b = JSON.parse((await get('/jaeger/api/services')).text) as { data: string[] };
      return b.data.includes('e2e-payments') && b.data.includes('e2e-shop') ? b : undefined;
    });
    assert.equal((services as { errors?: unknown }).errors, null);
    const ops = JSON.parse((await get('/jaeger/api/services/e2e-shop/operations')).text) as { data: string[] };
    assert.deepEqual(ops.data, ['GET /checkout', 'POST']);

    const byId = JSON.parse((await get(`/jaeger/api/traces/${traceId}`)).text) as { data: Array<{ traceID: string; spans: any[]; processes: Record<string, any> }> };
    const t = byId.data[0];
    assert.equal(t.traceID, traceId);
    assert.equal(t.spans.length, 3);
    const pay = t.spans.find((s) => s.operationName === 'POST /pay');
    const call = t.spans.find((s) => s.operationName === 'POST');
    assert.deepEqual(pay.references, [{ refType: 'CHILD_OF', traceID: traceId, spanID: call.spanID }]);
    assert.equal(t.processes[pay.processID].serviceName, 'e2e-payments');
    assert.deepEqual(pay.tags.find((k: { key: string }) => k.key === 'error'), { key: 'error', type: 'bool', value: true });
    assert.deepEqual(pay.logs[0].fields[0], { key: 'event', type: 'string', value: 'card declined' });

    const search = JSON.parse((await get(`/jaeger/api/traces?service=e2e-payments&tags=${encodeURIComponent('decline.code=insufficient_funds')}&limit=20&minDuration=0ms`)).text) as { data: Array<{ traceID: string }> };
    assert.deepEqual(search.data.map((d) => d.traceID), [traceId]);
    const deps = JSON.parse((await get(`/jaeger/api/dependencies?endTs=${Date.now()}&lookback=600000`)).text) as { data: unknown[] };
    assert.deepEqual(deps.data, [{ parent: 'e2e-shop', child: 'e2e-payments', callCount: 1 }]);
    const missing = await get('/jaeger/api/traces/0123456789abcdef0123456789abcdef');
    assert.equal(missing.status, 404);

    // api/v3, as Grafana calls it with the jaegerEnableGrpcEndpoint toggle: OTLP/JSON.
    const v3 = JSON.parse((await get(`/jaeger/api/v3/traces/${traceId}`)).text) as { result: { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> } };
    assert.equal(v3.result.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length, 3);
  });
});
