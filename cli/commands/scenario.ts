import { Command } from 'commander';
import { parseDurationMs } from '../../platform/duration.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
import { holdStopSignals } from '../stop-signals.ts';
import { builtinNames, resolveScenarioPath } from '../../scenarios/builtin.ts';
import { exportAttachments } from '../../scenarios/export.ts';
import { reportProgress } from '../../scenarios/progress.ts';
import { startScenario } from '../../scenarios/runner/runner.ts';
import { loadScenarioFile } from '../../scenarios/spec/load.ts';

export function parseDurationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new FaultlineError(ErrorCode.InvalidInput, `${flag}: expected a duration like 30s, 5m or 1h, got "${text}"`);
  return ms;
}

export function scenarioCommand(): Command {
  const cmd = new Command('scenario').description('demo topologies of OpenTelemetry-instrumented services, with load');

  cmd.command('list')
    .description('list the built-in scenarios')
    .action(() => {
      for (const name of builtinNames()) {
        const { scenario } = loadScenarioFile(resolveScenarioPath(name));
        process.stdout.write(`${name.padEnd(20)} ${scenario.metadata.description}\n`);
      }
    });

  cmd.command('validate <file>')
    .description('check a scenario file (and the SLO and experiment files it references)')
    .action((file: string) => {
      const loaded = loadScenarioFile(resolveScenarioPath(file));
      const { scenario } = loaded;
      const instances = scenario.spec.services.reduce((n, s) => n + s.instances, 0);
      process.stdout.write(`${scenario.metadata.name}: ${scenario.spec.services.length} services, ${instances} instances, ${loaded.slos.length} SLOs, ${loaded.experiments.length} experiments\n`);
    });

  cmd.command('export <file>')
    .description('write the SLOs and experiments that come with a scenario as files: OUT/slos/*.yaml (for --slo-dir, `slo rules`) and OUT/experiments/*.yaml (for `chaos run`)')
    .requiredOption('--out <dir>', 'output directory')
    .action((file: string, opts: { out: string }) => {
      const written = exportAttachments(loadScenarioFile(resolveScenarioPath(file)), opts.out);
      for (const path of [...written.slos, ...written.experiments]) process.stdout.write(`wrote ${path}\n`);
    });

  cmd.command('run <file>')
    .description('run a scenario (a file, or a built-in name: see `scenario list`) until stopped')
    .option('--collector <url>', 'OTLP/HTTP base URL the instances export to (default http://127.0.0.1:4318)')
    .option('--duration <d>', 'stop after this long, e.g. 30s, 10m (default: until SIGINT/SIGTERM)')
    .option('--redis-url <url>', "Redis for queues and the instance registry; use the platform's so chaos agents find the instances (default: a private redis-server); env REDIS_URL")
    .option('--host <address>', 'address instances bind to (default 127.0.0.1)')
    .option('--state-dir <dir>', "the runner's state: the agent's journal and a private Redis (default ./data/scenario)")
    .option('--agent-name <name>', 'name of the runner\'s chaos agent; unique per Redis (default scenario-<scenario name>)')
    .option('--no-agent', 'do not run a chaos agent for the instances')
    .option('--no-load', 'start the topology without the load generator')
    .option('--log-level <level>', 'log level (default info)')
    .action(async (file: string, opts: { collector?: string; duration?: string; redisUrl?: string; host?: string; stateDir?: string; agentName?: string; agent: boolean; load: boolean; logLevel?: string }) => {
      const { scenario } = loadScenarioFile(resolveScenarioPath(file));
      const logger = createLogger({ level: opts.logLevel });
      const signals = holdStopSignals(logger, 'the scenario');
      const run = await startScenario(scenario, {
        collectorUrl: opts.collector,
        durationMs: parseDurationFlag('--duration', opts.duration),
        redisUrl: opts.redisUrl ?? process.env.REDIS_URL,
        host: opts.host,
        stateDir: opts.stateDir,
        agentName: opts.agentName,
        agent: opts.agent,
        load: opts.load,
      }, logger);
      const stopProgress = reportProgress(run, logger);
      signals.started((signal) => {
        logger.info({ signal }, 'stopping the scenario');
        void run.stop();
      });
      await run.done;
      stopProgress();
      logger.flush?.();
      process.exit(0);
    });
  return cmd;
}
