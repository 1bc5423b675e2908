import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ErrorCode, FaultlineError } from '../../../platform/errors.ts';
import { run, runOk } from '../exec.ts';
import { peerFamily, type IpFamily } from './addresses.ts';

// Partitions as iptables (IPv4) and ip6tables (IPv6) rules in Faultline's
// own chains, optionally inside a network namespace (`ip netns exec NS
// iptables ...`). Inbound rules live in FAULTLINE-IN (jumped to from INPUT),
// outbound in FAULTLINE-OUT (from OUTPUT), in both families. Every rule
// carries the comment `faultline:<owner>/<faultId>`, so a restarted agent
// finds and deletes what it owns, and an `-m time --datestop` at the lease's
// end, so the kernel itself stops applying a rule whose owner died without
// removing it.

export const CHAIN_IN = 'FAULTLINE-IN';
export const CHAIN_OUT = 'FAULTLINE-OUT';
const TAG_PREFIX = 'faultline:';
const FAMILIES: readonly IpFamily[] = [4, 6];

export interface PartitionRule {
  way: 'in' | 'out';
  /** IPv4 or IPv6 address or CIDR; undefined = everyone (loopback excepted), in both families. */
  peer?: string;
  mode: 'blackhole' | 'reset';
}

export interface ListedRule {
  family: IpFamily;
  chain: string;
  /** The rule as `iptables -S` prints it (`-A CHAIN ...`). */
  spec: string;
  tag: string;
}

export function ruleTag(owner: string, faultId: string): string {
  return `${TAG_PREFIX}${owner}/${faultId}`;
}

function tool(family: IpFamily): string {
  return family === 4 ? 'iptables' : 'ip6tables';
}

function command(netns: string | undefined, family: IpFamily, args: string[]): [string, string[]] {
  const full = ['-w', '5', ...args];
  return netns ? ['ip', ['netns', 'exec', netns, tool(family), ...full]] : [tool(family), full];
}

async function ipt(netns: string | undefined, family: IpFamily, args: string[]): Promise<string> {
  const [cmd, argv] = command(netns, family, args);
  return runOk(cmd, argv);
}

async function iptTry(netns: string | undefined, family: IpFamily, args: string[]): Promise<boolean> {
  const [cmd, argv] = command(netns, family, args);
  return (await run(cmd, argv)).code === 0;
}

/** Is `name` an executable on PATH? (`ip netns exec` looks it up the same way.) */
function onPath(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Creates the chains and their jumps if missing. Safe to call repeatedly. */
export async function ensureChains(netns: string | undefined, family: IpFamily = 4): Promise<void> {
  for (const [chain, from] of [[CHAIN_IN, 'INPUT'], [CHAIN_OUT, 'OUTPUT']] as const) {
    if (!(await iptTry(netns, family, ['-S', chain]))) await iptTry(netns, family, ['-N', chain]);
    if (!(await iptTry(netns, family, ['-C', from, '-j', chain]))) await ipt(netns, family, ['-I', from, '1', '-j', chain]);
  }
}

/**
 * UTC time as iptables' time match wants it. The kernel matches while the
 * current whole second is <= datestop (xt_time compares seconds), so the rule
 * stays in effect through that entire second: rounding down makes it end
 * within one second after the lease, never before it.
 */
export function datestop(expiresAtMs: number): string {
  return new Date(Math.floor(expiresAtMs / 1000) * 1000).toISOString().slice(0, 19);
}

/** The families a set of rules needs: a rule without a peer cuts both. */
export function familiesOf(rules: PartitionRule[]): IpFamily[] {
  return FAMILIES.filter((family) => rules.some((r) => r.peer === undefined || peerFamily(r.peer) === family));
}

function rulesOf(rules: PartitionRule[], family: IpFamily): PartitionRule[] {
  return rules.filter((r) => r.peer === undefined || peerFamily(r.peer) === family);
}

/**
 * The iptables arguments (after -A/-I CHAIN) for one rule, in order. Ahead
 * of the cut come RETURNs for what must still pass: in IPv6, neighbour
 * discovery (IPv4's ARP is not IP, so iptables never sees it either); in
 * mode reset, outbound, the answers the inbound REJECT generates (a TCP RST,
 * an ICMP port-unreachable): they leave through OUTPUT, and the outbound
 * REJECT would drop them, turning the reset into a blackhole.
 */
export function ruleArgs(rule: PartitionRule, tag: string, expiresAtMs: number, family: IpFamily = 4): string[][] {
  const match = rule.way === 'in'
    ? [...(rule.peer ? ['-s', rule.peer] : []), '!', '-i', 'lo']
    : [...(rule.peer ? ['-d', rule.peer] : []), '!', '-o', 'lo'];
  const common = [...match, '-m', 'time', '--datestop', datestop(expiresAtMs), '-m', 'comment', '--comment', tag];
  const icmp = family === 4 ? ['-p', 'icmp', '--icmp-type'] : ['-p', 'ipv6-icmp', '--icmpv6-type'];
  const passes: string[][] = [];
  if (family === 6) passes.push([...icmp, 'neighbour-solicitation'], [...icmp, 'neighbour-advertisement']);
  if (rule.mode === 'reset' && rule.way === 'out') passes.push(['-p', 'tcp', '--tcp-flags', 'RST', 'RST'], [...icmp, 'port-unreachable']);
  const exempt = passes.map((p) => [...p, ...common, '-j', 'RETURN']);
  if (rule.mode === 'blackhole') return [...exempt, [...common, '-j', 'DROP']];
  return [
    ...exempt,
    ['-p', 'tcp', ...common, '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    [...common, '-j', 'REJECT'],
  ];
}

function chainOf(rule: PartitionRule): string {
  return rule.way === 'in' ? CHAIN_IN : CHAIN_OUT;
}

/** Refuses to cut only IPv4 when the fault asks for IPv6 too and ip6tables is missing. */
function requireTools(rules: PartitionRule[]): void {
  if (!familiesOf(rules).includes(6) || onPath('ip6tables')) return;
  const v6peer = rules.find((r) => r.peer !== undefined && peerFamily(r.peer) === 6)?.peer;
  const why = v6peer ? `peer ${v6peer} is IPv6` : 'a partition without peers cuts IPv6 as well as IPv4';
  throw new FaultlineError(
    ErrorCode.MissingDependency,
    `ip6tables was not found on PATH (${why}); not applied rather than cutting IPv4 only (Debian/Ubuntu: apt-get install iptables)`,
  );
}

/** Adds the rules, in both families as needed; on failure removes the ones already added and rethrows. */
export async function addRules(netns: string | undefined, rules: PartitionRule[], tag: string, expiresAtMs: number): Promise<void> {
  requireTools(rules);
  try {
    for (const family of familiesOf(rules)) {
      await ensureChains(netns, family);
      for (const rule of rulesOf(rules, family)) {
        for (const args of ruleArgs(rule, tag, expiresAtMs, family)) await ipt(netns, family, ['-A', chainOf(rule), ...args]);
      }
    }
  } catch (err) {
    await deleteRulesTagged(netns, (t) => t === tag).catch(() => undefined);
    throw err;
  }
}

/** Lists our rules in both families (IPv6 only where ip6tables is installed). */
export async function listRules(netns?: string): Promise<ListedRule[]> {
  const out: ListedRule[] = [];
  for (const family of FAMILIES) {
    if (family === 6 && !onPath('ip6tables')) continue;
    for (const chain of [CHAIN_IN, CHAIN_OUT]) {
      const [cmd, argv] = command(netns, family, ['-S', chain]);
      const result = await run(cmd, argv);
      if (result.code !== 0) continue;
      for (const line of result.stdout.split('\n')) {
        const tag = /--comment "?(faultline:[^" ]+)"?/.exec(line)?.[1];
        if (line.startsWith('-A ') && tag) out.push({ family, chain, spec: line, tag });
      }
    }
  }
  return out;
}

/** Deletes every rule (either family) whose tag passes `match`; returns how many. */
export async function deleteRulesTagged(netns: string | undefined, match: (tag: string) => boolean): Promise<number> {
  let deleted = 0;
  for (const rule of await listRules(netns)) {
    if (!match(rule.tag)) continue;
    if (await iptTry(netns, rule.family, deleteWords(rule))) deleted += 1;
  }
  return deleted;
}

/** `iptables -S` prints a rule as it was added; -D takes the same words. */
function deleteWords(rule: ListedRule): string[] {
  const words = splitRule(rule.spec);
  words[0] = '-D';
  return words;
}

/**
 * Re-adds a fault's rules with a later time limit (at the top of the chains,
 * in their order), then drops the old ones. Rejects when a rule cannot be
 * added, so the renewal that asked for it fails.
 */
export async function extendRules(netns: string | undefined, rules: PartitionRule[], tag: string, expiresAtMs: number): Promise<void> {
  const stop = datestop(expiresAtMs);
  const listed = (await listRules(netns)).filter((r) => r.tag === tag);
  for (const family of familiesOf(rules)) {
    const current = listed.filter((r) => r.family === family);
    if (current.length > 0 && current.every((r) => r.spec.includes(`--datestop ${stop}`))) continue;
    const position = new Map<string, number>();
    for (const rule of rulesOf(rules, family)) {
      const chain = chainOf(rule);
      for (const args of ruleArgs(rule, tag, expiresAtMs, family)) {
        const at = (position.get(chain) ?? 0) + 1;
        position.set(chain, at);
        await ipt(netns, family, ['-I', chain, String(at), ...args]);
      }
    }
    for (const old of current) await iptTry(netns, family, deleteWords(old));
  }
}

/** Splits an `iptables -S` line into words, honouring double quotes. */
export function splitRule(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return words;
}

/** Network namespaces on this host (`ip netns list`). */
export async function listNetns(): Promise<string[]> {
  const result = await run('ip', ['netns', 'list']);
  if (result.code !== 0) return [];
  return result.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((n) => n);
}
