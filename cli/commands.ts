import type { Command } from 'commander';
import { upCommand } from './commands/up.ts';

// Every `faultline` subcommand, in the order `--help` lists them.
export const commandFactories: Array<() => Command> = [upCommand];
