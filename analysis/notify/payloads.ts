import type { SloAlert } from '../slo/alert-tracker.ts';

// What notification targets receive, in Alertmanager's shapes:
// - webhook receivers get Alertmanager's webhook payload (version "4"),
//   https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
// - Alertmanager itself gets postable alerts on POST /api/v2/alerts.

/** Alertmanager's "zero" time: a firing alert has no end yet. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function generatorUrl(externalUrl: string, slo: string): string {
  return `${externalUrl.replace(/\/$/, '')}/api/v1/slos/${encodeURIComponent(slo)}`;
}

function common(records: Array<Record<string, string>>): Record<string, string> {
  const [first, ...rest] = records;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first ?? {})) if (rest.every((r) => r[k] === v)) out[k] = v;
  return out;
}

/** One webhook message for alerts of one group (same alertname, SLO and severity). */
export function webhookPayload(receiver: string, alerts: SloAlert[], externalUrl: string): WebhookPayload {
  const groupLabels = common(alerts.map((a) => ({ alertname: a.labels.alertname, slo: a.slo, severity: a.severity })));
  const groupKey = `{}:{${Object.keys(groupLabels).sort().map((k) => `${k}=${JSON.stringify(groupLabels[k])}`).join(', ')}}`;
  const status = alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved';
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: externalUrl,
    alerts: alerts.map((a) => ({
      status: a.state === 'firing' ? 'firing' : 'resolved',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: iso(a.startsAtMs ?? a.activeAtMs),
      endsAt: a.endsAtMs !== undefined ? iso(a.endsAtMs) : ZERO_TIME,
      generatorURL: generatorUrl(externalUrl, a.slo),
      fingerprint: a.fingerprint,
    })),
  };
}

/**
 * Postable alerts for Alertmanager. A firing alert carries endsAt = now +
 * `validForMs`, as Prometheus sends it, so Alertmanager resolves it by itself
 * if Faultline stops re-sending; a resolved alert carries its real end.
 */
export function postableAlerts(alerts: SloAlert[], externalUrl: string, nowMs: number, validForMs: number): PostableAlert[] {
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: iso(a.startsAtMs ?? a.activeAtMs),
    endsAt: iso(a.endsAtMs ?? nowMs + validForMs),
    generatorURL: generatorUrl(externalUrl, a.slo),
  }));
}
