import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseSloSpec, type SloSpec } from '../spec.ts';
import { availabilitySpec } from '../testing.ts';
import { runPromtool } from './promtool.ts';
import { renderRulesFile, slothId } from './sloth-rules.ts';
import { writeRules } from './write-rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-slo-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const golden = new URL('./testdata/checkout.rules.yaml', import.meta.url).pathname;

function goldenSpecs(): SloSpec[] {
  return [
    availabilitySpec({ labels: { team: 'payments' }, alerting: { name: 'CheckoutHighErrorRate', labels: { category: 'availability' } } }),
    parseSloSpec({
      name: 'checkout-latency', service: 'checkout', objective: 99, window: '28d',
      sli: { kind: 'latency', thresholdMs: 300, operations: ['GET /cart', 'POST /pay'] },
    }, 'golden'),
    parseSloSpec({
      name: 'payments-ratio', service: 'payments', objective: 99.5,
      sli: { kind: 'ratio', bad: { metric: 'payments.failed', labels: { region: 'eu' } }, total: { metric: 'payments.attempts', labels: { region: 'eu' }, prometheusName: 'payments_attempts_count_total' } },
      alerting: { page: { windows: [{ burnRate: 10, longWindow: '2h', shortWindow: '10m' }], for: '1m' } },
    }, 'golden'),
  ];
}

/** promtool's series notation for a counter that grows by `perMinute` over runs of `minutes`, sampled every STEP_MIN. */
function counterValues(runs: Array<[perMinute: number, minutes: number]>): string {
  const parts: string[] = [];
  let value = 0;
  let first = true;
  for (const [perMinute, runMin] of runs) {
    const inc = perMinute * STEP_MIN;
    const minutes = runMin / STEP_MIN;
    const start = first ? 0 : value + inc;
    const count = first ? minutes + 1 : minutes;
    parts.push(`${start}+${inc}x${count - 1}`);
    value = start + inc * (count - 1);
    first = false;
  }
  return parts.join(' ');
}

// Three days of good traffic before the errors, so every window (up to the
// 3d of the 1x ticket pair) is full, as the Workbook's arithmetic assumes.
// Samples and evaluations every 2 minutes keep promtool's work small.
const HISTORY_MIN = 3 * 24 * 60;
const STEP_MIN = 2;
const sel = (status: string) =>
  `traces_span_metrics_calls_total{service_name="checkout", span_kind="SPAN_KIND_SERVER", span_name="GET /cart", status_code="${status}"}`;

function expected(spec: SloSpec, severities: Array<'page' | 'ticket'>) {
  return severities.map((severity) => ({
    exp_labels: { sloth_id: slothId(spec), sloth_service: spec.service, sloth_slo: spec.name, sloth_severity: severity },
    exp_annotations: {
      title: `(${severity}) ${spec.service} ${spec.name} SLO error budget burn rate is too fast.`,
      summary: `${spec.service} ${spec.name} SLO error budget burn rate is over the expected.`,
    },
  }));
}

describe('Sloth-shaped Prometheus rules', () => {
  it('match the golden file and pass promtool check rules', async () => {
    const text = renderRulesFile(goldenSpecs());
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
    assert.equal(text, readFileSync(golden, 'utf8'));
    const out = await runPromtool(['check', 'rules', golden]);
    assert.match(out, /SUCCESS: 52 rules found/);
  });

  it('every SLI recording an alert or meta rule reads is recorded, whatever the window is called (24h, 72h, 4w)', () => {
    for (const window of ['24h', '72h', '28d', '4w', '30d', '90d']) {
      const spec = availabilitySpec({ window, alerting: { annotations: { summary: 'our own summary' } } });
      const text = renderRulesFile([spec]);
      const recorded = new Set([...text.matchAll(/- record: (slo:sli_error:ratio_rate\w+)/g)].map((m) => m[1]));
      const read = new Set([...text.matchAll(/(slo:sli_error:ratio_rate\w+)\{/g)].map((m) => m[1]));
      for (const name of read) assert.ok(recorded.has(name), `window ${window}: ${name} is read but not recorded`);
      // The SLO's own annotations win over the generated ones.
      assert.equal([...text.matchAll(/summary: our own summary/g)].length, 2, `window ${window}`);
    }
  });

  it('writeRules writes one rules file per SLO file', () => {
    const sloDir = join(dir, 'slos');
    const outDir = join(dir, 'out');
    mkdirSync(sloDir);
    writeFileSync(join(sloDir, 'a.yaml'), stringify({ name: 'a', service: 's', objective: 99, sli: { kind: 'availability' } }));
    writeFileSync(join(sloDir, 'b.yml'), stringify([{ name: 'b', service: 's', objective: 99, sli: { kind: 'latency', thresholdMs: 500 } }]));
    writeFileSync(join(sloDir, 'notes.txt'), 'ignored');
    assert.deepEqual(writeRules(sloDir, outDir), [join(outDir, 'a.rules.yaml'), join(outDir, 'b.rules.yaml')]);
  });

  it('promtool test rules: page and ticket fire and resolve when the Workbook says', async () => {
    const spec = availabilitySpec();
    writeFileSync(join(dir, 'rules.yaml'), renderRulesFile([spec]));
    const at = (min: number) => `${HISTORY_MIN + min}m`;
    const alertname = 'CheckoutAvailabilityBudgetBurn';
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: `${STEP_MIN}m`,
      tests: [
        {
          // 100% errors for 10 minutes after 3 days at 600 requests a minute.
          interval: `${STEP_MIN}m`,
          input_series: [
            { series: sel('STATUS_CODE_UNSET'), values: counterValues([[600, HISTORY_MIN], [0, 10], [600, 380]]) },
            { series: sel('STATUS_CODE_ERROR'), values: counterValues([[0, HISTORY_MIN], [600, 10], [0, 380]]) },
          ],
          alert_rule_test: [
            { eval_time: at(0), alertname, exp_alerts: [] },
            // 1h window passes 14.4 x 0.1% after 0.86 min; the ticket's 1d and 3d windows after 4.32 min.
            // Each check of an alert coming or going is one evaluation step late: Prometheus evaluates
            // rule groups independently (promtool in no fixed order), so an alert may read the SLI
            // recording of the previous step.
            { eval_time: at(4), alertname, exp_alerts: expected(spec, ['page']) },
            { eval_time: at(8), alertname, exp_alerts: expected(spec, ['page', 'ticket']) },
            // The 30m/6h page pair holds until the 30m window has drained (10 + 29.8 min).
            { eval_time: at(38), alertname, exp_alerts: expected(spec, ['page', 'ticket']) },
            { eval_time: at(44), alertname, exp_alerts: expected(spec, ['ticket']) },
            // The 3d/6h ticket pair holds until the 6h window has drained (10 + 359.6 min).
            { eval_time: at(368), alertname, exp_alerts: expected(spec, ['ticket']) },
            { eval_time: at(376), alertname, exp_alerts: [] },
          ],
        },
        {
          // 2% errors for 60 minutes: page after 43.2 min, resolved 1.4 min after the errors stop; no ticket.
          interval: `${STEP_MIN}m`,
          input_series: [
            { series: sel('STATUS_CODE_UNSET'), values: counterValues([[600, HISTORY_MIN], [588, 60], [600, 10]]) },
            { series: sel('STATUS_CODE_ERROR'), values: counterValues([[0, HISTORY_MIN], [12, 60], [0, 10]]) },
          ],
          alert_rule_test: [
            { eval_time: at(40), alertname, exp_alerts: [] },
            { eval_time: at(48), alertname, exp_alerts: expected(spec, ['page']) },
            { eval_time: at(60), alertname, exp_alerts: expected(spec, ['page']) },
            { eval_time: at(66), alertname, exp_alerts: [] },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'tests.yaml'), stringify(tests, { lineWidth: 0 }));
    const out = await runPromtool(['test', 'rules', 'tests.yaml'], dir);
    assert.match(out, /SUCCESS/);
  });

  it('promtool test rules: the SLI recordings of latency and ratio SLOs compute the bad share', async () => {
    const [, latency, ratio] = goldenSpecs();
    writeFileSync(join(dir, 'sli-rules.yaml'), renderRulesFile([latency, ratio]));
    const span = 'service_name="checkout", span_kind="SPAN_KIND_SERVER", span_name="GET /cart", status_code="STATUS_CODE_UNSET"';
    const tests = {
      rule_files: ['sli-rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          // 100 requests a minute, 90 of them within 300 ms: 10% slow.
          { series: `traces_span_metrics_duration_seconds_count{${span}}`, values: '0+100x30' },
          { series: `traces_span_metrics_duration_seconds_bucket{${span}, le="0.3"}`, values: '0+90x30' },
          // 2 failed payments of 40 attempts a minute in eu (5%); us is not part of the SLO.
          { series: 'payments_failed_total{region="eu"}', values: '0+2x30' },
          { series: 'payments_attempts_count_total{region="eu"}', values: '0+40x30' },
          { series: 'payments_failed_total{region="us"}', values: '0+40x30' },
          { series: 'payments_attempts_count_total{region="us"}', values: '0+40x30' },
        ],
        promql_expr_test: [
          {
            expr: 'round(slo:sli_error:ratio_rate5m{sloth_slo="checkout-latency"}, 0.000001)', eval_time: '20m',
            exp_samples: [{ labels: '{sloth_id="checkout-checkout-latency", sloth_service="checkout", sloth_slo="checkout-latency", sloth_window="5m"}', value: 0.1 }],
          },
          {
            expr: 'round(slo:sli_error:ratio_rate5m{sloth_slo="payments-ratio"}, 0.000001)', eval_time: '20m',
            exp_samples: [{ labels: '{sloth_id="payments-payments-ratio", sloth_service="payments", sloth_slo="payments-ratio", sloth_window="5m"}', value: 0.05 }],
          },
          {
            expr: 'round(slo:current_burn_rate:ratio{sloth_slo="payments-ratio"}, 0.000001)', eval_time: '20m',
            exp_samples: [{ labels: '{sloth_id="payments-payments-ratio", sloth_service="payments", sloth_slo="payments-ratio", sloth_window="5m"}', value: 10 }],
          },
        ],
      }],
    };
    writeFileSync(join(dir, 'sli-tests.yaml'), stringify(tests, { lineWidth: 0 }));
    assert.match(await runPromtool(['test', 'rules', 'sli-tests.yaml'], dir), /SUCCESS/);
  });
});
