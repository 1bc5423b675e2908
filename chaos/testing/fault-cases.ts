import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import type { FaultSpecInput } from '../faults/specs.ts';
import type { TargetSelector } from '../faults/target.ts';
import { isRunning, matchCmdline } from '../drivers/process/resolve.ts';
import { controlApp, startControlServer, type ControlServer } from '../proxy/control-api.ts';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.ts';
import { silentLogger } from '../../platform/logger.ts';
import { httpCall, startUpstream, type Upstream } from './http-fixtures.ts';
import { createNetnsPair, type NetnsPair } from './netns.ts';
import { mountTmpfs, type Tmpfs } from './tmpfs.ts';

// The table the shared fault suite runs over: for every fault type, how to
// set up a target, and how to observe from outside whether the fault is in
// effect right now. Observations use real sockets, processes and filesystems.

export interface FaultEnv {
  proxy?: FaultProxy;
  /** The proxy's control API, for agents in other processes. */
  control?: ControlServer;
  upstream?: Upstream;
  netns?: NetnsPair;
  serverPort?: number;
  tmpfs?: Tmpfs;
  destroy(): Promise<void>;
}

export interface Trial {
  target: TargetSelector;
  /** Is the fault's effect observable right now? */
  present(): Promise<boolean>;
}

export interface FaultCase {
  name: string;
  fault: FaultSpecInput;
  setup(): Promise<FaultEnv>;
  /** A fresh target for one test (kill needs a new victim each time). */
  trial(env: FaultEnv, owner: string): Promise<Trial>;
  /** The effect cannot be undone (a killed process stays dead; its supervisor restarts it). */
  permanent?: boolean;
}

async function proxyEnv(name: string): Promise<FaultEnv> {
  const upstream = await startUpstream();
  const proxy = await startFaultProxy({ name, listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: upstream.port });
  const control = await startControlServer(controlApp(proxy, silentLogger()), '127.0.0.1', 0);
  return {
    proxy, upstream, control,
    async destroy() {
      await control.close();
      await proxy.close();
      await upstream.close();
    },
  };
}

function proxyCase(name: string, fault: FaultSpecInput, present: (port: number) => Promise<boolean>): FaultCase {
  // Proxy names are one word (`--remote-proxy NAME=URL`).
  const proxyName = `suite-${name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/-+$/, '')}`;
  return {
    name, fault,
    setup: () => proxyEnv(proxyName),
    async trial(env) {
      return { target: { kind: 'proxy', name: proxyName }, present: () => present(env.proxy!.port) };
    },
  };
}

async function fastest(port: number, path: string): Promise<number> {
  const first = await httpCall(port, { path });
  const second = await httpCall(port, { path });
  return Math.min(first.elapsedMs, second.elapsedMs);
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export const faultCases: FaultCase[] = [
  // Timing probes take the faster of two requests, so one slow moment on a
  // busy machine does not look like a fault.
  proxyCase('latency', { type: 'latency', latencyMs: 300 }, async (port) => (await fastest(port, '/')) >= 295),
  proxyCase('abort', { type: 'abort', statusCode: 503 }, async (port) => (await httpCall(port)).status === 503),
  proxyCase('bandwidth', { type: 'bandwidth', bytesPerSecond: 20_000 }, async (port) => (await fastest(port, '/bytes/12000')) > 350),
  proxyCase('partition (proxy)', { type: 'partition' }, async (port) => {
    try {
      await httpCall(port, { timeoutMs: 400 });
      return false;
    } catch (err) {
      if ((err as Error).message === 'timed out') return true;
      throw err;
    }
  }),
  {
    name: 'partition (network namespaces)',
    fault: { type: 'partition', mode: 'blackhole' },
    async setup() {
      const netns = await createNetnsPair();
      const serverPort = 7000 + Math.floor(Math.random() * 1000);
      try {
        await netns.serve(serverPort);
        if ((await netns.probe(serverPort)) !== 'ok') throw new Error('namespaces are not connected');
      } catch (err) {
        await netns.destroy();
        throw err;
      }
      return { netns, serverPort, destroy: () => netns.destroy() };
    },
    async trial(env) {
      const { netns, serverPort } = env;
      return {
        target: { kind: 'network', netns: netns!.b },
        present: async () => (await netns!.probe(serverPort!, 500)) === 'timeout',
      };
    },
  },
  {
    name: 'kill',
    fault: { type: 'kill' },
    permanent: true,
    async setup() {
      return { destroy: async () => {} };
    },
    async trial() {
      const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
      await new Promise((r) => victim.once('spawn', r));
      const pid = victim.pid!;
      return { target: { kind: 'process', pid }, present: async () => !isRunning(pid) };
    },
  },
  {
    name: 'cpu',
    fault: { type: 'cpu', cores: 1, percent: 60 },
    async setup() {
      return { destroy: async () => {} };
    },
    async trial(_env, owner) {
      return {
        target: { kind: 'host' },
        async present() {
          const pids = await matchCmdline(new RegExp(`cpu-burner\\.mjs .* ${owner}/`));
          if (pids.length === 0) return false;
          const before = await Promise.all(pids.map(cpuTicks));
          await new Promise((r) => setTimeout(r, 400));
          const after = await Promise.all(pids.map((p) => cpuTicks(p).catch(() => 0)));
          return after.some((t, i) => t > before[i]);
        },
      };
    },
  },
];

/** disk-fill needs the fault's path, so its case is built around a tmpfs. */
export function diskFillCase(): FaultCase {
  let dir = '';
  const env: { tmpfs?: Tmpfs } = {};
  return {
    name: 'disk-fill',
    get fault() {
      return { type: 'disk-fill', path: dir, percent: 60 } as FaultSpecInput;
    },
    async setup() {
      env.tmpfs = await mountTmpfs(16);
      dir = env.tmpfs.dir;
      return { tmpfs: env.tmpfs, destroy: () => env.tmpfs!.destroy() };
    },
    async trial(e) {
      return {
        target: { kind: 'host' },
        async present() {
          const files = (await readdir(e.tmpfs!.dir)).filter((n) => n.startsWith('.faultline-fill-'));
          const used = await e.tmpfs!.usedPercent();
          if (files.length > 0 && used > 60.5) throw new Error(`filled beyond what was asked: ${used.toFixed(2)}%`);
          return files.length > 0 && used >= 55;
        },
      };
    },
  };
}

export function allFaultCases(): FaultCase[] {
  return [...faultCases, diskFillCase()];
}
