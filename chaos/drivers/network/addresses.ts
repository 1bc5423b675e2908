import { isIPv4, isIPv6 } from 'node:net';

// Peer addresses of a network partition: an IPv4 or IPv6 address, or a CIDR
// of either. Checked here, when the spec is read, so a typo is named by its
// YAML key rather than surfacing as an iptables error mid-apply.

export type IpFamily = 4 | 6;

/** The family of a peer, or a message saying what is wrong with it. */
export function checkPeer(value: string): { family: IpFamily } | { error: string } {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const prefix = slash < 0 ? undefined : value.slice(slash + 1);
  let family: IpFamily;
  if (isIPv4(address)) family = 4;
  else if (isIPv6(address) && !address.includes('%')) family = 6;
  else return { error: `expected an IPv4 or IPv6 address or CIDR, got "${value}"` };
  if (family === 6 && /^::ffff:\d/i.test(address)) {
    return { error: `"${value}" is an IPv4-mapped IPv6 address: write the IPv4 address instead` };
  }
  if (prefix !== undefined) {
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      return { error: `"${value}": the prefix length of an IPv${family} CIDR is 0 to ${max}` };
    }
  }
  return { family };
}

/** The family of a peer already checked by checkPeer. */
export function peerFamily(peer: string): IpFamily {
  const checked = checkPeer(peer);
  if ('error' in checked) throw new Error(checked.error);
  return checked.family;
}
