import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../net.ts';

export interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

export interface PrometheusServer {
  url: string;
  /** An instant query; returns the result vector. */
  query(promql: string, atMs?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Active alerts of the loaded rule files. */
  alerts(): Promise<PrometheusAlert[]>;
  stop(): Promise<void>;
}

export type PrometheusOptions =
  | {
    /** host:port scraped as job `faultline`. */
    target: string;
    /** Scrape and rule evaluation interval; default 1 s so tests stay short. */
    scrapeIntervalS?: number;
    /** Rule files to evaluate; default none. */
    ruleFiles?: string[];
    /** Keep the scraped job/instance labels (as the generated config does); default false. */
    honorLabels?: boolean;
  }
  | {
    /** A prometheus.yml to run as it is (e.g. a generated one). */
    configFile: string;
  };

/**
 * A real `prometheus` child on a free loopback port with its own temp TSDB.
 * Resolves once it is ready and has scraped at least one target
 * successfully, so tests start measuring after the first scrape.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-test-prometheus-'));
  const port = await freePort();
  let configFile: string;
  if ('configFile' in options) {
    configFile = options.configFile;
  } else {
    const intervalS = options.scrapeIntervalS ?? 1;
    configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, stringify({
      global: { scrape_interval: `${intervalS}s`, evaluation_interval: `${intervalS}s` },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: [{
        job_name: 'faultline',
        ...(options.honorLabels ? { honor_labels: true } : {}),
        static_configs: [{ targets: [options.target] }],
      }],
    }));
  }
  const child = spawn('prometheus', [
    `--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch { /* not listening yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Prometheus applies discovered targets at most every 5 s, so the first
  // scrape comes a few seconds after start.
  for (;;) {
    const res = await fetch(`${url}/api/v1/targets`);
    const body = (await res.json()) as { data: { activeTargets: Array<{ health: string }> } };
    if (body.data.activeTargets.some((t) => t.health === 'up')) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not scrape a target in time:\n${JSON.stringify(body)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async query(promql, atMs) {
      const params = new URLSearchParams({ query: promql });
      if (atMs !== undefined) params.set('time', String(atMs / 1000));
      const res = await fetch(`${url}/api/v1/query?${params}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
      return body.data.result;
    },
    async alerts() {
      const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: PrometheusAlert[] } };
      return body.data.alerts;
    },
    stop,
  };
}
