import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const bin = fileURLToPath(new URL('../../bin/faultline.mjs', import.meta.url));

export interface FaultlineChild {
  api: string;
  otlpHttp: string;
  redisUrl: string;
  dataDir: string;
  pid: number;
  /** SIGTERM to its process group (SIGKILL after 10 s), then the data directory goes. */
  stop(): Promise<void>;
}

/**
 * `faultline up` as a child process, as a user runs it: free ports, a temp
 * data directory (its own redis-server inside), `config` as faultline.yaml.
 * Resolves with the addresses from its `faultline ready` log line.
 */
export async function startFaultlineChild(config: Record<string, unknown> = {}): Promise<FaultlineChild> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-e2e-'));
  const configFile = join(dataDir, 'faultline.yaml');
  writeFileSync(configFile, stringify(config));
  const child: ChildProcess = spawn(process.execPath, [bin, 'up', '--config', configFile, '--data-dir', dataDir,
    '--api-port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--log-level', 'info'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FAULTLINE_LOG_FORMAT: 'json' },
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      const force = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`faultline up was not ready within 90 s:\n${output.slice(-2000)}`)), 90_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, string>;
          if (entry.msg === 'faultline ready') {
            clearTimeout(timer);
            resolve(entry);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000); });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`faultline up exited with ${code}:\n${output.slice(-2000)}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { api: ready.api, otlpHttp: ready.otlpHttp, redisUrl: ready.redis, dataDir, pid: child.pid!, stop };
}
