#!/usr/bin/env node
// Entry point of the `faultline` bin: registers tsx so the TypeScript sources
// run as they are (no build step), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
