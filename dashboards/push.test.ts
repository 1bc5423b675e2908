import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FaultlineError } from '../platform/errors.ts';
import { pushDashboards, type PushOptions } from './push.ts';
import { buildDashboards } from './registry.ts';

// Grafana itself cannot run on the build machines (it is in neither Debian's
// archive nor npm), so this server answers the documented endpoints of
// Grafana's HTTP API with Grafana's status codes and bodies, and keeps what
// was stored so idempotency can be checked.
class GrafanaApiDouble {
  version = '12.1.0';
  /** `hide_version`: /api/health leaves the version out; signed-in users still see it in the frontend settings. */
  hideVersion = false;
  /** Not even the frontend settings say (a proxy in front, an old build). */
  hideBuildInfo = false;
  /** What POST /api/dashboards/db answers with 412, if set. */
  classic412?: { status: string; message: string };
  /** Whether PUT on the v12 API answers 409 (someone saved in between). */
  v12Conflict = false;
  token = 'good-token';
  readOnlyToken = 'viewer-token';
  folders = new Map<string, string>();
  classic = new Map<string, { dashboard: Record<string, unknown>; version: number; folderUid: string }>();
  v12 = new Map<string, { spec: Record<string, unknown>; resourceVersion: number }>();
  server: Server = createServer((req, res) => void this.handle(req).then(([status, body]) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }));

  async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const url = req.url ?? '';
    if (url === '/api/health') return [200, this.hideVersion ? { database: 'ok' } : { database: 'ok', version: this.version }];
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${this.token}` && auth !== `Bearer ${this.readOnlyToken}`) return [401, { message: 'Invalid API key' }];
    if (url === '/api/frontend/settings') return [200, { buildInfo: this.hideBuildInfo ? {} : { version: this.version, commit: 'abc' } }];
    const write = req.method !== 'GET';
    if (write && auth === `Bearer ${this.readOnlyToken}`) return [403, { message: 'You\'ll need additional permissions to perform this action.' }];
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/folders\/([^/]+)$/.exec(url)) && req.method === 'GET') {
      return this.folders.has(m[1]) ? [200, { uid: m[1], title: this.folders.get(m[1]) }] : [404, { message: 'folder not found' }];
    }
    if (url === '/api/folders' && req.method === 'POST') {
      this.folders.set(body.uid, body.title);
      return [200, { uid: body.uid, title: body.title }];
    }
    if ((m = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(url))) {
      const d = this.classic.get(m[1]);
      return d ? [200, { dashboard: { ...d.dashboard, version: d.version }, meta: { folderUid: d.folderUid } }] : [404, { message: 'Dashboard not found' }];
    }
    if (url === '/api/dashboards/db' && req.method === 'POST') {
      if (!this.folders.has(body.folderUid)) return [400, { message: 'folder not found' }];
      const uid = body.dashboard.uid as string;
      const existing = this.classic.get(uid);
      if (this.classic412) return [412, this.classic412];
      if (existing && !body.overwrite) return [412, { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' }];
      const version = (existing?.version ?? 0) + 1;
      this.classic.set(uid, { dashboard: body.dashboard, version, folderUid: body.folderUid });
      return [200, { id: 1, uid, url: `/d/${uid}`, status: 'success', version }];
    }
    if ((m = /^\/apis\/dashboard\.grafana\.app\/v1beta1\/namespaces\/default\/dashboards(?:\/([^/]+))?$/.exec(url))) {
      if (Number(this.version.split('.')[0]) < 12) return [404, { message: 'Not found' }];
      const name = m[1];
      if (req.method === 'GET' && name) {
        const d = this.v12.get(name);
        return d ? [200, { metadata: { name, resourceVersion: String(d.resourceVersion) }, spec: d.spec }] : [404, { kind: 'Status', code: 404 }];
      }
      if (req.method === 'POST' && !name) {
        if (this.v12.has(body.metadata.name)) return [409, { kind: 'Status', code: 409, message: 'already exists' }];
        this.v12.set(body.metadata.name, { spec: body.spec, resourceVersion: 1 });
        return [201, { metadata: { name: body.metadata.name, resourceVersion: '1' } }];
      }
      if (req.method === 'PUT' && name) {
        const d = this.v12.get(name);
        if (!d || this.v12Conflict || String(d.resourceVersion) !== body.metadata.resourceVersion) {
          return [409, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409, message: `Operation cannot be fulfilled on dashboards.dashboard.grafana.app "${name}": the object has been modified; please apply your changes to the latest version and try again` }];
        }
        this.v12.set(name, { spec: body.spec, resourceVersion: d.resourceVersion + 1 });
        return [200, { metadata: { name, resourceVersion: String(d.resourceVersion + 1) } }];
      }
    }
    return [404, { message: 'Not found' }];
  }
}

describe('faultline dashboards push', () => {
  const grafana = new GrafanaApiDouble();
  let url = '';
  const dashboards = buildDashboards().map((d) => d.dashboard);
  const options = (o: Partial<PushOptions> = {}): PushOptions => ({
    grafanaUrl: url, token: grafana.token, api: 'auto', folderUid: 'faultline', folderTitle: 'Faultline', namespace: 'default', ...o,
  });

  before(async () => {
    await new Promise<void>((r) => grafana.server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(grafana.server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => grafana.server.close(() => r())));

  it('uses the classic API on Grafana 11 and is idempotent', async () => {
    grafana.version = '11.6.0';
    const first = await pushDashboards(dashboards, options());
    assert.deepEqual(first.map((r) => r.action), dashboards.map(() => 'created'));
    assert.equal(first[0].api, 'classic');
    const stored = JSON.stringify([...grafana.classic.values()].map((d) => d.dashboard));
    const second = await pushDashboards(dashboards, options());
    assert.deepEqual(second.map((r) => r.action), dashboards.map(() => 'updated'));
    assert.equal(JSON.stringify([...grafana.classic.values()].map((d) => d.dashboard)), stored);
    assert.equal(grafana.folders.get('faultline'), 'Faultline');
    assert.equal(grafana.classic.size, dashboards.length);
  });

  it('uses the v12 API on Grafana 12, updating with the stored resourceVersion', async () => {
    grafana.version = '12.1.0';
    const first = await pushDashboards(dashboards, options());
    assert.equal(first[0].api, 'v12');
    assert.ok(first.every((r) => r.action === 'created'));
    const second = await pushDashboards(dashboards, options());
    assert.ok(second.every((r) => r.action === 'updated'));
    assert.equal(grafana.v12.get('faultline-overview')?.resourceVersion, 2);
    assert.deepEqual(grafana.v12.get('faultline-overview')?.spec, JSON.parse(JSON.stringify(dashboards[0])));
  });

  it('says the v12 API is missing on an older Grafana', async () => {
    grafana.version = '11.2.0';
    await assert.rejects(pushDashboards(dashboards, options({ api: 'v12' })), /Grafana 11\.2\.0 has no v12 dashboard API; use --api classic/);
  });

  it('explains a rejected token and a token without write permission', async () => {
    await assert.rejects(pushDashboards(dashboards, options({ token: 'wrong' })), (err: unknown) => {
      assert.ok(err instanceof FaultlineError);
      assert.match(err.message, /Grafana rejected the token \(401/);
      return true;
    });
    grafana.folders.clear();
    await assert.rejects(pushDashboards(dashboards, options({ token: grafana.readOnlyToken, api: 'classic' })), /may not do POST \/api\/folders \(403\)/);
  });

  it('finds the version in the frontend settings when /api/health hides it', async () => {
    grafana.version = '12.0.2';
    grafana.hideVersion = true;
    try {
      const lines: string[] = [];
      const results = await pushDashboards(dashboards, options({ onProgress: (l) => lines.push(l) }));
      assert.equal(results[0].api, 'v12');
      assert.match(lines[0], /^Grafana 12\.0\.2: using the v12 dashboard API/);
    } finally {
      grafana.hideVersion = false;
    }
  });

  it('needs no version when the API is forced, and asks for --api when it cannot tell', async () => {
    grafana.version = '11.6.0';
    grafana.hideVersion = true;
    grafana.hideBuildInfo = true;
    try {
      const lines: string[] = [];
      const results = await pushDashboards(dashboards, options({ api: 'classic', onProgress: (l) => lines.push(l) }));
      assert.ok(results.every((r) => r.api === 'classic'));
      assert.match(lines[0], /version hidden\): using the classic dashboard API/);
      await assert.rejects(pushDashboards(dashboards, options()), /cannot tell the version .*hide_version.*pass --api classic \(Grafana < 12\) or --api v12/);
    } finally {
      grafana.hideVersion = false;
      grafana.hideBuildInfo = false;
    }
  });

  it('reports Grafana\'s own reason for a 412 and what to do', async () => {
    grafana.version = '11.6.0';
    const cases: Array<[{ status: string; message: string }, RegExp]> = [
      [{ status: 'name-exists', message: 'A dashboard with the same name in the folder already exists' },
        /\(412 name-exists\): A dashboard with the same name in the folder already exists\. .*rename or delete it in Grafana, or push into another folder \(--folder-uid\)/],
      [{ status: 'version-mismatch', message: 'The dashboard has been changed by someone else' },
        /\(412 version-mismatch\): The dashboard has been changed by someone else\. .*rerun to overwrite/],
      [{ status: 'plugin-dashboard', message: 'The dashboard belongs to plugin Faultline' },
        /\(412 plugin-dashboard\): The dashboard belongs to plugin Faultline\. .*remove that dashboard/],
    ];
    try {
      for (const [answer, expected] of cases) {
        grafana.classic412 = answer;
        await assert.rejects(pushDashboards(dashboards, options()), (err: unknown) => {
          assert.ok(err instanceof FaultlineError);
          assert.match(err.message, /^Grafana refused POST \/api\/dashboards\/db /);
          assert.match(err.message, expected);
          return true;
        });
      }
    } finally {
      grafana.classic412 = undefined;
    }
  });

  it('says to rerun on a v12 conflict', async () => {
    grafana.version = '12.1.0';
    await pushDashboards(dashboards, options());
    grafana.v12Conflict = true;
    try {
      await assert.rejects(pushDashboards(dashboards, options()), /\(409 Conflict\): Operation cannot be fulfilled .* the object has been modified.*\. .*rerun to overwrite/);
    } finally {
      grafana.v12Conflict = false;
    }
  });

  it('says when nothing answers', async () => {
    await assert.rejects(pushDashboards(dashboards, options({ grafanaUrl: 'http://127.0.0.1:1' })), /cannot reach Grafana/);
  });
});
