import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines for machines; readable lines when a person is watching a
 * terminal. FAULTLINE_LOG_FORMAT=json|pretty overrides the guess.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const format = process.env.FAULTLINE_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const level = options.level ?? process.env.FAULTLINE_LOG_LEVEL ?? 'info';
  if (format === 'pretty') {
    return pino({
      name: options.name ?? 'faultline',
      level,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return pino({ name: options.name ?? 'faultline', level });
}

/** A logger that writes nothing, for tests of library code. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
