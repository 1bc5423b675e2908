import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ErrorCode, FaultlineError } from '../../../platform/errors.ts';

// A child process that carries out a stress fault and ends itself at the
// lease's end or when its parent dies (its IPC channel closes), so nothing
// outlives the lease even if the agent is SIGKILLed.

export interface LeaseChild {
  pid: number;
  /** Moves the child's own deadline (on lease renewal); throws when the child is gone. */
  extend(deadlineMs: number): void;
  /** Stops the child and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  exited: Promise<void>;
}

export async function startLeaseChild(script: string, args: string[], waitForReady = false): Promise<LeaseChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child: ChildProcess = fork(path, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    if (waitForReady) child.once('message', () => resolve());
    else child.once('spawn', () => resolve());
    void exited.then(() => reject(new Error(`${script} exited during start-up`)));
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    exited,
    extend(deadlineMs) {
      if (!child.connected) throw new FaultlineError(ErrorCode.Unavailable, `${script} (pid ${child.pid}) has exited; it cannot carry the fault any longer`);
      child.send({ deadlineMs });
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.send({ stop: true });
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
