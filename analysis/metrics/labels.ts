import type { AttrValue, Attributes } from '../../model/attributes.ts';
import type { InstrumentationScope, Resource } from '../../model/resource.ts';
import { translateLabelName } from './names.ts';

// Label sets as the text exposition writes them (`a="x",b="y"`), built once
// per series so rendering is string concatenation only.

/** Attribute value as a string, per the common attribute spec (arrays as JSON). */
export function attrValueString(v: AttrValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x));
}

export function escapeLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Attributes as sorted [label, value] pairs. Keys that translate to the same
 * label are joined with ';' in the order of the original keys (spec rule);
 * labels in `reserved` (set by the exporter itself) are left out.
 */
export function attributeLabels(attrs: Attributes, reserved: ReadonlySet<string>): Array<[string, string]> {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return [];
  keys.sort();
  const out = new Map<string, string>();
  for (const key of keys) {
    const v = attrs[key];
    if (v === undefined) continue;
    const label = translateLabelName(key);
    if (label === '' || reserved.has(label)) continue;
    const value = attrValueString(v);
    const prev = out.get(label);
    out.set(label, prev === undefined ? value : `${prev};${value}`);
  }
  return [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function formatLabels(pairs: ReadonlyArray<readonly [string, string]>): string {
  let s = '';
  for (const [k, v] of pairs) s += `${s === '' ? '' : ','}${k}="${escapeLabelValue(v)}"`;
  return s;
}

/** `job` per the spec: `service.namespace/service.name`, or `service.name`. */
export function jobOf(resource: Resource): string {
  return resource.serviceNamespace ? `${resource.serviceNamespace}/${resource.serviceName}` : resource.serviceName;
}

export function instanceOf(resource: Resource): string {
  return resource.serviceInstanceId ?? '';
}

export const TARGET_LABELS = new Set(['job', 'instance']);
const POINT_RESERVED = new Set(['job', 'instance', 'otel_scope_name', 'otel_scope_version']);
const HISTOGRAM_RESERVED = new Set([...POINT_RESERVED, 'le']);
const SUMMARY_RESERVED = new Set([...POINT_RESERVED, 'quantile']);

export function reservedFor(kind: 'counter' | 'gauge' | 'histogram' | 'summary'): ReadonlySet<string> {
  return kind === 'histogram' ? HISTOGRAM_RESERVED : kind === 'summary' ? SUMMARY_RESERVED : POINT_RESERVED;
}

/** The identifying prefix of every series of one resource and scope. */
export function targetAndScopeLabels(resource: Resource, scope: InstrumentationScope): Array<[string, string]> {
  const pairs: Array<[string, string]> = [['job', jobOf(resource)], ['instance', instanceOf(resource)]];
  if (scope.name) pairs.push(['otel_scope_name', scope.name]);
  if (scope.version) pairs.push(['otel_scope_version', scope.version]);
  return pairs;
}

/** Resource attributes for `target_info`, without the ones that became job/instance. */
export function targetInfoLabels(resource: Resource): Array<[string, string]> {
  const attrs: Attributes = {};
  for (const [k, v] of Object.entries(resource.attributes)) {
    if (k === 'service.name' || k === 'service.namespace' || k === 'service.instance.id') continue;
    attrs[k] = v;
  }
  return [['job', jobOf(resource)], ['instance', instanceOf(resource)], ...attributeLabels(attrs, TARGET_LABELS)];
}
