import { stringify } from 'yaml';
import { formatDuration, parseDurationMs } from '../../../platform/duration.ts';
import { alertNameOf } from '../engine.ts';
import { createRuntime, SEVERITIES, type Severity } from '../slo-runtime.ts';
import type { SloSpec } from '../spec.ts';
import { errorRatioQuery } from './sli-queries.ts';

// Prometheus recording and alerting rules in the shape Sloth generates
// (https://github.com/slok/sloth): per SLO one group of SLI recordings
// (slo:sli_error:ratio_rate<window>), one of metadata (objective, budget,
// period, burn rates, budget remaining, info) and one of multiwindow,
// multi-burn-rate alerts labelled sloth_severity=page|ticket.

export const GENERATOR_VERSION = 'faultline-v1';

interface RecordingRule { record: string; expr: string; labels: Record<string, string> }
interface AlertingRule { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> }
export interface RuleGroup { name: string; rules: Array<RecordingRule | AlertingRule> }

export function slothId(spec: SloSpec): string {
  return `${spec.service}-${spec.name}`;
}

function idLabels(spec: SloSpec): Record<string, string> {
  return { sloth_id: slothId(spec), sloth_service: spec.service, sloth_slo: spec.name };
}

function selector(spec: SloSpec): string {
  return `{${Object.entries(idLabels(spec)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** The windows an SLO needs SLI recordings for (every alert window and the standard ones), period excluded. */
function sliWindows(spec: SloSpec): string[] {
  const rt = createRuntime(spec);
  const period = formatDuration(rt.periodMs);
  return rt.windowNames.filter((w) => w !== period);
}

/** The generated title and summary; the SLO's own annotations win, as in Sloth. */
export function alertAnnotations(spec: SloSpec, severity: Severity): Record<string, string> {
  return {
    title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
    summary: `{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over the expected.`,
    ...spec.alerting.annotations,
  };
}

/** The SLO window as Prometheus writes it ("24h" -> "1d"), so rules name it as the alert windows do. */
function periodName(spec: SloSpec): string {
  return formatDuration(createRuntime(spec).periodMs);
}

function sliGroup(spec: SloSpec): RuleGroup {
  const labels = { ...spec.labels, ...idLabels(spec) };
  const template = errorRatioQuery(spec);
  const rules: RecordingRule[] = sliWindows(spec).map((w) => ({
    record: `slo:sli_error:ratio_rate${w}`,
    expr: `(\n${template.replaceAll('{{.window}}', w)}\n)\n`,
    labels: { ...labels, sloth_window: w },
  }));
  const period = periodName(spec);
  rules.push({
    record: `slo:sli_error:ratio_rate${period}`,
    expr: `sum_over_time(slo:sli_error:ratio_rate5m${selector(spec)}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m${selector(spec)}[${period}])\n`,
    labels: { ...labels, sloth_window: period },
  });
  return { name: `sloth-slo-sli-recordings-${slothId(spec)}`, rules };
}

function metaGroup(spec: SloSpec): RuleGroup {
  const labels = { ...spec.labels, ...idLabels(spec) };
  const rt = createRuntime(spec);
  const sel = selector(spec);
  const on = 'on(sloth_id, sloth_slo, sloth_service) group_left';
  return {
    name: `sloth-slo-meta-recordings-${slothId(spec)}`,
    rules: [
      { record: 'slo:objective:ratio', expr: `vector(${rt.objectiveRatio})`, labels },
      { record: 'slo:error_budget:ratio', expr: `vector(1-${rt.objectiveRatio})`, labels },
      { record: 'slo:time_period:days', expr: `vector(${rt.periodMs / 86_400_000})`, labels },
      { record: 'slo:current_burn_rate:ratio', expr: `slo:sli_error:ratio_rate5m${sel}\n/ ${on}\nslo:error_budget:ratio${sel}\n`, labels },
      { record: 'slo:period_burn_rate:ratio', expr: `slo:sli_error:ratio_rate${periodName(spec)}${sel}\n/ ${on}\nslo:error_budget:ratio${sel}\n`, labels },
      { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${sel}`, labels },
      {
        record: 'sloth_slo_info', expr: 'vector(1)',
        labels: { ...labels, sloth_mode: 'cli-gen-faultline', sloth_spec: 'faultline/v1', sloth_version: GENERATOR_VERSION, sloth_objective: String(spec.objective) },
      },
    ],
  };
}

function alertGroup(spec: SloSpec): RuleGroup {
  const rt = createRuntime(spec);
  const sel = selector(spec);
  const rules: AlertingRule[] = SEVERITIES.map((severity) => {
    const policy = spec.alerting[severity];
    const expr = policy.windows.map((w) => {
      // Sloth writes the threshold as factor * budget and lets Prometheus multiply.
      const threshold = `(${w.burnRate} * ${rt.budgetRatio})`;
      const one = (window: string) =>
        `max(slo:sli_error:ratio_rate${formatDuration(parseDurationMs(window)!)}${sel} > ${threshold}) without (sloth_window)`;
      return `(\n    ${one(w.shortWindow)}\n    and\n    ${one(w.longWindow)}\n)`;
    }).join('\nor\n');
    const rule: AlertingRule = {
      alert: alertNameOf(spec),
      expr: `${expr}\n`,
      labels: { ...spec.alerting.labels, sloth_severity: severity },
      annotations: alertAnnotations(spec, severity),
    };
    if (policy.for) rule.for = policy.for;
    return rule;
  });
  return { name: `sloth-slo-alerts-${slothId(spec)}`, rules };
}

export function slothRuleGroups(specs: SloSpec[]): RuleGroup[] {
  return specs.flatMap((spec) => [sliGroup(spec), metaGroup(spec), alertGroup(spec)]);
}

/** The rules file text (one file for a set of SLOs). */
export function renderRulesFile(specs: SloSpec[]): string {
  const header = `---\n# Code generated by faultline slo rules (Sloth-compatible shape). DO NOT EDIT.\n\n`;
  return header + stringify({ groups: slothRuleGroups(specs) }, { lineWidth: 0, aliasDuplicateObjects: false });
}
