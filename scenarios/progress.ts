import { endStatusLine, setStatusLine, type Logger } from '../platform/logger.ts';
import { formatProgress } from './runner/load-generator.ts';
import type { RunningScenario } from './runner/runner.ts';

/**
 * Shows a running scenario's load: one rewritten line on a terminal (every
 * second), a log line every `logIntervalMs` otherwise. Returns the stopper.
 */
export function reportProgress(run: RunningScenario, logger: Logger, stream: NodeJS.WriteStream = process.stderr): () => void {
  const tty = stream.isTTY === true;
  const timer = setInterval(() => {
    const status = run.status();
    if (!status.load?.active) return;
    if (tty) setStatusLine(`${status.scenario}  ${formatProgress(status.load, status.restarts)}`, stream);
    else logger.info({ scenario: status.scenario, ...status.load, restarts: status.restarts }, 'scenario load');
  }, tty ? 1000 : run.config.progressLogIntervalMs);
  return () => {
    clearInterval(timer);
    if (tty) endStatusLine(stream);
  };
}
