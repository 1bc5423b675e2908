import { errorMessage } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { deleteRulesTagged, listNetns } from '../drivers/network/iptables.ts';
import { matchCmdline } from '../drivers/process/resolve.ts';
import { removeFillLeftovers } from '../drivers/stress/disk-fill.ts';
import type { FaultProxyHandle } from '../faults/fault.ts';
import type { Journal } from './journal.ts';

// What a restarted agent removes before it does anything else: everything
// tagged with its name that an earlier run of it left behind.

export interface LeftoverReport {
  iptablesRules: number;
  fillFiles: string[];
  proxyFaults: number;
  /** Proxies that could not be asked (their faults end with their leases, held by the proxy). */
  unreachableProxies: string[];
  processes: number[];
}

export async function removeLeftovers(
  owner: string, journal: Journal, proxies: Iterable<FaultProxyHandle>, logger: Logger,
): Promise<LeftoverReport> {
  const report: LeftoverReport = { iptablesRules: 0, fillFiles: [], proxyFaults: 0, unreachableProxies: [], processes: [] };
  const prefix = `faultline:${owner}/`;
  for (const netns of [undefined, ...(await listNetns())]) {
    try {
      report.iptablesRules += await deleteRulesTagged(netns, (tag) => tag.startsWith(prefix));
    } catch (err) {
      // A namespace can vanish while we look at it; it then holds no rules either.
      logger.debug({ err, netns }, 'could not scan a namespace for leftover rules');
    }
  }
  const dirs = new Set(journal.list().flatMap((e) => (e.fillDir ? [e.fillDir] : [])));
  for (const dir of dirs) report.fillFiles.push(...(await removeFillLeftovers(dir, owner)));
  for (const proxy of proxies) {
    try {
      report.proxyFaults += await proxy.removeFaultsOwnedBy(owner);
    } catch (err) {
      // One proxy that is down must not keep the agent from serving the
      // others: what an earlier run left there ends with its lease, which
      // the proxy holds itself.
      report.unreachableProxies.push(proxy.name);
      logger.warn({ err: errorMessage(err), proxy: proxy.name },
        'start-up clean-up: could not remove the faults an earlier run of this agent left on this proxy; they end with their leases there');
    }
  }
  // Burners end when their agent dies; a quick restart may still see one.
  const escaped = owner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const pid of await matchCmdline(new RegExp(`cpu-burner\\.mjs .* ${escaped}/|fill-watchdog\\.mjs .*\\.faultline-fill-${escaped}-`))) {
    try {
      process.kill(pid, 'SIGTERM');
      report.processes.push(pid);
    } catch {
      // already gone
    }
  }
  journal.clear();
  const found = report.iptablesRules + report.fillFiles.length + report.proxyFaults + report.processes.length;
  if (found > 0) logger.warn({ ...report }, 'removed leftovers of an earlier run of this agent');
  return report;
}
