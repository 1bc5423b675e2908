import { attrString, type Attributes } from '../../model/attributes.ts';
import { AggregationTemporality, type Metric, type MetricBatch, type NumberDataPoint } from '../../model/metrics.ts';
import type { Resource } from '../../model/resource.ts';
import { USE_SIGNALS, type UseInstance, type UseSignal } from './use-signals.ts';

// USE signals per service instance, derived from the semantic-convention
// metrics in each batch. Counters become per-second rates from consecutive
// cumulative points (or delta points over their own interval). Every signal
// value is also recorded into the series store. Pure: clock and sink injected.

export interface UseSeriesSink {
  record(key: { service: string; signal: string; instance: string }, stepStartMs: number, value: number): void;
}

export interface UseStoreOptions {
  /** Instances without metrics for this long are forgotten. */
  instanceTtlMs: number;
  now: () => number;
  /** Looked up per batch: the series store's part may start after this one. */
  sink: () => UseSeriesSink | undefined;
}

interface InstanceState extends UseInstance {
  /** Previous cumulative counter points by metric and attributes, for rates. */
  previous: Map<string, { value: number; timeMs: number }>;
}

type Points = NumberDataPoint[];

function numberPoints(m: Metric | undefined): Points {
  if (!m) return [];
  return m.data.type === 'gauge' || m.data.type === 'sum' ? m.data.points : [];
}

function sum(points: Points, keep: (p: NumberDataPoint) => boolean = () => true): number | undefined {
  let total: number | undefined;
  for (const p of points) if (keep(p)) total = (total ?? 0) + p.value;
  return total;
}

function state(attrs: Attributes, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = attrString(attrs, k);
    if (v !== undefined) return v;
  }
  return undefined;
}

function attrKey(attrs: Attributes): string {
  return JSON.stringify(Object.keys(attrs).sort().map((k) => [k, attrs[k]]));
}

const msFactor: Record<string, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

export class UseStore {
  private readonly instances = new Map<string, InstanceState>();

  constructor(private readonly opts: UseStoreOptions) {}

  consume(batch: MetricBatch): void {
    const nowMs = this.opts.now();
    for (const rm of batch.resourceMetrics) {
      const byName = new Map<string, Metric>();
      for (const sm of rm.scopeMetrics) for (const m of sm.metrics) byName.set(m.name, m);
      const inst = this.instance(rm.resource, nowMs);
      const values = this.derive(inst, byName);
      if (values.size === 0) continue;
      const sink = this.opts.sink();
      for (const [signal, value] of values) {
        inst[USE_SIGNALS[signal]][signal] = value;
        sink?.record({ service: inst.service, signal, instance: inst.instance }, nowMs, value);
      }
    }
  }

  /** Services with at least one instance that has USE signals, by name. */
  services(): string[] {
    const out = new Set<string>();
    for (const i of this.instances.values()) {
      if (Object.keys(i.utilization).length + Object.keys(i.saturation).length + Object.keys(i.errors).length > 0) out.add(i.service);
    }
    return [...out].sort();
  }

  /** USE per instance of a service, most recently seen first. */
  forService(name: string): UseInstance[] {
    const out: UseInstance[] = [];
    for (const i of this.instances.values()) {
      if (i.service !== name) continue;
      const signals = Object.keys(i.utilization).length + Object.keys(i.saturation).length + Object.keys(i.errors).length;
      if (signals === 0) continue; // sends metrics, but none USE is derived from
      const { previous: _previous, ...view } = i;
      out.push(view);
    }
    return out.sort((a, b) => b.lastSeenMs - a.lastSeenMs);
  }

  expire(): void {
    const cutoff = this.opts.now() - this.opts.instanceTtlMs;
    for (const [k, i] of this.instances) if (i.lastSeenMs < cutoff) this.instances.delete(k);
  }

  private instance(resource: Resource, nowMs: number): InstanceState {
    const instance = resource.serviceInstanceId ?? resource.hostName ?? '';
    const key = `${resource.serviceName}\u0000${instance}`;
    let i = this.instances.get(key);
    if (!i) {
      i = { service: resource.serviceName, instance, host: resource.hostName, lastSeenMs: nowMs, utilization: {}, saturation: {}, errors: {}, previous: new Map() };
      this.instances.set(key, i);
    }
    i.lastSeenMs = nowMs;
    return i;
  }

  /** Per-second rates of a counter's points (one per attribute set that has a rate). */
  private rates(inst: InstanceState, m: Metric | undefined): number[] {
    if (!m || m.data.type !== 'sum') return [];
    const delta = m.data.temporality === AggregationTemporality.Delta;
    const out: number[] = [];
    for (const p of m.data.points) {
      if (delta) {
        if (p.startTimeUnixMs > 0 && p.timeUnixMs > p.startTimeUnixMs) out.push(p.value / ((p.timeUnixMs - p.startTimeUnixMs) / 1000));
        continue;
      }
      const key = `${m.name}\u0000${attrKey(p.attributes)}`;
      const prev = inst.previous.get(key);
      if (prev && p.timeUnixMs > prev.timeMs && p.value >= prev.value) out.push((p.value - prev.value) / ((p.timeUnixMs - prev.timeMs) / 1000));
      inst.previous.set(key, { value: p.value, timeMs: p.timeUnixMs });
    }
    return out;
  }

  private derive(inst: InstanceState, byName: Map<string, Metric>): Map<UseSignal, number> {
    const out = new Map<UseSignal, number>();
    const set = (signal: UseSignal, v: number | undefined) => {
      if (v !== undefined && Number.isFinite(v)) out.set(signal, v);
    };

    const processCpu = numberPoints(byName.get('process.cpu.utilization'));
    const systemCpu = numberPoints(byName.get('system.cpu.utilization'));
    if (processCpu.length > 0) set('cpu_utilization', sum(processCpu));
    else if (systemCpu.length > 0) {
      const cpus = new Set(systemCpu.map((p) => state(p.attributes, 'system.cpu.logical_number', 'cpu.logical_number') ?? ''));
      const busy = sum(systemCpu, (p) => state(p.attributes, 'system.cpu.state', 'cpu.mode') !== 'idle');
      set('cpu_utilization', (busy ?? 0) / cpus.size);
    }

    const memState = (p: NumberDataPoint) => state(p.attributes, 'system.memory.state');
    const memUtil = numberPoints(byName.get('system.memory.utilization'));
    const memUsage = numberPoints(byName.get('system.memory.usage'));
    if (memUtil.length > 0) set('memory_utilization', sum(memUtil, (p) => memState(p) === 'used'));
    else if (memUsage.length > 0) {
      const total = sum(memUsage);
      if (total) set('memory_utilization', (sum(memUsage, (p) => memState(p) === 'used') ?? 0) / total);
    }

    const heapUsed = sum(numberPoints(byName.get('v8js.memory.heap.used')));
    // instrumentation-runtime-node has called the per-space size both names.
    const heapLimit = sum(numberPoints(byName.get('v8js.memory.heap.limit') ?? byName.get('v8js.memory.heap.space.size')));
    set('heap_used_bytes', heapUsed);
    if (heapUsed !== undefined && heapLimit) set('heap_utilization', heapUsed / heapLimit);

    set('event_loop_utilization', numberPoints(byName.get('nodejs.eventloop.utilization'))[0]?.value);
    const delay = byName.get('nodejs.eventloop.delay.p99');
    const delayValue = numberPoints(delay)[0]?.value;
    if (delay && delayValue !== undefined) set('event_loop_delay_p99_ms', delayValue * (msFactor[delay.unit] ?? 1000));
    set('load_average_1m', numberPoints(byName.get('system.cpu.load_average.1m'))[0]?.value);

    const fs = numberPoints(byName.get('system.filesystem.utilization'));
    if (fs.length > 0) set('filesystem_utilization', Math.max(...fs.map((p) => p.value)));
    const diskBusy = this.rates(inst, byName.get('system.disk.io_time'));
    if (diskBusy.length > 0) set('disk_io_utilization', Math.min(1, Math.max(...diskBusy)));

    const netErrors = this.rates(inst, byName.get('system.network.errors'));
    if (netErrors.length > 0) set('network_errors_per_second', netErrors.reduce((a, b) => a + b, 0));
    const dropped = this.rates(inst, byName.get('system.network.dropped') ?? byName.get('system.network.packet.dropped'));
    if (dropped.length > 0) set('network_dropped_per_second', dropped.reduce((a, b) => a + b, 0));
    return out;
  }
}
