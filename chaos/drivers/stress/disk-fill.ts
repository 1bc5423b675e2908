import { open, readdir, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, FaultlineError, errorMessage } from '../../../platform/errors.ts';
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
  /** What df calls the size as far as its Use% goes: used + available (blocks reserved for root left out). */
  usableBytes: number;
  usedBytes: number;
  /** Bytes to write so that Use% reaches the percentage (never more than is available). */
  fillBytes: number;
}

export interface FsBlocks {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

/**
 * How much to write so the filesystem is `percent` full as df counts Use%:
 * used / (used + available), where used = blocks - bfree and available =
 * bavail (what unprivileged users may still write). Writing moves bytes from
 * available to used, so the denominator stays put.
 */
export function fillFor(s: FsBlocks, percent: number): FillPlan {
  const usedBytes = (s.blocks - s.bfree) * s.bsize;
  const usableBytes = usedBytes + s.bavail * s.bsize;
  const wanted = Math.floor((usableBytes * percent) / 100) - usedBytes;
  // Whole blocks, and one block of headroom for the file's own metadata, so
  // the filesystem never ends up fuller than asked.
  const blocks = Math.floor(Math.min(wanted, s.bavail * s.bsize) / s.bsize) - 1;
  return { usableBytes, usedBytes, fillBytes: Math.max(0, blocks * s.bsize) };
}

export async function planFill(dir: string, percent: number): Promise<FillPlan> {
  let info;
  try {
    info = await stat(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FaultlineError(ErrorCode.InvalidInput, code === 'ENOENT' || code === 'ENOTDIR'
      ? `fault.path: ${dir} does not exist (it must be a directory on the filesystem to fill)`
      : `fault.path: cannot use ${dir}: ${errorMessage(err)}`);
  }
  if (!info.isDirectory()) {
    throw new FaultlineError(ErrorCode.InvalidInput, `fault.path: ${dir} is not a directory (the fill file is created in it)`);
  }
  return fillFor(await statfs(dir), percent);
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
  // The watchdog is stopped whatever rm says (stopping also deletes the file).
  const remove = async () => {
    try {
      await rm(path, { force: true });
    } finally {
      await watchdog.stop();
    }
  };
  try {
    let handle;
    try {
      handle = await open(path, 'wx', 0o600);
    } catch (err) {
      throw new FaultlineError(ErrorCode.InvalidInput, `fault.path: cannot create the fill file in ${dir}: ${errorMessage(err)}`, { cause: err });
    }
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
    // The reason it failed is what the caller needs, not a clean-up error after it.
    await remove().catch(() => undefined);
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
