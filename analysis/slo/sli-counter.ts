import type { BatchConsumer } from '../../model/pipeline.ts';
import { AggregationTemporality, type MetricBatch, type NumberDataPoint } from '../../model/metrics.ts';
import type { Attributes } from '../../model/attributes.ts';
import { attrString } from '../../model/attributes.ts';
import { SpanKind, type TraceBatch } from '../../model/trace.ts';
import { isErrorSpan } from '../span-error.ts';
import type { SloEngine } from './engine.ts';
import type { SloRuntime } from './slo-runtime.ts';

// Turns batches into good/bad event counts per SLO. Span SLIs count server
// spans of the SLO's service (optionally only some operations); ratio SLIs
// count increases of ingested counters (OTLP sums). Events are stamped with
// the time they arrive, as Prometheus sees a counter move when it scrapes.

interface CumulativeState {
  value: number;
  startTimeUnixMs: number;
}

type Role = 'good' | 'bad' | 'total';

export class SliCounter implements BatchConsumer {
  readonly name = 'slo';
  /** Last cumulative value per series (SLO, role, resource and point attributes). */
  private readonly cumulative = new Map<string, CumulativeState>();
  private readonly startedAtMs: number;

  /** Points of cumulative series not tracked because `maxSeries` series already were (their increases are lost). */
  droppedPoints = 0;

  constructor(private readonly engine: SloEngine, private readonly now: () => number, private readonly maxSeries = 100_000) {
    this.startedAtMs = now();
  }

  consumeTraces(batch: TraceBatch): void {
    const runtimes = this.engine.runtimesList().filter((rt) => rt.spec.sli.kind !== 'ratio');
    if (runtimes.length === 0) return;
    const atMs = this.now();
    const counts = new Map<string, { bad: number; total: number }>();
    for (const rs of batch.resourceSpans) {
      const mine = runtimes.filter((rt) => rt.spec.service === rs.resource.serviceName);
      if (mine.length === 0) continue;
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          if (span.kind !== SpanKind.Server) continue;
          for (const rt of mine) {
            const sli = rt.spec.sli;
            if (sli.kind === 'ratio' || (sli.operations && !sli.operations.includes(span.name))) continue;
            const bad = sli.kind === 'availability' ? isErrorSpan(span) : span.durationMs > sli.thresholdMs;
            let c = counts.get(rt.spec.name);
            if (!c) counts.set(rt.spec.name, (c = { bad: 0, total: 0 }));
            c.total += 1;
            if (bad) c.bad += 1;
          }
        }
      }
    }
    for (const [name, c] of counts) this.engine.record(name, atMs, c.bad, c.total);
  }

  consumeMetrics(batch: MetricBatch): void {
    const runtimes = this.engine.runtimesList().filter((rt) => rt.spec.sli.kind === 'ratio');
    if (runtimes.length === 0) return;
    const atMs = this.now();
    for (const rm of batch.resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const metric of sm.metrics) {
          if (metric.data.type !== 'sum') continue;
          for (const rt of runtimes) {
            for (const role of roles(rt)) {
              const sel = selectorOf(rt, role);
              if (sel.metric !== metric.name) continue;
              for (const point of metric.data.points) {
                // A "no recorded value" point (a stale target) says nothing: it must not become the baseline.
                if ((point.flags & 1) !== 0 || !matches(sel.labels, point.attributes, rm.resource.attributes)) continue;
                const delta = metric.data.temporality === AggregationTemporality.Delta
                  ? point.value
                  : this.cumulativeDelta(`${rt.spec.name}\x00${role}\x00${seriesKey(rm.resource.attributes)}\x00${seriesKey(point.attributes)}`, point);
                if (delta === 0) continue;
                // Stored as bad and total; "good" counts as total minus good, so bad = total - good over any window.
                if (role === 'total') this.engine.record(rt.spec.name, atMs, rt.spec.sli.kind === 'ratio' && rt.spec.sli.good ? delta : 0, delta);
                else if (role === 'bad') this.engine.record(rt.spec.name, atMs, delta, 0);
                else this.engine.record(rt.spec.name, atMs, -delta, 0);
              }
            }
          }
        }
      }
    }
  }

  /**
   * Increase since the last value of a cumulative series. A value below the
   * last one, or a new start time, is a reset: the new value is the increase
   * (as Prometheus' rate() treats resets). A series seen for the first time
   * counts in full only when it started after we did; otherwise its value is
   * history we cannot place in time and becomes the baseline.
   */
  private cumulativeDelta(key: string, point: NumberDataPoint): number {
    const last = this.cumulative.get(key);
    if (!last && this.cumulative.size >= this.maxSeries) {
      this.droppedPoints += 1;
      return 0;
    }
    this.cumulative.set(key, { value: point.value, startTimeUnixMs: point.startTimeUnixMs });
    if (!last) return point.startTimeUnixMs > 0 && point.startTimeUnixMs >= this.startedAtMs ? point.value : 0;
    const reset = point.value < last.value || (point.startTimeUnixMs > 0 && point.startTimeUnixMs !== last.startTimeUnixMs);
    return reset ? point.value : point.value - last.value;
  }
}

function roles(rt: SloRuntime): Role[] {
  const sli = rt.spec.sli;
  return sli.kind !== 'ratio' ? [] : sli.good ? ['good', 'total'] : ['bad', 'total'];
}

function selectorOf(rt: SloRuntime, role: Role): { metric: string; labels: Record<string, string> } {
  const sli = rt.spec.sli;
  if (sli.kind !== 'ratio') throw new Error('not a ratio SLI');
  return role === 'total' ? sli.total : (sli[role] ?? sli.total);
}

function matches(want: Record<string, string>, attrs: Attributes, resource: Attributes): boolean {
  for (const [k, v] of Object.entries(want)) {
    if ((attrString(attrs, k) ?? attrString(resource, k)) !== v) return false;
  }
  return true;
}

function seriesKey(attrs: Attributes): string {
  return Object.keys(attrs).sort().map((k) => `${k}=${attrString(attrs, k) ?? JSON.stringify(attrs[k])}`).join(',');
}
