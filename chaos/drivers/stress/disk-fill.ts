import { open, readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, FaultlineError } from '../../../platform/errors.ts';
import { startLeaseChild, type LeaseChild } from './lease-child.ts';

// Fills a filesystem up to a percentage with one file, guarded from the
// start by a watchdog child that deletes it at the lease's end or when the
// agent dies. The file name carries owner and fault ID so a restarted agent
// can find its leftovers.

const FILL_PREFIX = '.faultline-fill-';
const WRITE_CHUNK_BYTES = 1024 * 1024;

export function fillFileName(owner: string, faultId: string): string {
  return `${FILL_PREFIX}${owner.replace(/[^A-Za-z0-9_.-]/g, '_')}-${faultId}`;
}

export interface FillPlan {
  totalBytes: number;
  usedBytes: number;
  /** Bytes to write so that used/total reaches the percentage (never more than is free). */
  fillBytes: number;
}

export async function planFill(dir: string, percent: number): Promise<FillPlan> {
  let s;
  try {
    s = await statfs(dir);
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidInput, `fault.path: cannot use ${dir}: ${(err as Error).message}`);
  }
  const totalBytes = s.blocks * s.bsize;
  const usedBytes = (s.blocks - s.bfree) * s.bsize;
  const wanted = Math.floor((totalBytes * percent) / 100) - usedBytes;
  // Whole blocks, and one block of headroom for the file's own metadata, so
  // the filesystem never ends up fuller than asked.
  const blocks = Math.floor(Math.min(wanted, s.bavail * s.bsize) / s.bsize) - 1;
  return { totalBytes, usedBytes, fillBytes: Math.max(0, blocks * s.bsize) };
}

export interface DiskFill {
  file: string;
  bytes: number;
  watchdog: LeaseChild;
  /** Deletes the file and stops the watchdog. Idempotent. */
  remove(): Promise<void>;
}

export async function fillDisk(dir: string, percent: number, file: string, deadlineMs: number, signal: AbortSignal): Promise<DiskFill> {
  const plan = await planFill(dir, percent);
  const path = join(dir, file);
  // The watchdog exists before the first byte, so no path leaves the file behind.
  const watchdog = await startLeaseChild('./fill-watchdog.mjs', [path, String(deadlineMs)], true);
  const remove = async () => {
    await rm(path, { force: true });
    await watchdog.stop();
  };
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      const block = Buffer.alloc(WRITE_CHUNK_BYTES, 0x5a);
      let left = plan.fillBytes;
      while (left > 0) {
        if (signal.aborted) throw new FaultlineError(ErrorCode.Unavailable, 'disk fill aborted');
        const n = Math.min(left, block.length);
        await handle.write(block, 0, n);
        left -= n;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return { file: path, bytes: plan.fillBytes, watchdog, remove };
}

/** Deletes fill files `owner` left in `dir` (after a crash); returns their paths. */
export async function removeFillLeftovers(dir: string, owner: string): Promise<string[]> {
  const prefix = fillFileName(owner, '');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    await rm(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  return removed;
}
