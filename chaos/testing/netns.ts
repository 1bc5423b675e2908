import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { run, runOk } from '../drivers/exec.ts';

// Two network namespaces of the test's own, joined by a veth pair with a
// private /30 that exists only inside them. Nothing touches the host's
// interfaces; destroy() deletes both namespaces (and so the veth pair).

export interface NetnsPair {
  a: string;
  b: string;
  addrA: string;
  addrB: string;
  /** Starts a TCP server in b on addrB:port that answers "pong". */
  serve(port: number): Promise<ChildProcess>;
  /** Connects from a to addrB:port: 'ok', 'timeout' or an error code. */
  probe(port: number, timeoutMs?: number): Promise<string>;
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
  const children: ChildProcess[] = [];
  const destroy = async () => {
    for (const child of children) child.kill('SIGKILL');
    await run('ip', ['netns', 'del', a]);
    await run('ip', ['netns', 'del', b]);
  };
  try {
    await runOk('ip', ['netns', 'add', a]);
    await runOk('ip', ['netns', 'add', b]);
    await runOk('ip', ['link', 'add', ifA, 'netns', a, 'type', 'veth', 'peer', 'name', ifB, 'netns', b]);
    for (const [ns, dev, addr] of [[a, ifA, addrA], [b, ifB, addrB]]) {
      await runOk('ip', ['-n', ns, 'addr', 'add', `${addr}/30`, 'dev', dev]);
      await runOk('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    a, b, addrA, addrB, destroy,
    async serve(port) {
      const code = `require('net').createServer((s) => s.end('pong')).listen(${port}, '${addrB}', () => console.log('listening'))`;
      const child = spawn('ip', ['netns', 'exec', b, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (c) => reject(new Error(`test server in ${b} exited with ${c}`)));
      });
      return child;
    },
    async probe(port, timeoutMs = 600) {
      const code = `const s = require('net').connect(${port}, '${addrB}');` +
        `s.setTimeout(${timeoutMs}, () => { console.log('timeout'); process.exit(0); });` +
        `s.on('data', () => { console.log('ok'); process.exit(0); });` +
        `s.on('error', (e) => { console.log(e.code); process.exit(0); });`;
      return (await runOk('ip', ['netns', 'exec', a, process.execPath, '-e', code])).trim();
    },
  };
}
