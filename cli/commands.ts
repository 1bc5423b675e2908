import type { Command } from 'commander';
import { chaosCommand } from './commands/chaos.ts';
import { dashboardsCommand } from './commands/dashboards.ts';
import { demoCommand } from './commands/demo.ts';
import { scenarioCommand } from './commands/scenario.ts';
import { sloCommand } from './commands/slo.ts';
import { upCommand } from './commands/up.ts';
import { agentCommand } from './commands/agent.ts';
import { proxyCommand } from './commands/proxy.ts';
import { detectCommand } from './commands/detect.ts';

// Every `faultline` subcommand, in the order `--help` lists them.
export const commandFactories: Array<() => Command> = [upCommand, dashboardsCommand, scenarioCommand, demoCommand, proxyCommand, agentCommand, sloCommand, chaosCommand, detectCommand];
