// What Grafana makes of a panel's instant table queries, for tests: Grafana
// itself cannot run here (it is in neither Debian's archive nor npm), so this
// follows its code closely enough to check field names and joins:
// - the Prometheus data source turns each refId's vector into one table frame:
//   Time, the label names sorted, and the value named `Value #<refId>` (just
//   `Value` when the panel has one query) (transformDFToTable in
//   grafana-prometheus's result_transformer.ts);
// - the `merge` and `organize` transformations, with the optional `filter`
//   that limits a transformation to some refIds (transformDataFrame.ts,
//   merge.ts, organize; refId matchers as stringToJsRegex reads them);
// - the node graph takes the first frame with a `source` field as edges and
//   the first other frame as nodes (useCategorizeFrames.ts).

export interface Field {
  name: string;
  values: unknown[];
}

export interface Frame {
  refId?: string;
  fields: Field[];
}

export interface InstantResult {
  refId: string;
  series: Array<{ metric: Record<string, string>; value: [number, string] }>;
}

export interface Transformation {
  id: string;
  options?: Record<string, unknown>;
  filter?: { id: string; options?: unknown };
}

export function tableFrames(results: InstantResult[]): Frame[] {
  return results.map(({ refId, series }) => {
    const labels = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].sort();
    return {
      refId,
      fields: [
        { name: 'Time', values: series.map((s) => s.value[0] * 1000) },
        ...labels.map((name) => ({ name, values: series.map((s) => s.metric[name] ?? '') })),
        { name: results.length > 1 ? `Value #${refId}` : 'Value', values: series.map((s) => Number(s.value[1])) },
      ],
    };
  });
}

export function applyTransformations(frames: Frame[], transformations: Transformation[]): Frame[] {
  let out = frames;
  for (const t of transformations) {
    const apply = TRANSFORMS[t.id];
    if (!apply) throw new Error(`no model of the "${t.id}" transformation`);
    const matches = t.filter ? refIdMatcher(t.filter) : () => true;
    const transformed = apply(out.filter(matches), t.options ?? {});
    // Frames the filter left out keep their place, as in transformDataFrame.
    const untouched = out.filter((f) => !matches(f));
    out = untouched.length === out.length ? out : [...untouched, ...transformed];
  }
  return out;
}

/** What a panel shows for its instant table queries' results: table frames, then its transformations. */
export function panelFrames(panel: { transformations?: Transformation[] }, results: InstantResult[]): Frame[] {
  return applyTransformations(tableFrames(results), panel.transformations ?? []);
}

/** The frames a node graph panel reads: the first edges frame and the first other one. */
export function nodeGraphFrames(frames: Frame[]): { nodes?: Frame; edges?: Frame } {
  const isEdges = (f: Frame) => f.fields.some((field) => field.name === 'source');
  return { nodes: frames.find((f) => !isEdges(f)), edges: frames.find(isEdges) };
}

/** One object per row, by field name. */
export function rows(frame: Frame): Array<Record<string, unknown>> {
  const length = Math.max(0, ...frame.fields.map((f) => f.values.length));
  return Array.from({ length }, (_, i) => Object.fromEntries(frame.fields.map((f) => [f.name, f.values[i]])));
}

function refIdMatcher(filter: { id: string; options?: unknown }): (frame: Frame) => boolean {
  if (filter.id !== 'byRefId') throw new Error(`no model of the "${filter.id}" frame matcher`);
  const pattern = String(filter.options ?? '');
  const regex = /^\/(.*)\/([gimsuy]*)$/.exec(pattern);
  const re = regex ? new RegExp(regex[1], regex[2]) : new RegExp(`^${pattern}$`);
  return (frame) => re.test(frame.refId ?? '');
}

const TRANSFORMS: Record<string, (frames: Frame[], options: Record<string, unknown>) => Frame[]> = { merge, organize };

// Rows of all frames in one frame; rows agreeing on every field they share
// (a missing or null value agrees with anything) become one row.
function merge(frames: Frame[]): Frame[] {
  const data = frames.filter((f) => f.fields.length > 0);
  if (frames.length <= 1 || data.length === 0) return frames;
  const names = [...new Set(data.flatMap((f) => f.fields.map((field) => field.name)))];
  const shared = names.filter((name) => data.every((f) => f.fields.some((field) => field.name === name)));
  if (shared.length === 0) return frames;
  const merged: Array<Record<string, unknown>> = [];
  for (const frame of data) {
    for (const row of rows(frame)) {
      const into = merged.find((existing) => Object.entries(row).every(([k, v]) => existing[k] === undefined || existing[k] === null || existing[k] === v));
      if (into) Object.assign(into, row);
      else merged.push({ ...row });
    }
  }
  return [{ fields: names.map((name) => ({ name, values: merged.map((r) => r[name] ?? null) })) }];
}

function organize(frames: Frame[], options: Record<string, unknown>): Frame[] {
  const exclude = (options.excludeByName ?? {}) as Record<string, boolean>;
  const rename = (options.renameByName ?? {}) as Record<string, string>;
  return frames.map((frame) => ({
    ...frame,
    fields: frame.fields.filter((f) => !exclude[f.name]).map((f) => ({ ...f, name: rename[f.name] || f.name })),
  }));
}
