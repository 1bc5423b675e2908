import { Command } from 'commander';
import { createAgent } from '../../chaos/agent/agent.ts';
import { collect, parseLabelArg, parseProxyArg, parseRemoteProxyArg } from '../../chaos/cli-args.ts';
import { startFaultProxy, type FaultProxy } from '../../chaos/proxy/fault-proxy.ts';
import { RemoteProxy } from '../../chaos/proxy/remote-proxy.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';

export function agentCommand(): Command {
  return new Command('agent')
    .description('run the chaos agent of this host: applies, renews and reverts faults sent through Redis, each on a lease')
    .requiredOption('--name <name>', 'agent name; its queue is faultline-agent-<name>')
    .option('--redis-url <url>', 'Redis (env REDIS_URL)')
    .option('--proxy <[service/]name=listen=upstream>', 'run a fault proxy in the agent in front of one instance, e.g. payments-1=:9001=127.0.0.1:8081 (:9001 listens on every IPv4 interface, 127.0.0.1:9001 on loopback only) or payments/pay-a=:9001=127.0.0.1:8081; experiments target it as an instance of the service (default: the name minus a trailing -N) (repeatable)', collect, [])
    .option('--remote-proxy <[service/]name=url>', 'drive a standalone `faultline proxy` through its control API (repeatable)', collect, [])
    .option('--label <key=value>', 'a label of this host, advertised with every instance for experiments\' targets.labels (repeatable)', collect, [])
    .option('--remote-proxy-token <token>', 'bearer token for the remote proxies; env FAULTLINE_PROXY_TOKEN')
    .option('--state-dir <dir>', 'where the agent notes applied faults (default ./data/agent)')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (opts: { name: string; redisUrl?: string; proxy: string[]; remoteProxy: string[]; label: string[]; remoteProxyToken?: string; stateDir?: string; logLevel: string }) => {
      const redisUrl = opts.redisUrl ?? process.env.REDIS_URL;
      if (!redisUrl) throw new FaultlineError(ErrorCode.InvalidConfig, 'the agent needs Redis: set REDIS_URL or --redis-url');
      const logger = createLogger({ level: opts.logLevel, name: 'faultline-agent' });
      const labels = Object.fromEntries(opts.label.map(parseLabelArg));
      const services: Record<string, string> = {};
      // Parsed before any proxy starts, so a bad argument leaves nothing listening.
      const proxyArgs = opts.proxy.map(parseProxyArg);
      const remoteArgs = opts.remoteProxy.map(parseRemoteProxyArg);
      for (const p of [...proxyArgs, ...remoteArgs]) if (p.service) services[p.name] = p.service;
      const local: FaultProxy[] = [];
      for (const p of proxyArgs) {
        local.push(await startFaultProxy({ name: p.name, listenHost: p.listen.host, listenPort: p.listen.port, upstreamHost: p.upstream.host, upstreamPort: p.upstream.port, logger }));
      }
      const token = opts.remoteProxyToken ?? process.env.FAULTLINE_PROXY_TOKEN;
      const remote = remoteArgs.map((r) => new RemoteProxy(r.name, r.url, token));
      const agent = await createAgent({
        name: opts.name, redisUrl, logger, proxies: [...local, ...remote], services, labels,
        config: opts.stateDir ? { stateDir: opts.stateDir } : undefined,
      });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping: reverting every fault');
        void (async () => {
          await agent.stop();
          for (const p of local) await p.close();
          process.exit(0);
        })();
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
