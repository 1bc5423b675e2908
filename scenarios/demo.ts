import { resolve } from 'node:path';
import { writeRules } from '../analysis/slo/rules/write-rules.ts';
import { generateAll } from '../dashboards/generate.ts';
import { cliToken } from '../platform/auth/tokens.ts';
import type { FaultlineConfig } from '../platform/config/schema.ts';
import { ErrorCode, FaultlineError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { startPlatform, type Platform } from '../platform/platform.ts';
import { resolveScenarioPath } from './builtin.ts';
import { exportAttachments } from './export.ts';
import { registerSlos, scheduleExperiments, staggeredCron, unscheduleExperiments } from './platform-api.ts';
import { INSTANCE_REGISTRY_KEY } from './registry.ts';
import { startScenario, type RunningScenario } from './runner/runner.ts';
import type { ScenarioRunnerConfigInput } from './config.ts';
import { loadScenarioFile, type LoadedScenario } from './spec/load.ts';

export interface DemoOptions {
  /** A scenario file or built-in name. Default "shop". */
  scenario?: string;
  /** Where dashboards, provisioning and the Prometheus config are written. Default <dataDir>/demo. */
  outDir?: string;
  /** Schedule the scenario's experiments, each every `chaosEveryMinutes`, staggered. Default true. */
  chaos?: boolean;
  /** Default 10. */
  chaosEveryMinutes?: number;
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
      const response = await fetch(`${api}${path}`, { signal: AbortSignal.timeout(5000) });
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
      stateDir: resolve(config.dataDir, 'scenario'), ...options.runner, collectorUrl: addresses.otlpHttp, redisUrl,
    }, logger);
  } catch (err) {
    await platform.stop();
    throw err;
  }
  const outDir = resolve(options.outDir ?? resolve(config.dataDir, 'demo'));
  const apiHostPort = new URL(api).host;
  const exported = exportAttachments(loaded, outDir);
  const ruleFiles = writeRules(resolve(outDir, 'slos'), resolve(outDir, 'prometheus/rules'), config.analysis.durationBucketsMs);
  generateAll({
    outDir,
    prometheusUrl: 'http://127.0.0.1:9090',
    faultlineApiUrl: api,
    dashboardsPath: resolve(outDir, 'dashboards'),
    scrapeTarget: apiHostPort,
    ruleFiles,
  });
  const token = cliToken(undefined, config.dataDir);
  const slos = await registerSlos(api, token, loaded.slos.map((s) => ({ name: s.slo.name, raw: s.raw })), logger);
  const everyMinutes = options.chaosEveryMinutes ?? 10;
  const scheduled = options.chaos === false ? [] : await scheduleExperiments(api, token, loaded.experiments.map((e, i) => ({
    name: e.experiment.metadata.name, raw: e.raw, cron: staggeredCron(i, everyMinutes),
  })), logger);
  const served = await servedPaths(api);
  // The chaos CLI reads the operator token from the data directory.
  const cliFlags = `--api ${api} --data-dir ${resolve(config.dataDir)}`;
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
    `  SLOs          ${slos.length > 0 ? `${slos.join(', ')} registered; faultline slo status --api ${api}` : 'none registered (see the warnings above)'}`,
    `                as files in ${resolve(outDir, 'slos')}, Prometheus rules in ${resolve(outDir, 'prometheus/rules')}`,
    ...(scheduled.length > 0
      ? [`  Chaos         ${scheduled.map((e) => `${e.name} (${e.cron})`).join(', ')}`,
        `                follow: faultline chaos list ${cliFlags}; stop everything: faultline chaos halt --all ${cliFlags}`]
      : [`  Chaos         no experiments scheduled; run one: faultline chaos run ${exported.experiments[0] ?? 'FILE'} ${cliFlags}`]),
    '',
    'Stop with Ctrl-C.',
  ];
  let stopping: Promise<void> | undefined;
  return {
    platform, run, loaded,
    summary: lines.join('\n'),
    stop: () => {
      stopping ??= (async () => {
        await unscheduleExperiments(api, token, scheduled.map((e) => e.name), logger);
        await run.stop();
        await platform.stop();
      })();
      return stopping;
    },
  };
}
