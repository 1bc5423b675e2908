import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { run, runOk } from '../drivers/exec.ts';

// Two network namespaces of the test's own, joined by a veth pair with a
// private IPv4 /30 and an IPv6 ULA /64 that exist only inside them. Nothing
// touches the host's interfaces; destroy() deletes both namespaces (and so
// the veth pair).

export interface NetnsPair {
  a: string;
  b: string;
  addrA: string;
  addrB: string;
  addr6A: string;
  addr6B: string;
  /**
   * Starts TCP servers that answer "pong" and UDP servers that echo, in b on
   * addrB:port and [addr6B]:port; resolves once a reaches both.
   */
  serve(port: number): Promise<ChildProcess>;
  /**
   * Reaches b's server on `port` from a, over IPv4 (default) or IPv6, TCP
   * (default: connect and read) or UDP (send and wait for the echo):
   * 'ok', 'timeout' or an error code (ECONNREFUSED for a TCP RST or an
   * ICMP port-unreachable).
   */
  probe(port: number, timeoutMs?: number, options?: { family?: 4 | 6; protocol?: 'tcp' | 'udp' }): Promise<string>;
  destroy(): Promise<void>;
}

export async function createNetnsPair(): Promise<NetnsPair> {
  const id = randomBytes(3).toString('hex');
  const a = `fl-test-${id}-a`;
  const b = `fl-test-${id}-b`;
  const ifA = `fl${id}a`;
  const ifB = `fl${id}b`;
  const [x, y, z] = [...randomBytes(3)];
  const base = `10.${x}.${y}.`;
  const host = z & 0xfc;
  const addrA = `${base}${host + 1}`;
  const addrB = `${base}${host + 2}`;
  // A ULA prefix of our own; nodad: the addresses work at once, no duplicate detection to wait for.
  const prefix6 = `fd${randomBytes(1).toString('hex')}:${randomBytes(2).toString('hex')}:${id.slice(0, 4)}::`;
  const addr6A = `${prefix6}1`;
  const addr6B = `${prefix6}2`;
  const children: ChildProcess[] = [];
  const destroy = async () => {
    for (const child of children) child.kill('SIGKILL');
    await run('ip', ['netns', 'del', a]);
    await run('ip', ['netns', 'del', b]);
  };
  try {
    for (const ns of [a, b]) {
      await runOk('ip', ['netns', 'add', ns]);
      // No duplicate address detection on the veth to come (link-local
      // included): IPv6 works at once instead of a second or so later.
      await runOk('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0']);
    }
    await runOk('ip', ['link', 'add', ifA, 'netns', a, 'type', 'veth', 'peer', 'name', ifB, 'netns', b]);
    for (const [ns, dev, addr, addr6] of [[a, ifA, addrA, addr6A], [b, ifB, addrB, addr6B]]) {
      await runOk('ip', ['-n', ns, 'addr', 'add', `${addr}/30`, 'dev', dev]);
      await runOk('ip', ['-n', ns, 'addr', 'add', `${addr6}/64`, 'dev', dev, 'nodad']);
      await runOk('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  const pair: NetnsPair = {
    a, b, addrA, addrB, addr6A, addr6B, destroy,
    async serve(port) {
      const code = `const net = require('net'), dgram = require('dgram'); let n = 0;` +
        `for (const [host, type] of [['${addrB}', 'udp4'], ['${addr6B}', 'udp6']]) {` +
        `  net.createServer((s) => s.end('pong')).listen(${port}, host, () => { if (++n === 4) console.log('listening'); });` +
        `  const u = dgram.createSocket(type); u.on('message', (m, r) => u.send(m, r.port, r.address));` +
        `  u.bind(${port}, host, () => { if (++n === 4) console.log('listening'); });` +
        `}`;
      const child = spawn('ip', ['netns', 'exec', b, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (c) => reject(new Error(`test server in ${b} exited with ${c}`)));
      });
      // The first IPv6 connection can wait a neighbour-discovery retransmit
      // (a second): get that over with before the test times anything.
      for (const family of [4, 6] as const) {
        let result = '';
        for (let attempt = 0; attempt < 5 && result !== 'ok'; attempt++) result = await pair.probe(port, 2000, { family });
        if (result !== 'ok') throw new Error(`the test server in ${b} cannot be reached over IPv${family}: ${result}`);
      }
      return child;
    },
    async probe(port, timeoutMs = 600, options = {}) {
      const to = options.family === 6 ? addr6B : addrB;
      const code = options.protocol === 'udp'
        ? `const s = require('dgram').createSocket('${options.family === 6 ? 'udp6' : 'udp4'}');` +
          `setTimeout(() => { console.log('timeout'); process.exit(0); }, ${timeoutMs});` +
          `s.on('message', () => { console.log('ok'); process.exit(0); });` +
          `s.on('error', (e) => { console.log(e.code); process.exit(0); });` +
          // A second datagram: the error of the first (ICMP) is reported on a later call.
          `s.connect(${port}, '${to}', () => { s.send('ping'); setTimeout(() => s.send('ping'), 50); });`
        : `const s = require('net').connect(${port}, '${to}');` +
          `s.setTimeout(${timeoutMs}, () => { console.log('timeout'); process.exit(0); });` +
          `s.on('data', () => { console.log('ok'); process.exit(0); });` +
          `s.on('error', (e) => { console.log(e.code); process.exit(0); });`;
      return (await runOk('ip', ['netns', 'exec', a, process.execPath, '-e', code])).trim();
    },
  };
  return pair;
}
