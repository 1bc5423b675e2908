import { spawn } from 'node:child_process';
import { ErrorCode, FaultlineError } from '../../../platform/errors.ts';

/** Runs promtool with `args`; resolves with its output, rejects (with the output) on a non-zero exit. */
export function runPromtool(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT'
      ? new FaultlineError(ErrorCode.MissingDependency, 'promtool not found on PATH (Debian/Ubuntu: apt-get install prometheus)')
      : err));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`promtool ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}
