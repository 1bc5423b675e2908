import type { Span } from '../../model/trace.ts';
import { ExplicitHistogram } from '../histogram.ts';
import { familyHeader, labelPairs, leSuffixesSeconds, pushHistogramSeconds } from '../exposition/prometheus-text.ts';
import { spanKindLabel, statusLabel } from './labels.ts';

export const CALLS_METRIC = 'traces_span_metrics_calls_total';
export const DURATION_METRIC = 'traces_span_metrics_duration_seconds';
export const OVERFLOW_LABELS = 'otel_metric_overflow="true"';

export interface SpanMetricsOptions {
  boundsMs: readonly number[];
  /** Label sets per metric before spans go to the overflow series. */
  cardinalityLimit: number;
  /** A series not updated for this long is dropped. */
  seriesExpiryMs: number;
}

interface SpanSeries {
  /** Rendered label pairs, computed once. */
  labels: string;
  calls: number;
  duration: ExplicitHistogram;
  updatedMs: number;
}

/**
 * Calls and a duration histogram per (service, span name, kind, status), as
 * the OpenTelemetry spanmetrics connector produces them. Label sets beyond
 * the cardinality limit are folded into one series labelled
 * otel_metric_overflow="true" (as the connector does) and counted.
 */
export class SpanMetrics {
  /** Spans recorded into the overflow series because the limit was reached. */
  overflowSpans = 0;
  private readonly series = new Map<string, SpanSeries>();
  private overflow: SpanSeries | undefined;
  private readonly leSuffixes: string[];

  constructor(private readonly options: SpanMetricsOptions) {
    this.leSuffixes = leSuffixesSeconds(options.boundsMs);
  }

  get seriesCount(): number {
    return this.series.size + (this.overflow ? 1 : 0);
  }

  record(serviceName: string, span: Span, isError: boolean, nowMs: number): void {
    const kind = spanKindLabel(span.kind);
    const status = statusLabel(span.statusCode, isError);
    const id = `${serviceName}\u001f${span.name}\u001f${kind}\u001f${status}`;
    let s = this.series.get(id);
    if (!s) {
      if (this.series.size >= this.options.cardinalityLimit) {
        this.overflowSpans++;
        s = this.overflow ??= this.newSeries(OVERFLOW_LABELS);
      } else {
        s = this.newSeries(labelPairs([['service_name', serviceName], ['span_name', span.name], ['span_kind', kind], ['status_code', status]]));
        this.series.set(id, s);
      }
    }
    s.calls++;
    s.duration.observe(span.durationMs);
    s.updatedMs = nowMs;
  }

  /** Drops series not updated within the expiry; returns how many. */
  expire(nowMs: number): number {
    const oldest = nowMs - this.options.seriesExpiryMs;
    let removed = 0;
    for (const [id, s] of this.series) {
      if (s.updatedMs < oldest) {
        this.series.delete(id);
        removed++;
      }
    }
    if (this.overflow && this.overflow.updatedMs < oldest) this.overflow = undefined;
    return removed;
  }

  /** Appends both metric families in the Prometheus text format. */
  render(out: string[]): void {
    const all = this.overflow ? [...this.series.values(), this.overflow] : [...this.series.values()];
    out.push(familyHeader(CALLS_METRIC, 'counter', 'Spans seen, by service, span name, span kind and status code.'));
    for (const s of all) out.push(`${CALLS_METRIC}{${s.labels}} ${s.calls}\n`);
    out.push(familyHeader(DURATION_METRIC, 'histogram', 'Span durations in seconds, by service, span name, span kind and status code.'));
    for (const s of all) {
      pushHistogramSeconds(out, DURATION_METRIC, s.labels, this.leSuffixes, s.duration.counts, s.duration.sumMs, s.duration.count);
    }
  }

  private newSeries(labels: string): SpanSeries {
    return { labels, calls: 0, duration: new ExplicitHistogram(this.options.boundsMs), updatedMs: 0 };
  }
}
