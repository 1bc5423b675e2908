import { Command } from 'commander';
import { loadConfig } from '../../platform/config/load.ts';
import { settings } from '../../platform/config/settings.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
import { holdStopSignals } from '../stop-signals.ts';
import { startDemo } from '../../scenarios/demo.ts';
import { reportProgress } from '../../scenarios/progress.ts';
import { parseDurationFlag } from './scenario.ts';

function parseMinutes(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 59) throw new FaultlineError(ErrorCode.InvalidInput, `--chaos-every: expected whole minutes from 1 to 59, got "${text}"`);
  return n;
}

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('run the platform with a demo scenario under load, generate dashboards, and print where to look')
    .option('--scenario <file>', 'scenario file or built-in name (default shop; see `faultline scenario list`)')
    .option('--out <dir>', 'where dashboards, Grafana provisioning and prometheus.yml are written (default <data-dir>/demo)')
    .option('--duration <d>', 'stop after this long, e.g. 10m (default: until SIGINT/SIGTERM)')
    .option('--no-chaos', "do not schedule the scenario's chaos experiments")
    .option('--chaos-every <minutes>', 'run each experiment every this many minutes, staggered (default 10)')
    .option('--config <file>', 'platform config file (as for `faultline up`)');
  for (const s of settings) {
    cmd.option(`--${s.flag} <${s.kind === 'int' ? 'n' : 'value'}>`, `${s.description}; env ${s.env}`);
  }
  cmd.action(async (opts: Record<string, string | boolean | undefined>) => {
    const text = (key: string) => (typeof opts[key] === 'string' ? (opts[key] as string) : undefined);
    const flags: Record<string, string | undefined> = { config: text('config') };
    for (const s of settings) flags[s.flag] = text(s.flag.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase()));
    const config = loadConfig({ flags });
    const logger = createLogger({ level: config.logLevel });
    const signals = holdStopSignals(logger, 'the demo');
    const demo = await startDemo(config, logger, {
      scenario: text('scenario'),
      outDir: text('out'),
      chaos: opts.chaos !== false,
      chaosEveryMinutes: parseMinutes(text('chaosEvery')),
      runner: { durationMs: parseDurationFlag('--duration', text('duration')) },
    });
    process.stdout.write(`\n${demo.summary}\n\n`);
    const stopProgress = reportProgress(demo.run, logger);
    signals.started((signal) => {
      logger.info({ signal }, 'stopping the demo');
      void demo.stop();
    });
    await demo.run.done;
    await demo.stop();
    stopProgress();
    logger.flush?.();
    process.exit(0);
  });
  return cmd;
}
