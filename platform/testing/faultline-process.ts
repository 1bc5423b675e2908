import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

export interface FaultlineProcess {
  child: ChildProcess;
  pid: number;
  /** From the `faultline ready` log line: api, otlpHttp, otlpGrpc, ... */
  addresses: Record<string, string>;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** Sends `signal` and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }>;
}

export interface StartOptions {
  /** Extra `faultline up` arguments, e.g. ['--queue-capacity', '100']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

/**
 * Starts `node bin/faultline.mjs up` as a child on free ports (0) with a
 * private data directory, and resolves once it logs that it is ready.
 */
export async function startFaultline(options: StartOptions = {}): Promise<FaultlineProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-test-'));
  const child = spawn(process.execPath, [
    'bin/faultline.mjs', 'up', '--otlp-grpc-port', '0', '--otlp-http-port', '0', '--api-port', '0', '--data-dir', dataDir,
    ...(options.args ?? []),
  ], {
    cwd: root,
    env: { ...process.env, REDIS_URL: '', FAULTLINE_LOG_FORMAT: 'json', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let pending = '';
  let onLine: ((line: Record<string, unknown>) => void) | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        logs.push(line);
        onLine?.(line);
      } catch {
        stderr += `${text}\n`;
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-8000); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  void exited.then(cleanup);

  // Generous: on a loaded 2-core CI machine start-up (tsx, Redis) can take a while.
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`faultline up was not ready within ${readyTimeoutMs} ms:\n${stderr}`));
    }, readyTimeoutMs);
    onLine = (line) => {
      if (line.msg === 'faultline ready') {
        clearTimeout(timer);
        resolve(line);
      }
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`faultline up exited (${code ?? signal}) before it was ready:\n${stderr}\n${JSON.stringify(logs.slice(-5))}`));
    });
  });
  const addresses: Record<string, string> = {};
  for (const [k, v] of Object.entries(ready)) if (typeof v === 'string') addresses[k] = v;

  return {
    child,
    pid: child.pid!,
    addresses,
    logs,
    async stop(signal = 'SIGTERM') {
      const start = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exited;
      return { ...result, elapsedMs: Date.now() - start };
    },
  };
}
