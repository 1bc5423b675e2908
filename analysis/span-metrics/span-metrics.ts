import { SpanKind, StatusCode, type Span } from '../../model/trace.ts';
import { ExplicitHistogram } from '../histogram.ts';
import { KeyIndex } from '../key-index.ts';
import { familyHeader, labelPairs, leSuffixesSeconds, pushHistogramSeconds } from '../exposition/prometheus-text.ts';
import { STATUS_CODE_LABEL, spanKindLabel, statusLabel } from './labels.ts';

export const CALLS_METRIC = 'traces_span_metrics_calls_total';
export const DURATION_METRIC = 'traces_span_metrics_duration_seconds';
export const OVERFLOW_LABELS = 'otel_metric_overflow="true"';

const KIND_SLOTS = SpanKind.Consumer + 1;
const STATUS_ERROR = STATUS_CODE_LABEL[StatusCode.Error];
const STATUS_OK = STATUS_CODE_LABEL[StatusCode.Ok];

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
  /** Where the series sits in the index. */
  service: string;
  spanName: string;
  slot: number;
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
  /** The same series by service, span name and kind/status slot (the hot path's lookup). */
  private readonly index = new KeyIndex<SpanSeries>();
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
    // The kind and status labels, as one small number: the index's slot.
    const slot = KIND_SLOTS * (status === STATUS_ERROR ? 2 : status === STATUS_OK ? 1 : 0) + (span.kind >= 0 && span.kind <= SpanKind.Consumer ? span.kind : 0);
    let s = this.index.get(serviceName, span.name, slot);
    if (!s) {
      if (this.series.size >= this.options.cardinalityLimit) {
        this.overflowSpans++;
        s = this.overflow ??= this.newSeries(OVERFLOW_LABELS, serviceName, span.name, slot);
      } else {
        s = this.newSeries(labelPairs([['service_name', serviceName], ['span_name', span.name], ['span_kind', kind], ['status_code', status]]), serviceName, span.name, slot);
        this.series.set(`${serviceName}\u001f${span.name}\u001f${kind}\u001f${status}`, s);
        this.index.set(serviceName, span.name, slot, s);
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
        this.index.delete(s.service, s.spanName, s.slot);
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

  private newSeries(labels: string, service: string, spanName: string, slot: number): SpanSeries {
    return { labels, service, spanName, slot, calls: 0, duration: new ExplicitHistogram(this.options.boundsMs), updatedMs: 0 };
  }
}
