import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, stop } from 'esbuild';
import { errorMessage } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';

const serviceMain = fileURLToPath(new URL('../service/main.ts', import.meta.url));
// Inside the repository, so the bundle's package imports resolve from its node_modules.
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/faultline/', import.meta.url));

export interface ServiceEntry {
  /** Arguments after `node` that start one instance. */
  args: string[];
  /** Deletes what was built for this runner. */
  remove(): void;
}

/**
 * How instances are started. The service's own TypeScript is bundled once
 * per runner into one ES module (packages stay imports), so each instance is
 * a plain `node` process: about 30% less memory and no transpiler process
 * per instance than running it through tsx. If bundling fails (for example a
 * read-only node_modules), instances run through tsx.
 */
export async function prepareServiceEntry(logger: Logger): Promise<ServiceEntry> {
  const outfile = `${cacheDir}service-main-${process.pid}-${randomUUID().slice(0, 8)}.mjs`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    removeLeftovers();
    await build({
      entryPoints: [serviceMain], outfile, bundle: true, packages: 'external',
      platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent',
    });
    return { args: [outfile], remove: () => rmSync(outfile, { force: true }) };
  } catch (err) {
    logger.warn({ err: errorMessage(err) }, 'cannot bundle the scenario service; instances run through tsx');
    return { args: ['--import', import.meta.resolve('tsx'), serviceMain], remove: () => {} };
  } finally {
    // esbuild keeps a service process for later builds; there will be none.
    await stop().catch(() => {});
  }
}

/** Bundles of runners that were killed before they could remove theirs. */
function removeLeftovers(): void {
  for (const name of readdirSync(cacheDir)) {
    const pid = Number(/^service-main-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(`${cacheDir}${name}`, { force: true });
    }
  }
}
