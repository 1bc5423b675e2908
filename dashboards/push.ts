import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ErrorCode, FaultlineError, errorMessage } from '../platform/errors.ts';

export type GrafanaApi = 'auto' | 'classic' | 'v12';

export interface PushOptions {
  grafanaUrl: string;
  token: string;
  /** Which dashboard API to use; `auto` picks v12 on Grafana >= 12. Default auto. */
  api: GrafanaApi;
  /** Folder the dashboards go in (created when missing). Default uid `faultline`, title `Faultline`. */
  folderUid: string;
  folderTitle: string;
  /** Kubernetes-style namespace of the v12 API (`default` for org 1 on-prem). */
  namespace: string;
  onProgress?: (line: string) => void;
}

export interface PushResult {
  uid: string;
  title: string;
  action: 'created' | 'updated';
  api: 'classic' | 'v12';
}

const V12_GROUP = 'dashboard.grafana.app/v1beta1';

/** Uploads dashboards idempotently: running it twice leaves the same state. */
export async function pushDashboards(dashboards: Dashboard[], o: PushOptions): Promise<PushResult[]> {
  const grafana = new GrafanaClient(o.grafanaUrl, o.token);
  const api = await chooseApi(grafana, o.api);
  o.onProgress?.(`${api.version ? `Grafana ${api.version}` : 'Grafana (version hidden)'}: using the ${api.api} dashboard API`);
  await ensureFolder(grafana, o.folderUid, o.folderTitle);
  const results: PushResult[] = [];
  for (const dashboard of dashboards) {
    const result = api.api === 'v12'
      ? await pushV12(grafana, dashboard, o)
      : await pushClassic(grafana, dashboard, o.folderUid);
    o.onProgress?.(`${result.action} ${result.uid} (${result.title})`);
    results.push(result);
  }
  return results;
}

/**
 * `auto` needs Grafana's version (v12 API from 12 on). A forced API needs
 * none, so a Grafana that hides its version (`hide_version`) still works;
 * a known version below 12 still stops a forced v12 with a clear message.
 */
async function chooseApi(g: GrafanaClient, wanted: GrafanaApi): Promise<{ api: 'classic' | 'v12'; version?: string }> {
  if (wanted !== 'auto') {
    const version = await g.version().catch(() => undefined);
    if (wanted === 'v12' && version && major(version) < 12) {
      throw new FaultlineError(ErrorCode.InvalidInput, `Grafana ${version} has no v12 dashboard API; use --api classic (or auto)`);
    }
    return { api: wanted, version };
  }
  const version = await g.version();
  if (!version) {
    throw new FaultlineError(ErrorCode.InvalidInput, `cannot tell the version of the Grafana at ${g.baseUrl}: neither /api/health nor /api/frontend/settings gives one (hide_version, or not Grafana); pass --api classic (Grafana < 12) or --api v12`);
  }
  return { api: major(version) >= 12 ? 'v12' : 'classic', version };
}

function major(version: string): number {
  const m = /^(\d+)\./.exec(version);
  return m ? Number(m[1]) : 0;
}

async function ensureFolder(g: GrafanaClient, uid: string, title: string): Promise<void> {
  const existing = await g.request('GET', `/api/folders/${encodeURIComponent(uid)}`, undefined, [404]);
  if (existing.status === 404) await g.request('POST', '/api/folders', { uid, title });
}

async function pushClassic(g: GrafanaClient, dashboard: Dashboard, folderUid: string): Promise<PushResult> {
  const uid = dashboard.uid ?? '';
  const before = await g.request('GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`, undefined, [404]);
  // `id: null` plus `overwrite` replaces by UID whatever version is stored.
  await g.request('POST', '/api/dashboards/db', {
    dashboard: { ...dashboard, id: null },
    folderUid,
    overwrite: true,
    message: 'faultline dashboards push',
  });
  return { uid, title: dashboard.title ?? uid, action: before.status === 404 ? 'created' : 'updated', api: 'classic' };
}

async function pushV12(g: GrafanaClient, dashboard: Dashboard, o: PushOptions): Promise<PushResult> {
  const uid = dashboard.uid ?? '';
  const base = `/apis/${V12_GROUP}/namespaces/${encodeURIComponent(o.namespace)}/dashboards`;
  const before = await g.request('GET', `${base}/${encodeURIComponent(uid)}`, undefined, [404]);
  const metadata: Record<string, unknown> = {
    name: uid,
    annotations: { 'grafana.app/folder': o.folderUid, 'grafana.app/message': 'faultline dashboards push' },
  };
  if (before.status === 404) {
    await g.request('POST', base, { apiVersion: V12_GROUP, kind: 'Dashboard', metadata, spec: dashboard });
    return { uid, title: dashboard.title ?? uid, action: 'created', api: 'v12' };
  }
  const current = before.body as { metadata?: { resourceVersion?: string } };
  metadata.resourceVersion = current.metadata?.resourceVersion;
  await g.request('PUT', `${base}/${encodeURIComponent(uid)}`, { apiVersion: V12_GROUP, kind: 'Dashboard', metadata, spec: dashboard });
  return { uid, title: dashboard.title ?? uid, action: 'updated', api: 'v12' };
}

interface GrafanaResponse {
  status: number;
  body: unknown;
}

class GrafanaClient {
  constructor(readonly baseUrl: string, private readonly token: string) {}

  /**
   * Grafana's version from /api/health, or, when `hide_version` leaves it
   * out there, from /api/frontend/settings (which a signed-in token still
   * gets); undefined when neither says.
   */
  async version(): Promise<string | undefined> {
    const health = await this.request('GET', '/api/health', undefined, [401, 403, 404]);
    const version = (health.body as { version?: unknown }).version;
    if (typeof version === 'string' && version !== '') return version;
    const settings = await this.request('GET', '/api/frontend/settings', undefined, [401, 403, 404]);
    const buildVersion = (settings.body as { buildInfo?: { version?: unknown } }).buildInfo?.version;
    return typeof buildVersion === 'string' && buildVersion !== '' ? buildVersion : undefined;
  }

  async request(method: string, path: string, body?: unknown, allowed: number[] = []): Promise<GrafanaResponse> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new FaultlineError(ErrorCode.Unavailable, `cannot reach Grafana at ${this.baseUrl}: ${errorMessage(err)}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // Keep the text: error pages from proxies are not JSON.
    }
    if (res.ok || allowed.includes(res.status)) return { status: res.status, body: parsed };
    const message = (parsed as { message?: unknown }).message;
    const detail = typeof message === 'string' ? message : String(text).slice(0, 200);
    if (res.status === 401) {
      throw new FaultlineError(ErrorCode.Unauthorized, `Grafana rejected the token (401 on ${method} ${path}): ${detail}. Use a service-account token (Administration > Service accounts).`);
    }
    if (res.status === 403) {
      throw new FaultlineError(ErrorCode.Forbidden, `the token may not do ${method} ${path} (403): ${detail}. The service account needs the Editor role or dashboards:write.`);
    }
    if (res.status === 404 && path.startsWith('/apis/')) {
      throw new FaultlineError(ErrorCode.InvalidInput, `this Grafana has no ${V12_GROUP} API (404 on ${path}); use --api classic`);
    }
    if (res.status === 412 || res.status === 409) {
      throw new FaultlineError(ErrorCode.Conflict, conflictMessage(method, path, res.status, parsed, detail));
    }
    throw new FaultlineError(ErrorCode.Unavailable, `Grafana answered ${res.status} to ${method} ${path}: ${detail}`);
  }
}

/**
 * Grafana's own reason for a 412 (classic API: `status` is version-mismatch,
 * name-exists or plugin-dashboard) or a 409 (v12 API: a Kubernetes Status,
 * `reason` Conflict or AlreadyExists), and what to do about it.
 */
function conflictMessage(method: string, path: string, status: number, body: unknown, detail: string): string {
  const b = (body ?? {}) as { status?: unknown; reason?: unknown };
  const kind = typeof b.reason === 'string' ? b.reason : typeof b.status === 'string' ? b.status : undefined;
  const said = `Grafana refused ${method} ${path} (${status}${kind ? ` ${kind}` : ''}): ${detail}`;
  if (kind === 'name-exists') {
    return `${said}. Another dashboard (another UID) has this title in the folder: rename or delete it in Grafana, or push into another folder (--folder-uid), then rerun.`;
  }
  if (kind === 'plugin-dashboard') {
    return `${said}. The UID belongs to a dashboard a plugin installed: remove that dashboard in Grafana, then rerun.`;
  }
  if (kind === 'AlreadyExists') {
    return `${said}. The dashboard was created by someone else while pushing: rerun to update it.`;
  }
  return `${said}. The dashboard was changed in Grafana while pushing (version conflict): rerun to overwrite it with the generated one.`;
}
