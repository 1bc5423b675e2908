import { z } from 'zod';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { describeIssues } from '../faults/schema-helpers.ts';
import { faultSpecSchema } from '../faults/specs.ts';
import { targetSelectorSchema } from '../faults/target.ts';

// What an agent can be asked to do (BullMQ job data) and what it answers.

const leaseMs = z.number({ error: 'expected a number of milliseconds' }).int().positive({ error: 'must be positive' });

export const agentCommandSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('apply'),
    /** Chosen by the caller so a retried command cannot apply twice. */
    faultId: z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, { error: 'expected letters, digits, _ . - (at most 80)' }),
    fault: faultSpecSchema,
    target: targetSelectorSchema,
    leaseMs,
    /** When the command was sent (ms since epoch): a command older than its lease is refused, never applied late. */
    sentAtMs: z.number().int().positive(),
  }).strict(),
  z.object({ op: z.literal('renew'), faultId: z.string().min(1), leaseMs }).strict(),
  z.object({ op: z.literal('revert'), faultId: z.string().min(1) }).strict(),
  z.object({ op: z.literal('revert-all') }).strict(),
  z.object({ op: z.literal('list') }).strict(),
], { error: 'expected op apply, renew, revert, revert-all or list' });

export type AgentCommand = z.infer<typeof agentCommandSchema>;
export type AgentCommandInput = z.input<typeof agentCommandSchema>;

export interface AppliedFaultInfo {
  faultId: string;
  type: string;
  target: string;
  appliedAtMs: number;
  expiresAtMs: number;
  /** What the apply reported, e.g. `kill`: outcome per PID. */
  details?: Record<string, unknown>;
}

export type AgentResult =
  | { op: 'apply'; fault: AppliedFaultInfo }
  | { op: 'renew'; faultId: string; expiresAtMs: number }
  | { op: 'revert'; faultId: string; reverted: boolean }
  | { op: 'revert-all'; reverted: number }
  | { op: 'list'; faults: AppliedFaultInfo[] };

export function parseAgentCommand(input: unknown): AgentCommand {
  const result = agentCommandSchema.safeParse(input);
  if (!result.success) throw new FaultlineError(ErrorCode.InvalidInput, `invalid agent command:\n${describeIssues(result.error, '  ')}`);
  return result.data;
}
