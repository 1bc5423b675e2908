import { Command } from 'commander';
import { FaultlineError } from '../platform/errors.ts';
import { commandLoaders } from './commands.ts';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('faultline')
    .description('Faultline: OTLP collector, RED/USE analysis, SLOs, anomaly detection and chaos experiments')
    .showHelpAfterError();
  // Only the command being run is loaded; help and unknown commands load all.
  const name = argv[2];
  const names = name !== undefined && name in commandLoaders ? [name] : Object.keys(commandLoaders);
  for (const n of names) program.addCommand((await commandLoaders[n]())());
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof FaultlineError) {
      process.stderr.write(`faultline: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
