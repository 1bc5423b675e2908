import { mkdtempSync, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOk } from '../drivers/exec.ts';

// A small tmpfs of the test's own for disk-fill, unmounted afterwards.

export interface Tmpfs {
  dir: string;
  usedPercent(): Promise<number>;
  destroy(): Promise<void>;
}

export async function mountTmpfs(sizeMiB = 16): Promise<Tmpfs> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-tmpfs-'));
  await runOk('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir]);
  return {
    dir,
    async usedPercent() {
      const s = await statfs(dir);
      return (100 * (s.blocks - s.bfree)) / s.blocks;
    },
    async destroy() {
      await run('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
