import type { Command } from 'commander';

// Every `faultline` subcommand, in the order `--help` lists them. Modules are
// loaded on demand: `faultline up` does not pay for the Grafana SDK, and
// `faultline proxy` does not load the analysis engine.
export const commandLoaders: Record<string, () => Promise<() => Command>> = {
  up: async () => (await import('./commands/up.ts')).upCommand,
  dashboards: async () => (await import('./commands/dashboards.ts')).dashboardsCommand,
  scenario: async () => (await import('./commands/scenario.ts')).scenarioCommand,
  demo: async () => (await import('./commands/demo.ts')).demoCommand,
  proxy: async () => (await import('./commands/proxy.ts')).proxyCommand,
  agent: async () => (await import('./commands/agent.ts')).agentCommand,
  slo: async () => (await import('./commands/slo.ts')).sloCommand,
  chaos: async () => (await import('./commands/chaos.ts')).chaosCommand,
  detect: async () => (await import('./commands/detect.ts')).detectCommand,
};
