import { resolve } from 'node:path';
import { generateAll } from '../dashboards/generate.ts';
import type { FaultlineConfig } from '../platform/config/schema.ts';
import { ErrorCode, FaultlineError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { startPlatform, type Platform } from '../platform/platform.ts';
import { resolveScenarioPath } from './builtin.ts';
import { INSTANCE_REGISTRY_KEY } from './registry.ts';
import { startScenario, type RunningScenario } from './runner/runner.ts';
import type { ScenarioRunnerConfigInput } from './config.ts';
import { loadScenarioFile, type LoadedScenario } from './spec/load.ts';

export interface DemoOptions {
  /** A scenario file or built-in name. Default "shop". */
  scenario?: string;
  /** Where dashboards, provisioning and the Prometheus config are written. Default <dataDir>/demo. */
  outDir?: string;
  /** Runner settings beyond the collector and Redis the platform provides. */
  runner?: Omit<ScenarioRunnerConfigInput, 'collectorUrl' | 'redisUrl'>;
}

export interface Demo {
  platform: Platform;
  run: RunningScenario;
  loaded: LoadedScenario;
  /** What the demo prints: only addresses and files that exist. */
  summary: string;
  stop(): Promise<void>;
}

// API paths the demo mentions when (and only when) the running platform serves them.
const API_PATHS: Array<[string, string]> = [
  ['/api/v1/service-graph', 'live service graph'],
  ['/api/v1/services', 'services with RED signals'],
  ['/api/v1/slos', 'SLOs and error budgets'],
  ['/api/v1/alerts', 'burn-rate alerts'],
  ['/api/v1/anomalies', 'anomalies'],
  ['/api/v1/experiments', 'chaos experiments'],
  ['/jaeger/api/services', 'Jaeger-compatible trace query (Grafana Jaeger data source: <API>/jaeger)'],
];

async function servedPaths(api: string): Promise<Array<[string, string]>> {
  const served: Array<[string, string]> = [];
  for (const [path, what] of API_PATHS) {
    try {
      const response = await fetch(`${api}${path}`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status !== 404) served.push([path, what]);
    } catch {
      // Not served: not mentioned.
    }
  }
  return served;
}

/**
 * The whole loop on one machine: the platform in this process, a scenario
 * sending it real telemetry under load, and dashboards plus a Prometheus
 * config generated for this platform's addresses.
 */
export async function startDemo(config: FaultlineConfig, logger: Logger, options: DemoOptions = {}): Promise<Demo> {
  const loaded = loadScenarioFile(resolveScenarioPath(options.scenario ?? 'shop'));
  const platform = await startPlatform(config, logger);
  const { addresses, redisUrl } = platform.context;
  const api = addresses.api!;
  if (!addresses.otlpHttp) {
    await platform.stop();
    throw new FaultlineError(ErrorCode.Unavailable, 'this platform has no OTLP/HTTP receiver (the collector part is not registered in platform/parts.ts), so the demo has nowhere to send telemetry');
  }
  let run: RunningScenario;
  try {
    run = await startScenario(loaded.scenario, {
      stateDir: resolve(config.dataDir, 'agent'), ...options.runner, collectorUrl: addresses.otlpHttp, redisUrl,
    }, logger);
  } catch (err) {
    await platform.stop();
    throw err;
  }
  const outDir = resolve(options.outDir ?? resolve(config.dataDir, 'demo'));
  const apiHostPort = new URL(api).host;
  generateAll({
    outDir,
    prometheusUrl: 'http://127.0.0.1:9090',
    faultlineApiUrl: api,
    dashboardsPath: resolve(outDir, 'dashboards'),
    scrapeTarget: apiHostPort,
    ruleFiles: [],
  });
  const served = await servedPaths(api);
  const { scenario } = loaded;
  const instances = scenario.spec.services.reduce((n, s) => n + s.instances, 0);
  const lines = [
    `Faultline demo: scenario ${scenario.metadata.name} (${scenario.spec.services.length} services, ${instances} instances, each behind a fault proxy), load ${scenario.spec.load.rps} rps ${scenario.spec.load.pattern} on ${scenario.spec.load.service}`,
    '',
    `  API           ${api}  (/healthz, /readyz, /metrics)`,
    ...served.map(([path, what]) => `                ${api}${path}  ${what}`),
    `  OTLP          ${addresses.otlpHttp} (HTTP)${addresses.otlpGrpc ? `, ${addresses.otlpGrpc} (gRPC)` : ''}`,
    `  Redis         ${redisUrl}  (instances registered in hash ${INSTANCE_REGISTRY_KEY})`,
    `  Dashboards    ${resolve(outDir, 'dashboards')}  (Grafana JSON)`,
    `  Prometheus    prometheus --config.file=${resolve(outDir, 'prometheus/prometheus.yml')}  (scrapes ${apiHostPort})`,
    `  Grafana       provisioning in ${resolve(outDir, 'provisioning')} (data sources: Prometheus at http://127.0.0.1:9090, traces at ${api}/jaeger)`,
    `                mount it as /etc/grafana/provisioning, or: faultline dashboards push --grafana URL --token TOKEN`,
    `  SLOs          ${loaded.slos.map((s) => s.slo.name).join(', ')} (defined in ${resolveScenarioPath(options.scenario ?? 'shop')})`,
    `  Experiments   ${loaded.experiments.map((e) => e.experiment.metadata.name).join(', ')} (same file; run with the chaos CLI once it is available)`,
    '',
    'Stop with Ctrl-C.',
  ];
  let stopping: Promise<void> | undefined;
  return {
    platform, run, loaded,
    summary: lines.join('\n'),
    stop: () => {
      stopping ??= (async () => {
        await run.stop();
        await platform.stop();
      })();
      return stopping;
    },
  };
}
