import type { Logger } from '../platform/logger.ts';

/**
 * SIGINT/SIGTERM for commands whose start-up takes a while (a scenario's
 * instances, the demo): a signal during start-up is held until start-up has
 * finished, so everything started so far is stopped the normal way instead of
 * being cut off half-made; a second one exits at once. `started(stop)` hands
 * over to the command's own stop, running it at once if a signal came early.
 */
export function holdStopSignals(logger: Logger, what: string): { started(stop: (signal: string) => void): void } {
  let early: string | undefined;
  let stop: ((signal: string) => void) | undefined;
  const onSignal = (signal: string) => {
    if (stop) return stop(signal);
    if (early) {
      logger.warn({ signal }, `second ${signal} during start-up: exiting now`);
      process.exit(130);
    }
    early = signal;
    logger.info({ signal }, `stopping ${what} as soon as its start-up has finished (again to exit now)`);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return {
    started(fn) {
      stop = fn;
      if (early) fn(early);
    },
  };
}
