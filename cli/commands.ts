import type { Command } from 'commander';
import { dashboardsCommand } from './commands/dashboards.ts';
import { scenarioCommand } from './commands/scenario.ts';
import { upCommand } from './commands/up.ts';

// Every `faultline` subcommand, in the order `--help` lists them.
export const commandFactories: Array<() => Command> = [upCommand, dashboardsCommand, scenarioCommand];
