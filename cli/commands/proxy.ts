import { Command } from 'commander';
import { parseHostPort } from '../../chaos/cli-args.ts';
import { controlApp, startControlServer } from '../../chaos/proxy/control-api.ts';
import { DEFAULT_MAX_LEASE_MS } from '../../chaos/leases/lease.ts';
import { startFaultProxy } from '../../chaos/proxy/fault-proxy.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';

export function proxyCommand(): Command {
  return new Command('proxy')
    .description('run a standalone fault proxy in front of one service instance, with an HTTP control API for faults')
    .requiredOption('--listen <addr>', 'where to accept connections: :9001 (or 9001) listens on all IPv4 interfaces (0.0.0.0), as in Toxiproxy and Go; 127.0.0.1:9001 on loopback only; [::]:9001 on IPv6 too')
    .requiredOption('--upstream <addr>', 'the service instance, host:port')
    .requiredOption('--name <name>', 'proxy name used as fault target, e.g. payments-1')
    .option('--control-port <port>', 'control API port (0 = free port)', '0')
    .option('--control-host <host>', 'control API address; anything but loopback needs --control-token', '127.0.0.1')
    .option('--control-token <token>', 'require Authorization: Bearer TOKEN on the control API; env FAULTLINE_PROXY_TOKEN')
    .option('--max-lease-ms <ms>', 'longest lease a fault may ask for, as the agent\'s maxLeaseMs', String(DEFAULT_MAX_LEASE_MS))
    .option('--log-level <level>', 'log level', 'info')
    .action(async (opts: Record<string, string>) => {
      const logger = createLogger({ level: opts.logLevel, name: 'faultline-proxy' });
      // `:PORT` means every interface, as in Toxiproxy and Go's net.Listen.
      const listen = parseHostPort(opts.listen, '--listen', '0.0.0.0');
      const maxLeaseMs = Number(opts.maxLeaseMs);
      if (!Number.isInteger(maxLeaseMs) || maxLeaseMs < 1 || maxLeaseMs > 2 ** 31 - 1) {
        throw new FaultlineError(ErrorCode.InvalidConfig, `--max-lease-ms: expected a whole number of milliseconds from 1 to ${2 ** 31 - 1}, got "${opts.maxLeaseMs}"`);
      }
      const upstream = parseHostPort(opts.upstream, '--upstream');
      const control = parseHostPort(`${opts.controlHost.includes(':') ? `[${opts.controlHost}]` : opts.controlHost}:${opts.controlPort}`, '--control-port');
      const token = opts.controlToken ?? process.env.FAULTLINE_PROXY_TOKEN;
      if (!token && !isLoopback(control.host)) {
        throw new FaultlineError(ErrorCode.InvalidConfig, `--control-host ${control.host} is reachable from other machines: set --control-token (or FAULTLINE_PROXY_TOKEN) too`);
      }
      const proxy = await startFaultProxy({
        name: opts.name, listenHost: listen.host, listenPort: listen.port, upstreamHost: upstream.host, upstreamPort: upstream.port, logger,
      });
      const server = await startControlServer(controlApp(proxy, logger, token, maxLeaseMs), control.host, control.port);
      // `proxy`, not `name`: the logger already writes its own name there.
      logger.info({ proxy: proxy.name, listen: `${proxy.host}:${proxy.port}`, control: `http://${control.host}:${server.port}`, token: Boolean(token), maxLeaseMs }, 'faultline proxy ready');
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping: reverting every fault');
        void (async () => {
          await server.close();
          await proxy.close();
          process.exit(0);
        })();
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
