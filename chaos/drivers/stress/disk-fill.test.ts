import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, runOk } from '../exec.ts';
import { matchCmdline } from '../process/resolve.ts';
import { fillDisk, fillFileName, fillFor } from './disk-fill.ts';

// Disk fill measured as df measures Use%, on a real ext4 with blocks
// reserved for root (where used/size and df's Use% differ), and the errors a
// wrong path gives.

/** df's Use%: used / (used + available). */
async function dfUsePercent(dir: string): Promise<number> {
  const s = await statfs(dir);
  return (100 * (s.blocks - s.bfree)) / (s.blocks - s.bfree + s.bavail);
}

describe('disk fill', () => {
  const work = mkdtempSync(join(tmpdir(), 'fl-fill-'));
  const image = join(work, 'ext4.img');
  const mount = join(work, 'mnt');
  before(async () => {
    mkdirSync(mount);
    await runOk('truncate', ['-s', '24M', image]);
    // A fifth of the blocks reserved for root, as ext4 does (5% by default).
    await runOk('mkfs.ext4', ['-q', '-m', '20', image]);
    await runOk('mount', ['-o', 'loop', image, mount]);
  });
  after(async () => {
    await run('umount', [mount]);
    rmSync(work, { recursive: true, force: true });
  });

  it('plans by df\'s Use%: used / (used + available)', () => {
    // 1000 blocks of 1 KiB: 100 used, 200 reserved for root, 700 available.
    const plan = fillFor({ bsize: 1024, blocks: 1000, bfree: 900, bavail: 700 }, 50);
    assert.equal(plan.usableBytes, 800 * 1024);
    // 50% of 800 blocks is 400: 300 more, less one block of headroom.
    assert.equal(plan.fillBytes, 299 * 1024);
    assert.equal(fillFor({ bsize: 1024, blocks: 1000, bfree: 900, bavail: 700 }, 10).fillBytes, 0, 'already fuller than asked');
  });

  it('fills a filesystem with reserved blocks to the Use% df shows, not beyond', async () => {
    const fill = await fillDisk(mount, 60, fillFileName('fill-test', 'f1'), Date.now() + 30_000, new AbortController().signal);
    try {
      const use = await dfUsePercent(mount);
      assert.ok(use > 55 && use <= 60, `df Use% ${use.toFixed(2)}`);
    } finally {
      await fill.remove();
    }
    assert.deepEqual(readdirSync(mount).filter((n) => n.startsWith('.faultline-fill-')), []);
  });

  it('says so when the path is a file or missing, and leaves no watchdog behind', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const signal = new AbortController().signal;
    await assert.rejects(fillDisk(file, 50, fillFileName('fill-test', 'f2'), Date.now() + 30_000, signal), /^FaultlineError: fault\.path: .*a-file is not a directory \(the fill file is created in it\)$/);
    await assert.rejects(fillDisk(join(work, 'nowhere'), 50, fillFileName('fill-test', 'f3'), Date.now() + 30_000, signal), /fault\.path: .*nowhere does not exist/);
    assert.deepEqual(await matchCmdline(/fill-watchdog\.mjs .*fill-test/), []);
  });

  it('names the path when the fill file cannot be created, and stops its watchdog', async () => {
    const readOnly = join(work, 'ro');
    mkdirSync(readOnly);
    await runOk('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', readOnly]);
    try {
      await assert.rejects(
        fillDisk(readOnly, 50, fillFileName('fill-test', 'f4'), Date.now() + 30_000, new AbortController().signal),
        /^FaultlineError: fault\.path: cannot create the fill file in .*ro: EROFS/,
      );
      assert.deepEqual(await matchCmdline(/fill-watchdog\.mjs .*fill-test/), []);
    } finally {
      await run('umount', [readOnly]);
    }
  });
});
