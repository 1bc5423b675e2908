import { Command } from 'commander';
import { loadConfig } from '../../platform/config/load.ts';
import { settings } from '../../platform/config/settings.ts';
import { createLogger } from '../../platform/logger.ts';
import { startPlatform } from '../../platform/platform.ts';

export function upCommand(): Command {
  const cmd = new Command('up')
    .description('run the platform: OTLP receivers (gRPC 4317, HTTP 4318), analysis, chaos scheduler and the HTTP API (7070)')
    .option('--config <file>', 'config file (default ./faultline.yaml when present; env FAULTLINE_CONFIG)');
  for (const s of settings) {
    cmd.option(`--${s.flag} <${s.kind === 'int' ? 'n' : 'value'}>`, `${s.description}; env ${s.env}`);
  }
  cmd.addHelpText('after', '\nPrecedence: flag > environment variable > config file > default.');
  cmd.action(async (opts: Record<string, string | undefined>) => {
    const flags: Record<string, string | undefined> = { config: opts.config };
    for (const s of settings) {
      const key = s.flag.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
      flags[s.flag] = opts[key];
    }
    const config = loadConfig({ flags });
    const logger = createLogger({ level: config.logLevel });
    // Signals during start-up cancel it (cleanly, exit 0); after it, they stop the platform.
    const startup = new AbortController();
    let early: string | undefined;
    const onEarlySignal = (signal: string) => {
      early = signal;
      logger.info({ signal }, 'stopping during start-up');
      startup.abort();
    };
    const earlyInt = () => onEarlySignal('SIGINT');
    const earlyTerm = () => onEarlySignal('SIGTERM');
    process.once('SIGINT', earlyInt);
    process.once('SIGTERM', earlyTerm);
    let platform: Awaited<ReturnType<typeof startPlatform>>;
    try {
      platform = await startPlatform(config, logger, startup.signal);
    } catch (err) {
      if (early) process.exit(0);
      throw err;
    } finally {
      process.off('SIGINT', earlyInt);
      process.off('SIGTERM', earlyTerm);
    }
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: no new requests, draining what was accepted');
      const force = setTimeout(() => {
        logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'graceful stop took too long; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      force.unref();
      platform.stop().then(
        () => {
          logger.info('stopped');
          logger.flush?.();
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    if (early) shutdown(early);
  });
  return cmd;
}
