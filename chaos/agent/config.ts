import { z } from 'zod';
import { DEFAULT_MAX_LEASE_MS } from '../leases/lease.ts';

// Agent settings. This file is the only place their defaults live.
export const agentConfigSchema = z
  .object({
    /** How often the agent advertises itself and its targets. Default 2000 ms. */
    heartbeatIntervalMs: z.number().int().positive().default(2000),
    /** How long an advertisement stays visible without a new heartbeat. Default 6000 ms. */
    heartbeatTtlMs: z.number().int().positive().default(6000),
    /** Commands run at once. Default 4. */
    concurrency: z.number().int().positive().default(4),
    /** Where the agent notes what it applied, to clean up after a crash. Default ./data/agent. */
    stateDir: z.string().min(1).default('./data/agent'),
    /** Longest lease a command may ask for. Default 10 minutes (DEFAULT_MAX_LEASE_MS). */
    maxLeaseMs: z.number().int().positive().max(2 ** 31 - 1).default(DEFAULT_MAX_LEASE_MS),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
