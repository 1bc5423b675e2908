import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { EXIT_ADDRESS_IN_USE, INSTANCE_ENV, type InstanceConfig, type InstanceMessage } from '../service/instance-config.ts';
import type { ScenarioRunnerConfig } from '../config.ts';
import { restartDelayMs } from './backoff.ts';

export type InstanceState = 'starting' | 'running' | 'backoff' | 'stopped';

export interface InstanceStatus {
  instance: string;
  service: string;
  pid: number;
  port: number;
  state: InstanceState;
  restarts: number;
  lastExit?: { code: number | null; signal: string | null; atMs: number };
}

interface Managed {
  config: InstanceConfig;
  child?: ChildProcess;
  status: InstanceStatus;
  startedAtMs: number;
  consecutiveCrashes: number;
  timer?: NodeJS.Timeout;
  output: string;
}

/** Without a prepared entry: run the service's TypeScript through tsx. */
const TSX_ENTRY = ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../service/main.ts', import.meta.url))];

export interface SupervisorOptions {
  /** Called whenever an instance got a new process (start and every restart). */
  onStarted?: (status: InstanceStatus) => void;
  /** Arguments after `node` that start an instance (see service-bundle.ts). Default: through tsx. */
  entryArgs?: string[];
  now?: () => number;
}

/**
 * Runs every instance as its own process group and keeps it running, like a
 * Kubernetes restartPolicy Always: a process that exits for any reason is
 * started again after a backoff that doubles per consecutive crash (capped,
 * and reset once an instance stayed up long enough). Stopping kills whole
 * process groups, so nothing an instance started survives it.
 */
export class Supervisor {
  private readonly managed = new Map<string, Managed>();
  private stopping = false;

  private readonly onStarted: (status: InstanceStatus) => void;
  private readonly entryArgs: string[];
  private readonly now: () => number;

  constructor(
    private readonly config: ScenarioRunnerConfig,
    private readonly logger: Logger,
    options: SupervisorOptions = {},
  ) {
    this.onStarted = options.onStarted ?? (() => {});
    this.entryArgs = options.entryArgs ?? TSX_ENTRY;
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts one instance and resolves once it listens. If its first start
   * fails, the instance is forgotten and the promise rejects; an
   * AddressInUseError says its port was taken in the meantime.
   */
  async add(config: InstanceConfig): Promise<void> {
    const m: Managed = {
      config, startedAtMs: 0, consecutiveCrashes: 0, output: '',
      status: { instance: config.instanceId, service: config.service.name, pid: 0, port: config.port, state: 'starting', restarts: 0 },
    };
    this.managed.set(config.instanceId, m);
    try {
      await this.spawn(m);
    } catch (err) {
      this.managed.delete(config.instanceId);
      throw err;
    }
  }

  status(): InstanceStatus[] {
    return [...this.managed.values()].map((m) => ({ ...m.status }));
  }

  totalRestarts(): number {
    return [...this.managed.values()].reduce((sum, m) => sum + m.status.restarts, 0);
  }

  private spawn(m: Managed): Promise<void> {
    const child = spawn(process.execPath, this.entryArgs, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, [INSTANCE_ENV]: JSON.stringify(m.config) },
    });
    m.child = child;
    m.startedAtMs = this.now();
    m.status.state = 'starting';
    m.status.pid = child.pid ?? 0;
    m.output = '';
    const keep = (chunk: Buffer) => {
      m.output = (m.output + chunk.toString()).slice(-4000);
      this.logger.debug({ instance: m.config.instanceId, output: chunk.toString().trimEnd() }, 'instance output');
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);

    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        killGroup(child, 'SIGKILL');
        reject(new FaultlineError(ErrorCode.Unavailable, `instance ${m.config.instanceId} did not listen within ${this.config.readyTimeoutMs} ms:\n${m.output.slice(-1500)}`));
      }, this.config.readyTimeoutMs);
      child.on('message', (msg: InstanceMessage) => {
        if (msg?.type !== 'ready' || ready) return;
        ready = true;
        clearTimeout(timer);
        m.status.state = 'running';
        this.onStarted({ ...m.status });
        resolve();
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        if (!ready) reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        m.status.lastExit = { code, signal, atMs: this.now() };
        if (this.stopping) {
          m.status.state = 'stopped';
          return;
        }
        if (!ready && m.status.restarts === 0) {
          m.status.state = 'stopped';
          reject(code === EXIT_ADDRESS_IN_USE
            ? new AddressInUseError(m.config.instanceId, m.config.port)
            : new FaultlineError(ErrorCode.Unavailable, `instance ${m.config.instanceId} exited during start-up (code ${code}, signal ${signal}):\n${m.output.slice(-1500)}`));
          return;
        }
        this.scheduleRestart(m, code, signal);
      });
    });
  }

  private scheduleRestart(m: Managed, code: number | null, signal: string | null): void {
    if (this.now() - m.startedAtMs >= this.config.restart.resetAfterMs) m.consecutiveCrashes = 0;
    m.consecutiveCrashes += 1;
    const delayMs = restartDelayMs(m.consecutiveCrashes, this.config.restart);
    m.status.state = 'backoff';
    m.status.restarts += 1;
    this.logger.warn({ instance: m.config.instanceId, code, signal, restartInMs: delayMs, restarts: m.status.restarts }, 'instance exited; restarting after backoff');
    m.timer = setTimeout(() => {
      m.timer = undefined;
      if (this.stopping) return;
      this.spawn(m).then(
        () => this.logger.info({ instance: m.config.instanceId, pid: m.status.pid, restarts: m.status.restarts }, 'instance restarted'),
        (err: unknown) => this.logger.error({ instance: m.config.instanceId, err }, 'instance restart failed'),
      );
    }, delayMs);
  }

  /** SIGTERM to every process group, SIGKILL to what is left after stopGraceMs. */
  async stop(): Promise<void> {
    this.stopping = true;
    const waits: Promise<void>[] = [];
    for (const m of this.managed.values()) {
      if (m.timer) clearTimeout(m.timer);
      const child = m.child;
      if (!child || child.pid === undefined) continue;
      const exited = child.exitCode !== null || child.signalCode !== null;
      waits.push(new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          killGroup(child, 'SIGKILL');
          resolve();
        }, this.config.stopGraceMs);
        const done = () => {
          clearTimeout(force);
          // The group may hold processes the instance started; none may outlive it.
          killGroup(child, 'SIGKILL');
          resolve();
        };
        if (exited) done();
        else {
          child.once('exit', done);
          killGroup(child, 'SIGTERM');
        }
      }));
    }
    await Promise.all(waits);
    for (const m of this.managed.values()) m.status.state = 'stopped';
  }
}

/** An instance could not listen: another process took its port after it was chosen. */
export class AddressInUseError extends FaultlineError {
  constructor(readonly instance: string, readonly port: number) {
    super(ErrorCode.Conflict, `instance ${instance}: port ${port} was taken by another process`);
    this.name = 'AddressInUseError';
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}
