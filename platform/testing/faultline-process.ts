import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

const root = new URL('../..', import.meta.url).pathname;

export interface FaultlineProcess {
  child: ChildProcess;
  pid: number;
  /** The private data directory (removed when the process exits), unless `args` name another. */
  dataDir: string;
  /** From the `faultline ready` log line: api, otlpHttp, otlpGrpc, ... */
  addresses: Record<string, string>;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /**
   * Sends `signal` and resolves when the process has exited; SIGKILL to its
   * process group if it has not exited 30 s after `signal`.
   */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }>;
}

export interface StartOptions {
  /** Extra `faultline up` arguments, e.g. ['--queue-capacity', '100']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Written as faultline.yaml in the data directory and passed as `--config`. */
  config?: Record<string, unknown>;
  readyTimeoutMs?: number;
}

/**
 * Starts `node bin/faultline.mjs up` as a child, as a user runs it: free
 * ports (0), a private data directory (its own redis-server inside), and
 * resolves once it logs that it is ready. The child leads its own process
 * group, so a start that fails takes its redis-server with it.
 */
export async function startFaultline(options: StartOptions = {}): Promise<FaultlineProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-test-'));
  const configArgs: string[] = [];
  if (options.config) {
    writeFileSync(join(dataDir, 'faultline.yaml'), stringify(options.config));
    configArgs.push('--config', join(dataDir, 'faultline.yaml'));
  }
  const child = spawn(process.execPath, [
    'bin/faultline.mjs', 'up', '--otlp-grpc-port', '0', '--otlp-http-port', '0', '--api-port', '0', '--data-dir', dataDir,
    ...configArgs, ...(options.args ?? []),
  ], {
    cwd: root,
    detached: true,
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
  const killGroup = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
  // Retried: a redis-server stopped by the kernel when faultline is killed may still be writing its last save.
  const cleanup = () => { try { rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); } catch { /* left in tmp */ } };
  void exited.then(cleanup);

  // Generous: on a loaded 2-core CI machine start-up (tsx, Redis) can take a while.
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  let isReady = false;
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`faultline up was not ready within ${readyTimeoutMs} ms:\n${stderr}`));
    }, readyTimeoutMs);
    onLine = (line) => {
      if (line.msg === 'faultline ready') {
        isReady = true;
        clearTimeout(timer);
        resolve(line);
      }
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (!isReady) killGroup();
      reject(new Error(`faultline up exited (${code ?? signal}) before it was ready:\n${stderr}\n${JSON.stringify(logs.slice(-5))}`));
    });
  });
  const addresses: Record<string, string> = {};
  for (const [k, v] of Object.entries(ready)) if (typeof v === 'string') addresses[k] = v;

  return {
    child,
    pid: child.pid!,
    dataDir,
    addresses,
    logs,
    async stop(signal = 'SIGTERM') {
      const start = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const force = setTimeout(killGroup, 30_000);
      const result = await exited;
      clearTimeout(force);
      return { ...result, elapsedMs: Date.now() - start };
    },
  };
}
