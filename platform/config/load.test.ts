import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FaultlineError } from '../errors.ts';
import { loadConfig } from './load.ts';

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-config-'));
  const path = join(dir, 'faultline.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('uses the defaults when nothing is given', () => {
    const c = loadConfig({ env: {}, configPath: file('') });
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.otlpGrpcPort, 4317);
    assert.equal(c.otlpHttpPort, 4318);
    assert.equal(c.apiPort, 7070);
    assert.equal(c.dataDir, './data');
    assert.equal(c.collector.maxRequestBytes, 16 * 1024 * 1024);
  });

  it('applies flag > env > file > default', () => {
    const path = file('host: 0.0.0.0\notlpHttpPort: 1111\napiPort: 2222\notlpGrpcPort: 3333\n');
    const c = loadConfig({
      configPath: path,
      env: { FAULTLINE_OTLP_HTTP_PORT: '4444', FAULTLINE_API_PORT: '5555' },
      flags: { 'api-port': '6666' },
    });
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.otlpGrpcPort, 3333);
    assert.equal(c.otlpHttpPort, 4444);
    assert.equal(c.apiPort, 6666);
  });

  it('sets nested collector settings from env and file', () => {
    const path = file('collector:\n  maxRequestBytes: 1000\n');
    const c = loadConfig({ configPath: path, env: { FAULTLINE_INGEST_TOKEN: 's3cret' } });
    assert.equal(c.collector.maxRequestBytes, 1000);
    assert.equal(c.collector.ingestToken, 's3cret');
  });

  const bad: Array<[string, string, Record<string, string>, RegExp]> = [
    ['unknown top-level key', 'hots: 0.0.0.0\n', {}, /hots: unknown key/],
    ['unknown nested key', 'collector:\n  maxBody: 1\n', {}, /collector\.maxBody: unknown key/],
    ['wrong type', 'apiPort: "abc"\n', {}, /apiPort:/],
    ['port out of range', 'apiPort: 70000\n', {}, /apiPort:/],
    ['non-numeric env', '', { FAULTLINE_API_PORT: 'x1' }, /FAULTLINE_API_PORT: expected a whole number/],
    ['invalid YAML', 'a: [1, 2\n', {}, /not valid YAML/],
    ['not a mapping', '- a\n- b\n', {}, /must be a YAML mapping/],
  ];
  for (const [name, text, env, message] of bad) {
    it(`rejects ${name} with a message that names it`, () => {
      assert.throws(() => loadConfig({ configPath: file(text), env }), (err: unknown) => {
        assert.ok(err instanceof FaultlineError);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('says when an explicit config file is missing', () => {
    assert.throws(() => loadConfig({ configPath: '/nonexistent/faultline.yaml', env: {} }), /cannot read config file/);
  });
});
