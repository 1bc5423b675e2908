import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UID } from './common.ts';
import { panelQueries, variableQuery } from './panel-queries.ts';
import { buildDashboards } from './registry.ts';
import { nodeGraphFrames, panelFrames, rows, type Transformation } from './testing/grafana-frames.ts';

// Snapshot tests: the generated JSON is reviewed as a diff. After an
// intended change, regenerate with UPDATE_GOLDEN=1.
const testdata = new URL('./testdata/', import.meta.url).pathname;

interface AnyPanel {
  title?: string;
  type?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string }>;
  fieldConfig?: { defaults?: { unit?: string } };
}

describe('generated dashboards', () => {
  const dashboards = buildDashboards();

  for (const { file, dashboard } of dashboards) {
    it(`${file} matches its snapshot`, () => {
      const json = `${JSON.stringify(dashboard, null, 2)}\n`;
      const golden = join(testdata, file);
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, json);
      assert.equal(json, readFileSync(golden, 'utf8'));
    });
  }

  it('have the stable UIDs the links and provisioning use', () => {
    assert.deepEqual(dashboards.map((d) => d.dashboard.uid).sort(), Object.values(UID).sort());
  });

  it('every panel queries the data-source variable, has a unit, and every dashboard has the chaos annotation', () => {
    for (const { dashboard } of dashboards) {
      assert.ok(dashboard.templating?.list?.some((v) => v.type === 'datasource' && v.name === 'datasource'), `${dashboard.uid}: datasource variable`);
      assert.ok(dashboard.annotations?.list?.some((a) => String((a as { expr?: string }).expr).includes('faultline_chaos_experiment_active')), `${dashboard.uid}: chaos annotation`);
      assert.ok((dashboard.links ?? []).length > 0, `${dashboard.uid}: links to the other dashboards`);
      for (const panel of (dashboard.panels ?? []) as AnyPanel[]) {
        if (panel.type === 'row') continue;
        assert.equal(panel.datasource?.uid, '${datasource}', `${dashboard.uid} / ${panel.title}: datasource`);
        assert.ok((panel.targets ?? []).length > 0, `${dashboard.uid} / ${panel.title}: has queries`);
        if (panel.type !== 'nodeGraph' && panel.type !== 'table') {
          assert.ok(panel.fieldConfig?.defaults?.unit, `${dashboard.uid} / ${panel.title}: unit`);
        }
      }
    }
  });

  it('carry no builder internals anywhere in the JSON', () => {
    // A builder passed where a plain object belongs serialises as { internal: ... }.
    const paths = (value: unknown, path: string, out: string[]): string[] => {
      if (Array.isArray(value)) value.forEach((v, i) => paths(v, `${path}[${i}]`, out));
      else if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) {
          if (key === 'internal') out.push(`${path}.${key}`);
          paths(v, `${path}.${key}`, out);
        }
      }
      return out;
    };
    for (const { dashboard } of dashboards) assert.deepEqual(paths(JSON.parse(JSON.stringify(dashboard)), dashboard.uid ?? '?', []), []);
  });

  it('give every query variable a query Grafana\'s Prometheus variable support can run', () => {
    const variables = dashboards.flatMap((d) => (d.dashboard.templating?.list ?? []).filter((v) => v.type === 'query').map((v) => ({ uid: d.dashboard.uid, v })));
    assert.deepEqual(variables.map(({ v }) => v.name).sort(), ['service', 'slo']);
    for (const { uid, v } of variables) {
      // As Grafana saves it: { qryType: 1 (label values), query, refId }.
      const query = v.query as { query?: unknown; refId?: unknown; qryType?: unknown };
      assert.equal(typeof query.query, 'string', `${uid} / ${v.name}: query string`);
      assert.match(String(query.query), /^label_values\(\w+(\{[^}]*\})?, \w+\)$/, `${uid} / ${v.name}: label_values query`);
      assert.equal(query.refId, 'PrometheusVariableQueryEditor-VariableQuery', `${uid} / ${v.name}: refId`);
      assert.equal(query.qryType, 1, `${uid} / ${v.name}: label values`);
      assert.equal(variableQuery(v.query), v.definition, `${uid} / ${v.name}: definition shows the query`);
      assert.deepEqual(v.datasource, { type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('show links and the chaos annotation on the dashboard, not in the controls menu', () => {
    for (const { dashboard } of dashboards) {
      const json = JSON.stringify(dashboard);
      assert.doesNotMatch(json, /"placement":"inControlsMenu"/, `${dashboard.uid}`);
      for (const item of [...(dashboard.links ?? []), ...(dashboard.annotations?.list ?? [])]) {
        assert.equal((item as { placement?: unknown }).placement, undefined, `${dashboard.uid}: ${JSON.stringify(item).slice(0, 60)}`);
      }
    }
  });

  it('give every panel and row a unique positive id within its dashboard', () => {
    for (const { dashboard } of dashboards) {
      const ids: unknown[] = [];
      const visit = (panels: Array<{ id?: unknown; panels?: unknown[] }> | undefined) => {
        for (const p of panels ?? []) {
          ids.push(p.id);
          visit(p.panels as typeof panels);
        }
      };
      visit(dashboard.panels as Array<{ id?: unknown }>);
      assert.ok(ids.length > 0);
      assert.ok(ids.every((id) => Number.isInteger(id) && (id as number) > 0), `${dashboard.uid}: ids ${ids.join(',')}`);
      assert.equal(new Set(ids).size, ids.length, `${dashboard.uid}: ids ${ids.join(',')}`);
    }
  });

  it('have thresholds with strictly increasing steps', () => {
    type Steps = { steps?: Array<{ value: number | null }> };
    for (const { dashboard } of dashboards) {
      for (const panel of (dashboard.panels ?? []) as Array<AnyPanel & { fieldConfig?: { defaults?: { thresholds?: Steps }; overrides?: Array<{ properties: Array<{ id: string; value?: Steps }> }> } }>) {
        const all = [panel.fieldConfig?.defaults?.thresholds, ...(panel.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.filter((p) => p.id === 'thresholds').map((p) => p.value))];
        for (const t of all) {
          const values = (t?.steps ?? []).slice(1).map((s) => s.value as number);
          for (let i = 1; i < values.length; i++) assert.ok(values[i] > values[i - 1], `${dashboard.uid} / ${panel.title}: steps ${values.join(', ')}`);
        }
      }
    }
  });

  it('give every renamed table column a unit in the field overrides', () => {
    for (const { dashboard } of dashboards) {
      for (const panel of (dashboard.panels ?? []) as Array<AnyPanel & { transformations?: Array<{ id: string; options: { renameByName?: Record<string, string> } }>; fieldConfig?: { overrides?: Array<{ matcher: { id: string; options: string }; properties: Array<{ id: string; value?: unknown }> }> } }>) {
        if (panel.type !== 'table') continue;
        const columns = (panel.transformations ?? []).filter((t) => t.id === 'organize').flatMap((t) => Object.values(t.options.renameByName ?? {}));
        for (const column of columns) {
          const override = panel.fieldConfig?.overrides?.find((o) => o.matcher.id === 'byName' && o.matcher.options === column);
          assert.ok(override?.properties.some((p) => p.id === 'unit' && p.value), `${dashboard.uid} / ${panel.title}: unit of column "${column}"`);
          assert.doesNotMatch(column, /\(.*\)/, 'no unit in the column name');
        }
      }
    }
  });

  it('colour the edges\' error ratio by threshold', () => {
    const graph = dashboards.find((d) => d.dashboard.uid === UID.serviceGraph)!.dashboard;
    const table = (graph.panels as Array<AnyPanel & { fieldConfig?: { overrides?: Array<{ matcher: { options: string }; properties: Array<{ id: string; value?: { steps?: unknown[] } }> }> } }>).find((p) => p.type === 'table')!;
    const errors = table.fieldConfig!.overrides!.find((o) => o.matcher.options === 'error ratio')!;
    assert.ok((errors.properties.find((p) => p.id === 'thresholds')?.value?.steps ?? []).length >= 2);
  });

  it('the service graph panel gives the node graph one nodes frame and one edges frame with its field names', () => {
    const graph = dashboards.find((d) => d.dashboard.uid === UID.serviceGraph)!.dashboard;
    const panel = (graph.panels as Array<AnyPanel & { refId?: string; transformations?: Transformation[] }>).find((p) => p.type === 'nodeGraph')!;
    const targets = (panel.targets ?? []) as Array<{ expr: string; refId: string }>;
    // The labels each query must give its series (checked against a real
    // Prometheus in live-check.test.ts): id and title for nodes, id, source
    // and target for edges.
    for (const t of targets) {
      if (t.refId.startsWith('nodes')) assert.match(t.expr, /"title", "\$1", "id", "\(\.\*\)"\)$/, t.refId);
      else assert.match(t.expr, /^label_join\(.*, "id", "->", "source", "target"\)$/, t.refId);
    }
    const results = targets.map((t) => ({
      refId: t.refId,
      series: t.refId.startsWith('nodes')
        ? ['a', 'b'].map((id) => ({ metric: { id, title: id }, value: [1, '0.5'] as [number, string] }))
        : [{ metric: { id: 'a->b', source: 'a', target: 'b' }, value: [1, '2'] as [number, string] }],
    }));
    const { nodes, edges } = nodeGraphFrames(panelFrames(panel, results));
    // Grafana's Node Graph data API (docs: "Data API" of the node graph panel).
    assert.deepEqual(nodes?.fields.map((f) => f.name).sort(), ['arc__failed', 'arc__success', 'id', 'mainstat', 'secondarystat', 'title']);
    assert.deepEqual(edges?.fields.map((f) => f.name).sort(), ['id', 'mainstat', 'secondarystat', 'source', 'target']);
    assert.equal(rows(nodes!).length, 2);
    const options = (panel as { options?: { nodes?: { mainStatUnit?: string; secondaryStatUnit?: string; arcs?: Array<{ field: string }> }; edges?: { mainStatUnit?: string; secondaryStatUnit?: string } } }).options;
    assert.deepEqual(options?.nodes?.arcs?.map((a) => a.field), ['arc__success', 'arc__failed']);
    assert.ok(options?.nodes?.mainStatUnit && options.nodes.secondaryStatUnit && options.edges?.mainStatUnit && options.edges.secondaryStatUnit, 'stat units');
  });

  it('lists every query, including annotations and variables', () => {
    const all = dashboards.flatMap((d) => panelQueries(d.dashboard));
    assert.ok(all.length > 40, `found ${all.length} queries`);
    assert.ok(all.some((q) => q.panel.startsWith('variable: service')));
    assert.ok(all.some((q) => q.panel.startsWith('annotation:')));
  });
});
