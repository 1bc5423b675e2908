import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../platform/config/load.ts';

// The collector's forwarding settings as `faultline up` reads them: flag,
// environment and file, with start-up errors that say what to fix.

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'faultline-collector-config-')), 'faultline.yaml');
  writeFileSync(path, text);
  return path;
}

describe('collector forwarding settings', () => {
  it('defaults: no forwarding, no headers, 64 MiB forward queue', () => {
    const c = loadConfig({ env: {}, configPath: file('') }).collector;
    assert.equal(c.forwardOtlpUrl, undefined);
    assert.deepEqual(c.forwardHeaders, {});
    assert.equal(c.forwardQueueBytes, 64 * 1024 * 1024);
  });

  it('headers from the file as a mapping, from FAULTLINE_FORWARD_OTLP_HEADERS and --forward-otlp-headers as k=v,k2=v2', () => {
    const path = file('collector:\n  forwardOtlpUrl: https://otel.example:4318\n  forwardHeaders:\n    X-Scope-OrgID: team-a\n  forwardQueueBytes: 1000\n');
    assert.deepEqual(loadConfig({ env: {}, configPath: path }).collector.forwardHeaders, { 'X-Scope-OrgID': 'team-a' });
    const env = { FAULTLINE_FORWARD_OTLP_HEADERS: ' Authorization = Bearer%20abc%3D , x-tenant=a=b,,', FAULTLINE_FORWARD_QUEUE_BYTES: '2048' };
    const fromEnv = loadConfig({ env, configPath: path }).collector;
    assert.deepEqual(fromEnv.forwardHeaders, { Authorization: 'Bearer abc=', 'x-tenant': 'a=b' });
    assert.equal(fromEnv.forwardQueueBytes, 2048);
    const fromFlag = loadConfig({ env, configPath: path, flags: { 'forward-otlp-headers': 'k=v', 'forward-queue-bytes': '4096' } }).collector;
    assert.deepEqual(fromFlag.forwardHeaders, { k: 'v' });
    assert.equal(fromFlag.forwardQueueBytes, 4096);
  });

  const bad: Array<[string, { env?: Record<string, string>; text?: string }, RegExp]> = [
    ['an ftp URL', { env: { FAULTLINE_FORWARD_OTLP: 'ftp://otel:21' } }, /collector\.forwardOtlpUrl: scheme "ftp" is not supported.*http:\/\/ or https:\/\/.*--forward-otlp/],
    ['a host without a scheme', { env: { FAULTLINE_FORWARD_OTLP: 'otel:4318' } }, /collector\.forwardOtlpUrl: scheme "otel" is not supported/],
    ['not a URL', { env: { FAULTLINE_FORWARD_OTLP: 'not a url' } }, /collector\.forwardOtlpUrl: "not a url" is not a URL/],
    ['a signal URL', { env: { FAULTLINE_FORWARD_OTLP: 'http://otel:4318/v1/traces' } }, /without \/v1\/traces: the forwarder appends/],
    ['a header entry without "="', { env: { FAULTLINE_FORWARD_OTLP_HEADERS: 'a=b,secret' } }, /FAULTLINE_FORWARD_OTLP_HEADERS: entry 2 has no "="/],
    ['a bad percent-encoding', { env: { FAULTLINE_FORWARD_OTLP_HEADERS: 'a=%zz' } }, /entry 1 has an invalid percent-encoding/],
    ['a header name with a space', { text: 'collector:\n  forwardHeaders:\n    "X Bad": v\n' }, /collector\.forwardHeaders.*not a valid HTTP header name/],
    ['a header value with a newline', { env: { FAULTLINE_FORWARD_OTLP_HEADERS: 'a=b%0D%0AX-Injected: 1' } }, /must not contain CR, LF or NUL/],
    ['a zero forward queue', { env: { FAULTLINE_FORWARD_QUEUE_BYTES: '0' } }, /collector\.forwardQueueBytes/],
  ];
  for (const [name, { env = {}, text = '' }, message] of bad) {
    it(`refuses ${name} with a message that says what to fix`, () => {
      assert.throws(() => loadConfig({ env, configPath: file(text) }), message);
    });
  }

  it('does not echo a header value (often a secret) in its error', () => {
    assert.throws(() => loadConfig({ env: { FAULTLINE_FORWARD_OTLP_HEADERS: 'Authorization=Bearer%20s3cret,oops' }, configPath: file('') }),
      (err: Error) => !err.message.includes('s3cret'));
  });
});
