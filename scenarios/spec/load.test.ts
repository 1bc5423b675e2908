import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FaultlineError } from '../../platform/errors.ts';
import { formatPath, loadScenarioFile, parseScenario } from './load.ts';

function base(): any {
  return {
    apiVersion: 'faultline.dev/v1',
    kind: 'Scenario',
    metadata: { name: 'shop' },
    spec: {
      services: [
        { name: 'frontend', calls: [{ service: 'checkout' }] },
        { name: 'checkout', calls: [{ service: 'payments' }, { service: 'shipping', async: true }] },
        { name: 'payments', instances: 3, database: { system: 'postgresql', latencyMs: { p50: 2, p99: 10 } } },
        { name: 'shipping' },
      ],
      load: { service: 'frontend', rps: 10 },
    },
  };
}

const invalid: Array<{ name: string; mutate: (s: any) => void; error: string }> = [
  { name: 'call to an undefined service', mutate: (s) => { s.spec.services[1].calls[0].service = 'paymnets'; }, error: 'spec.services[1].calls[0].service: unknown service "paymnets"' },
  { name: 'unknown key in a service', mutate: (s) => { s.spec.services[2].replicas = 2; }, error: 'spec.services[2].replicas: unknown key' },
  { name: 'wrong apiVersion', mutate: (s) => { s.apiVersion = 'v2'; }, error: 'apiVersion:' },
  { name: 'wrong kind', mutate: (s) => { s.kind = 'Experiment'; }, error: 'kind:' },
  { name: 'missing metadata.name', mutate: (s) => { delete s.metadata.name; }, error: 'metadata.name:' },
  { name: 'zero instances', mutate: (s) => { s.spec.services[2].instances = 0; }, error: 'spec.services[2].instances:' },
  { name: 'probability above 1', mutate: (s) => { s.spec.services[0].calls[0].probability = 1.5; }, error: 'spec.services[0].calls[0].probability:' },
  { name: 'p99 below p50', mutate: (s) => { s.spec.services[0].latencyMs = { p50: 10, p99: 5 }; }, error: 'spec.services[0].latencyMs: p99 must be at least p50' },
  { name: 'unknown database system', mutate: (s) => { s.spec.services[2].database.system = 'oracle'; }, error: 'spec.services[2].database.system:' },
  { name: 'database without latency', mutate: (s) => { delete s.spec.services[2].database.latencyMs; }, error: 'spec.services[2].database.latencyMs:' },
  { name: 'negative retries', mutate: (s) => { s.spec.services[1].resilience = { retries: { max: -1 } }; }, error: 'spec.services[1].resilience.retries.max:' },
  { name: 'unknown circuit breaker key', mutate: (s) => { s.spec.services[1].resilience = { circuitBreaker: { threshold: 3 } }; }, error: 'spec.services[1].resilience.circuitBreaker.threshold: unknown key' },
  { name: 'duplicate service', mutate: (s) => { s.spec.services[3].name = 'payments'; }, error: 'spec.services[3].name: duplicate service "payments"' },
  { name: 'entry service undefined', mutate: (s) => { s.spec.load.service = 'gateway'; }, error: 'spec.load.service: unknown service "gateway"' },
  { name: 'unknown load pattern', mutate: (s) => { s.spec.load.pattern = 'sawtooth'; }, error: 'spec.load.pattern:' },
  { name: 'zero rps', mutate: (s) => { s.spec.load.rps = 0; }, error: 'spec.load.rps:' },
  { name: 'synchronous self call', mutate: (s) => { s.spec.services[3].calls = [{ service: 'shipping' }]; }, error: 'spec.services[3].calls[0].service: "shipping" calls itself' },
  { name: 'synchronous cycle', mutate: (s) => { s.spec.services[2].calls = [{ service: 'checkout' }]; }, error: 'synchronous call cycle checkout -> payments -> checkout' },
  { name: 'bad service name', mutate: (s) => { s.spec.services[3].name = 'Shipping_Svc'; }, error: 'spec.services[3].name:' },
  { name: 'unknown top-level key', mutate: (s) => { s.status = {}; }, error: 'status: unknown key' },
];

describe('scenario spec', () => {
  it('accepts a valid spec and fills the defaults', () => {
    const s = parseScenario(base(), 'test');
    assert.equal(s.spec.services[0].instances, 1);
    assert.equal(s.spec.services[0].calls[0].probability, 1);
    assert.equal(s.spec.services[0].calls[0].operation, '/');
    assert.equal(s.spec.services[1].calls[1].async, true);
    assert.equal(s.spec.services[1].resilience.timeoutMs, 2000);
    assert.equal(s.spec.load.pattern, 'constant');
  });

  for (const c of invalid) {
    it(`rejects: ${c.name}`, () => {
      const doc = base();
      c.mutate(doc);
      assert.throws(() => parseScenario(doc, 'test.yaml'), (err: unknown) => {
        assert.ok(err instanceof FaultlineError);
        assert.match(err.message, /^invalid scenario \(test\.yaml\):/);
        assert.ok(err.message.includes(c.error), `expected "${c.error}" in:\n${err.message}`);
        return true;
      });
    });
  }

  it('an async call to itself is allowed (a service consuming its own queue)', () => {
    const doc = base();
    doc.spec.services[3].calls = [{ service: 'shipping', async: true }];
    assert.doesNotThrow(() => parseScenario(doc, 'test'));
  });

  it('formats paths the way YAML is written', () => {
    assert.equal(formatPath(['spec', 'services', 2, 'calls', 0, 'service']), 'spec.services[2].calls[0].service');
    assert.equal(formatPath([]), '(top level)');
  });

  it('resolves SLO and experiment file references relative to the scenario file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-scenario-'));
    writeFileSync(join(dir, 'slo.yaml'), 'name: checkout-availability\nservice: checkout\nobjective: 99.5\nsli: { kind: availability }\n');
    const doc = base();
    doc.spec.slos = [{ file: 'slo.yaml' }, { name: 'inline', service: 'frontend', objective: 99, sli: { kind: 'latency', thresholdMs: 300 } }];
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify(doc));
    const loaded = loadScenarioFile(join(dir, 'scenario.json'));
    assert.deepEqual(loaded.slos.map((a) => [a.slo.name, a.slo.service, a.slo.window]), [
      ['checkout-availability', 'checkout', '30d'],
      ['inline', 'frontend', '30d'],
    ]);
    assert.equal(loaded.slos[0].source, join(dir, 'slo.yaml'));
  });

  it('a missing referenced file is an error naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-scenario-'));
    const doc = base();
    doc.spec.experiments = [{ file: 'nope.yaml' }];
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify(doc));
    assert.throws(() => loadScenarioFile(join(dir, 'scenario.json')), /experiments\[0\] file .*nope\.yaml/);
  });

  const attachmentCases: Array<{ name: string; set: (doc: any) => void; error: RegExp }> = [
    { name: 'an SLO failing the SLO schema', set: (d) => { d.spec.slos = [{ name: 'x', service: 'checkout', objective: 120, sli: { kind: 'availability' } }]; }, error: /invalid SLO \(.*spec\.slos\[0\]\):\n  objective:/ },
    { name: 'an SLO for a service not in the scenario', set: (d) => { d.spec.slos = [{ name: 'x', service: 'cart', objective: 99, sli: { kind: 'availability' } }]; }, error: /spec\.slos\[0\]\.service: unknown service "cart"/ },
    { name: 'an experiment failing the experiment schema', set: (d) => { d.spec.experiments = [{ apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'e' }, spec: { targets: { service: 'payments' }, fault: { type: 'latency' }, duration: '1m' } }]; }, error: /invalid experiment \(.*spec\.experiments\[0\]\):\n  spec\.fault\.latencyMs/ },
    { name: 'an experiment targeting a service not in the scenario', set: (d) => { d.spec.experiments = [{ apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'e' }, spec: { targets: { service: 'cart' }, fault: { type: 'kill' }, duration: '1m' } }]; }, error: /spec\.experiments\[0\]\.spec\.targets\.service: unknown service "cart"/ },
  ];
  for (const c of attachmentCases) {
    it(`rejects ${c.name}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'faultline-scenario-'));
      const doc = base();
      c.set(doc);
      writeFileSync(join(dir, 'scenario.json'), JSON.stringify(doc));
      assert.throws(() => loadScenarioFile(join(dir, 'scenario.json')), c.error);
    });
  }

  it('every built-in scenario is valid', () => {
    const dir = new URL('../builtin/', import.meta.url).pathname;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 3, `expected at least 3 built-in scenarios, found ${files.join(', ')}`);
    for (const f of files) {
      const loaded = loadScenarioFile(join(dir, f));
      assert.ok(loaded.slos.length > 0, `${f} has SLOs`);
      assert.ok(loaded.experiments.length > 0, `${f} has experiments`);
    }
  });
});
