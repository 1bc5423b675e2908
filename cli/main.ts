import { Command } from 'commander';
import { FaultlineError } from '../platform/errors.ts';
import { commandFactories } from './commands.ts';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('faultline')
    .description('Faultline: OTLP collector, RED/USE analysis, SLOs, anomaly detection and chaos experiments')
    .showHelpAfterError();
  for (const factory of commandFactories) program.addCommand(factory());
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
