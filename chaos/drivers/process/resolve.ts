import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { ErrorCode, FaultlineError } from '../../../platform/errors.ts';
import { lookupInstance } from '../../../scenarios/registry.ts';
import type { ProcessSelector } from '../../faults/target.ts';

// Turns a process selector into process IDs: a PID, a PID file, a pattern
// over /proc/<pid>/cmdline, or a scenario instance name looked up in the
// instance registry the scenario runner publishes in Redis.

export interface ProcessResolver {
  /** Needed for `instance` selectors. */
  redis?: Redis;
}

export async function resolveProcesses(selector: ProcessSelector, resolver: ProcessResolver = {}): Promise<number[]> {
  if (selector.pid !== undefined) return alive([selector.pid], `pid ${selector.pid}`);
  if (selector.pidFile !== undefined) {
    let text: string;
    try {
      text = await readFile(selector.pidFile, 'utf8');
    } catch (err) {
      throw new FaultlineError(ErrorCode.NotFound, `target.pidFile: cannot read ${selector.pidFile}: ${(err as Error).message}`);
    }
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 1) throw new FaultlineError(ErrorCode.InvalidInput, `target.pidFile: ${selector.pidFile} does not hold a process id`);
    return alive([pid], `pid ${pid} from ${selector.pidFile}`);
  }
  if (selector.pattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(selector.pattern);
    } catch (err) {
      throw new FaultlineError(ErrorCode.InvalidInput, `target.pattern: ${(err as Error).message}`);
    }
    const pids = await matchCmdline(re);
    if (pids.length === 0) throw new FaultlineError(ErrorCode.NotFound, `target.pattern: no process matches /${selector.pattern}/`);
    return pids;
  }
  if (!resolver.redis) throw new FaultlineError(ErrorCode.Unavailable, 'target.instance: no instance registry (Redis) available');
  const record = await lookupInstance(resolver.redis, selector.instance!);
  if (!record) throw new FaultlineError(ErrorCode.NotFound, `target.instance: no scenario instance named ${selector.instance}`);
  // A PID means something only on its own machine.
  if (record.host !== hostname()) {
    throw new FaultlineError(ErrorCode.NotFound, `target.instance: ${selector.instance} runs on ${record.host}, not on this host (${hostname()}); send the fault to that host's agent`);
  }
  return alive([record.pid], `instance ${selector.instance} (pid ${record.pid})`);
}

function alive(pids: number[], what: string): number[] {
  const living = pids.filter(isRunning);
  if (living.length === 0) throw new FaultlineError(ErrorCode.NotFound, `target: ${what} is not running`);
  return living;
}

/** Running and not a zombie (a killed child nobody reaped yet still answers kill -0). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** PIDs whose command line (arguments joined by spaces) matches, never our own process or its parents. */
export async function matchCmdline(re: RegExp): Promise<number[]> {
  const exclude = new Set([process.pid, process.ppid]);
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (exclude.has(pid)) continue;
    let cmdline: string;
    try {
      cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((s) => s).join(' ');
    } catch {
      continue;
    }
    if (cmdline && re.test(cmdline) && isRunning(pid)) pids.push(pid);
  }
  return pids.sort((a, b) => a - b);
}
