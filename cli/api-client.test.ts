import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './api-client.ts';

describe('ApiClient', () => {
  let server: Server;
  let api = '';
  before(async () => {
    server = createServer((req, res) => {
      const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (req.url === '/html') { res.writeHead(502, { 'content-type': 'text/html' }); res.end('<html>Bad Gateway</html>'); return; }
      if (req.url === '/secret') return req.headers.authorization === 'Bearer good-token-0123456789' ? json(200, { ok: true }) : json(401, { error: 'missing bearer token' });
      if (req.url === '/forbidden') return json(403, { error: 'this needs the operator role' });
      json(404, { error: 'no such thing' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const cases: Array<[string, string, string | undefined, RegExp]> = [
    ['a non-JSON answer says so', '/html', undefined, /answered HTTP 502 with something that is not JSON: <html>Bad Gateway/],
    ['401 says how to give a token', '/secret', undefined, /missing bearer token: give --token, set FAULTLINE_TOKEN/],
    ['403 passes the API message on', '/forbidden', 'good-token-0123456789', /this needs the operator role/],
    ['404 passes the API message on', '/nothing', 'good-token-0123456789', /no such thing/],
  ];
  for (const [name, path, token, message] of cases) {
    it(name, async () => {
      await assert.rejects(new ApiClient({ api, token, dataDir: '/nonexistent' }).request('GET', path), message);
    });
  }

  it('sends the bearer token', async () => {
    assert.deepEqual(await new ApiClient({ api, token: 'good-token-0123456789', dataDir: '/nonexistent' }).request('GET', '/secret'), { ok: true });
  });

  it('says when the API cannot be reached', async () => {
    await assert.rejects(new ApiClient({ api: 'http://127.0.0.1:1', token: 'x', dataDir: '/nonexistent' }).request('GET', '/'), /cannot reach http:\/\/127\.0\.0\.1:1: .*is faultline up running/);
  });
});
