import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { ErrorCode, FaultlineError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { freePort } from '../net.ts';

export const REDIS_INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) or point Faultline at an existing Redis with REDIS_URL=redis://host:6379.';

export interface EmbeddedRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/** The full path of an executable on PATH, or undefined. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Starts a private redis-server bound to loopback, persisting (AOF and RDB)
 * into `<dataDir>/redis`. It dies with us: stop() shuts it down cleanly, and
 * if Faultline is killed (SIGKILL, a crash) the kernel sends the server
 * SIGTERM, so it saves and exits instead of outliving us. That parent-death
 * signal is set by util-linux's `setpriv --pdeathsig` (always there on
 * Linux); elsewhere a left-over server is stopped on the next start.
 */
export async function startEmbeddedRedis(dataDir: string, logger: Logger): Promise<EmbeddedRedis> {
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  await stopLeftover(resolve(dir, 'redis.pid'), logger);
  const redisServer = onPath('redis-server');
  if (!redisServer) throw new FaultlineError(ErrorCode.MissingDependency, REDIS_INSTALL_HINT);
  const setpriv = process.platform === 'linux' ? onPath('setpriv') : undefined;
  // Redis >= 7: exit on SIGTERM even when the final save fails (a data
  // directory that is gone or full), instead of running on as an orphan.
  const major = Number(/v=(\d+)\./.exec(spawnSync(redisServer, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 0);
  // The same port as last time on this data directory when it is free, so
  // agents and scenario runners given the old URL reconnect after a restart.
  const portFile = resolve(dir, 'port');
  let lastPort = 0;
  try { lastPort = Number(readFileSync(portFile, 'utf8').trim()) || 0; } catch { /* first start */ }
  const port = await freePort('127.0.0.1', lastPort);
  writeFileSync(portFile, `${port}\n`);
  const child = spawn(
    setpriv ?? redisServer,
    [...(setpriv ? ['--pdeathsig', 'TERM', redisServer] : []), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec',
      '--save', '60 1', ...(major >= 7 ? ['--shutdown-on-sigterm', 'force'] : []), '--daemonize', 'no', '--protected-mode', 'yes', '--logfile', '', '--pidfile', resolve(dir, 'redis.pid')],
    // Its own process group: a Ctrl-C in the terminal must not stop Redis
    // while Faultline is still draining into it; stop() ends it last.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const spawned = await new Promise<ChildProcess>((resolvePromise, reject) => {
    child.once('spawn', () => resolvePromise(child));
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new FaultlineError(ErrorCode.MissingDependency, REDIS_INSTALL_HINT));
      else reject(err);
    });
  });
  let output = '';
  spawned.stdout?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  spawned.stderr?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  let exited = false;
  spawned.once('exit', (code, signal) => {
    exited = true;
    if (!stopping) logger.error({ code, signal, output: output.slice(-1000) }, 'embedded redis-server exited unexpectedly');
  });
  let stopping = false;
  const url = `redis://127.0.0.1:${port}`;

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new FaultlineError(ErrorCode.Unavailable, `embedded redis-server exited during start-up:\n${output.slice(-1000)}`);
    }
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) {
        spawned.kill('SIGKILL');
        throw new FaultlineError(ErrorCode.Unavailable, `embedded redis-server did not answer within ${READY_TIMEOUT_MS} ms:\n${output.slice(-1000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  logger.info({ url, dir, redisPid: spawned.pid }, 'embedded redis-server started');

  return {
    url,
    pid: spawned.pid ?? -1,
    async stop() {
      if (exited) return;
      stopping = true;
      const done = new Promise<void>((r) => spawned.once('exit', () => r()));
      // SIGTERM makes redis-server save and exit; escalate if it hangs.
      spawned.kill('SIGTERM');
      const timer = setTimeout(() => spawned.kill('SIGKILL'), 3000);
      await done;
      clearTimeout(timer);
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A Faultline that was killed with SIGKILL leaves its redis-server running on
 * the data directory. Stop it (it saves on SIGTERM) before starting ours, so
 * two servers never write the same files.
 */
async function stopLeftover(pidFile: string, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('redis-server')) return;
  logger.warn({ pid }, 'stopping a redis-server left behind on this data directory');
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}
