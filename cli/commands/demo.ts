import { Command } from 'commander';
import { loadConfig } from '../../platform/config/load.ts';
import { settings } from '../../platform/config/settings.ts';
import { createLogger } from '../../platform/logger.ts';
import { startDemo } from '../../scenarios/demo.ts';
import { reportProgress } from '../../scenarios/progress.ts';
import { parseDurationFlag } from './scenario.ts';

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('run the platform with a demo scenario under load, generate dashboards, and print where to look')
    .option('--scenario <file>', 'scenario file or built-in name (default shop; see `faultline scenario list`)')
    .option('--out <dir>', 'where dashboards, Grafana provisioning and prometheus.yml are written (default <data-dir>/demo)')
    .option('--duration <d>', 'stop after this long, e.g. 10m (default: until SIGINT/SIGTERM)')
    .option('--config <file>', 'platform config file (as for `faultline up`)');
  for (const s of settings) {
    cmd.option(`--${s.flag} <${s.kind === 'int' ? 'n' : 'value'}>`, `${s.description}; env ${s.env}`);
  }
  cmd.action(async (opts: Record<string, string | undefined>) => {
    const flags: Record<string, string | undefined> = { config: opts.config };
    for (const s of settings) flags[s.flag] = opts[s.flag.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase())];
    const config = loadConfig({ flags });
    const logger = createLogger({ level: config.logLevel });
    const demo = await startDemo(config, logger, {
      scenario: opts.scenario,
      outDir: opts.out,
      runner: { durationMs: parseDurationFlag('--duration', opts.duration) },
    });
    process.stdout.write(`\n${demo.summary}\n\n`);
    const stopProgress = reportProgress(demo.run, logger);
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'stopping the demo');
      void demo.stop();
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    await demo.run.done;
    await demo.stop();
    stopProgress();
    logger.flush?.();
    process.exit(0);
  });
  return cmd;
}
