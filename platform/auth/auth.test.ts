import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { errorResponder } from '../api/error-handler.ts';
import { silentLogger } from '../logger.ts';
import { authConfigSchema } from './config.ts';
import { requireRole } from './middleware.ts';
import { TokenRegistry, cliToken } from './tokens.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'faultline-auth-'));

describe('API tokens and roles', () => {
  it('generates an operator token into the data dir when none is configured, and reuses it', () => {
    const dataDir = dir();
    const first = new TokenRegistry(authConfigSchema.parse({}), {}, dataDir);
    assert.ok(first.generatedTokenFile);
    const token = readFileSync(first.generatedTokenFile, 'utf8').trim();
    assert.equal(statSync(first.generatedTokenFile).mode & 0o777, 0o600);
    assert.equal(first.lookup(token)?.role, 'operator');
    const again = new TokenRegistry(authConfigSchema.parse({}), {}, dataDir);
    assert.equal(again.lookup(token)?.role, 'operator');
    assert.equal(cliToken(undefined, dataDir), token);
  });

  it('takes tokens from the config file and the environment, and generates none then', () => {
    const tokens = new TokenRegistry(
      authConfigSchema.parse({ tokens: [{ name: 'ci', token: 'c'.repeat(20), role: 'viewer' }] }),
      { FAULTLINE_OPERATOR_TOKEN: 'o'.repeat(20) },
      dir(),
    );
    assert.equal(tokens.generatedTokenFile, undefined);
    assert.deepEqual(tokens.lookup('c'.repeat(20)), { name: 'ci', role: 'viewer' });
    assert.equal(tokens.lookup('o'.repeat(20))?.role, 'operator');
    assert.equal(tokens.lookup('nope'), undefined);
  });

  it('answers 401 without a token, 403 with the wrong role, and lets the right role through', async () => {
    const tokens = new TokenRegistry(authConfigSchema.parse({}), { FAULTLINE_OPERATOR_TOKEN: 'o'.repeat(20), FAULTLINE_VIEWER_TOKEN: 'v'.repeat(20) }, dir());
    const app = new Hono();
    app.onError(errorResponder(silentLogger()));
    app.get('/read', requireRole(tokens, 'viewer'), (c) => c.text('ok'));
    app.post('/halt', requireRole(tokens, 'operator'), (c) => c.text('halted'));
    const call = (method: string, path: string, token?: string) =>
      app.request(path, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });
    assert.equal((await call('GET', '/read')).status, 401);
    assert.equal((await call('GET', '/read', 'wrong-token-wrong')).status, 401);
    assert.equal((await call('GET', '/read', 'v'.repeat(20))).status, 200);
    assert.equal((await call('GET', '/read', 'o'.repeat(20))).status, 200);
    const forbidden = await call('POST', '/halt', 'v'.repeat(20));
    assert.equal(forbidden.status, 403);
    assert.match(((await forbidden.json()) as { error: string }).error, /needs the operator role/);
    assert.equal((await call('POST', '/halt', 'o'.repeat(20))).status, 200);
  });

  it('rejects short tokens in the config, naming the key', () => {
    const r = authConfigSchema.safeParse({ tokens: [{ name: 'x', token: 'short', role: 'operator' }] });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /at least 16 characters/);
  });
});
