import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

// A status line (a scenario's progress) redrawn in place on stderr. Pretty
// log lines first clear it and then draw it again below themselves, so the
// two never run into one line on a terminal.
let statusLine = '';

/** Shows `text` as the terminal's status line. */
export function setStatusLine(text: string, stream: NodeJS.WriteStream = process.stderr): void {
  statusLine = text;
  stream.write(`\r\x1b[K${text}`);
}

/** Leaves the last status line on screen as an ordinary line. */
export function endStatusLine(stream: NodeJS.WriteStream = process.stderr): void {
  if (statusLine) stream.write('\n');
  statusLine = '';
}

const prettyOut = new Writable({
  write(chunk: Buffer, _encoding, done) {
    if (statusLine) process.stderr.write('\r\x1b[K');
    process.stdout.write(chunk);
    if (statusLine) process.stderr.write(statusLine);
    done();
  },
});

/**
 * JSON lines for machines; readable lines when a person is watching a
 * terminal. FAULTLINE_LOG_FORMAT=json|pretty overrides the guess.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const format = process.env.FAULTLINE_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const level = options.level ?? process.env.FAULTLINE_LOG_LEVEL ?? 'info';
  if (format === 'pretty') {
    // In this thread (not a transport worker), so lines and the status line keep their order.
    return pino({ name: options.name ?? 'faultline', level }, PinoPretty({
      colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: prettyOut, sync: true,
    }));
  }
  return pino({ name: options.name ?? 'faultline', level });
}

/** A logger that writes nothing, for tests of library code. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
