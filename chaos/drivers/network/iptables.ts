import { run, runOk } from '../exec.ts';

// Partitions as iptables rules in Faultline's own chains, optionally inside
// a network namespace (`ip netns exec NS iptables ...`). Inbound rules live
// in FAULTLINE-IN (jumped to from INPUT), outbound in FAULTLINE-OUT (from
// OUTPUT). Every rule carries the comment `faultline:<owner>/<faultId>`, so a
// restarted agent finds and deletes what it owns, and an `-m time --datestop`
// at the lease's end, so the kernel itself stops applying a rule whose owner
// died without removing it.

export const CHAIN_IN = 'FAULTLINE-IN';
export const CHAIN_OUT = 'FAULTLINE-OUT';
const TAG_PREFIX = 'faultline:';

export interface PartitionRule {
  way: 'in' | 'out';
  /** IPv4 address or CIDR; undefined = everyone (loopback excepted). */
  peer?: string;
  mode: 'blackhole' | 'reset';
}

export function ruleTag(owner: string, faultId: string): string {
  return `${TAG_PREFIX}${owner}/${faultId}`;
}

function iptables(netns: string | undefined, args: string[]): [string, string[]] {
  const full = ['-w', '5', ...args];
  return netns ? ['ip', ['netns', 'exec', netns, 'iptables', ...full]] : ['iptables', full];
}

async function ipt(netns: string | undefined, args: string[]): Promise<string> {
  const [cmd, argv] = iptables(netns, args);
  return runOk(cmd, argv);
}

async function iptTry(netns: string | undefined, args: string[]): Promise<boolean> {
  const [cmd, argv] = iptables(netns, args);
  return (await run(cmd, argv)).code === 0;
}

/** Creates the chains and their jumps if missing. Safe to call repeatedly. */
export async function ensureChains(netns?: string): Promise<void> {
  for (const [chain, from] of [[CHAIN_IN, 'INPUT'], [CHAIN_OUT, 'OUTPUT']] as const) {
    if (!(await iptTry(netns, ['-S', chain]))) await iptTry(netns, ['-N', chain]);
    if (!(await iptTry(netns, ['-C', from, '-j', chain]))) await ipt(netns, ['-I', from, '1', '-j', chain]);
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

/** The iptables arguments (after -A/-I CHAIN) for one rule. */
export function ruleArgs(rule: PartitionRule, tag: string, expiresAtMs: number): string[][] {
  const match = rule.way === 'in'
    ? [...(rule.peer ? ['-s', rule.peer] : []), '!', '-i', 'lo']
    : [...(rule.peer ? ['-d', rule.peer] : []), '!', '-o', 'lo'];
  const common = [...match, '-m', 'time', '--datestop', datestop(expiresAtMs), '-m', 'comment', '--comment', tag];
  if (rule.mode === 'blackhole') return [[...common, '-j', 'DROP']];
  return [
    ['-p', 'tcp', ...common, '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    [...common, '-j', 'REJECT'],
  ];
}

function chainOf(rule: PartitionRule): string {
  return rule.way === 'in' ? CHAIN_IN : CHAIN_OUT;
}

/** Adds the rules; on failure removes the ones already added and rethrows. */
export async function addRules(netns: string | undefined, rules: PartitionRule[], tag: string, expiresAtMs: number): Promise<void> {
  await ensureChains(netns);
  try {
    for (const rule of rules) {
      for (const args of ruleArgs(rule, tag, expiresAtMs)) await ipt(netns, ['-A', chainOf(rule), ...args]);
    }
  } catch (err) {
    await deleteRulesTagged(netns, (t) => t === tag);
    throw err;
  }
}

/** Lists our rules as `-A CHAIN ...` lines with their tag. */
export async function listRules(netns?: string): Promise<Array<{ chain: string; spec: string; tag: string }>> {
  const out: Array<{ chain: string; spec: string; tag: string }> = [];
  for (const chain of [CHAIN_IN, CHAIN_OUT]) {
    const [cmd, argv] = iptables(netns, ['-S', chain]);
    const result = await run(cmd, argv);
    if (result.code !== 0) continue;
    for (const line of result.stdout.split('\n')) {
      const tag = /--comment "?(faultline:[^" ]+)"?/.exec(line)?.[1];
      if (line.startsWith('-A ') && tag) out.push({ chain, spec: line, tag });
    }
  }
  return out;
}

/** Deletes every rule whose tag passes `match`; returns how many. */
export async function deleteRulesTagged(netns: string | undefined, match: (tag: string) => boolean): Promise<number> {
  let deleted = 0;
  for (const rule of await listRules(netns)) {
    if (!match(rule.tag)) continue;
    // `iptables -S` prints a rule as it was added; -D takes the same words.
    const words = splitRule(rule.spec);
    words[0] = '-D';
    if (await iptTry(netns, words)) deleted += 1;
  }
  return deleted;
}

/** Re-adds a fault's rules with a later time limit, then drops the old ones. */
export async function extendRules(netns: string | undefined, rules: PartitionRule[], tag: string, expiresAtMs: number): Promise<void> {
  const stop = datestop(expiresAtMs);
  const current = (await listRules(netns)).filter((r) => r.tag === tag);
  if (current.length > 0 && current.every((r) => r.spec.includes(`--datestop ${stop}`))) return;
  for (const rule of rules) {
    for (const args of ruleArgs(rule, tag, expiresAtMs)) await ipt(netns, ['-I', chainOf(rule), '1', ...args]);
  }
  for (const old of current) {
    const words = splitRule(old.spec);
    words[0] = '-D';
    await iptTry(netns, words);
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
