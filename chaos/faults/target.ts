import { z } from 'zod';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { describeIssues, int, str } from './schema-helpers.ts';

// Where a fault goes, as written in a spec (`target:`), before resolution.
// The agent resolves a selector once into a ResolvedTarget (fault.ts).

export const processSelectorSchema = z
  .object({
    kind: z.literal('process'),
    /** One of these four picks the processes. */
    pid: int().min(2, { error: 'must be a real process id (> 1)' }).optional(),
    pidFile: str().optional(),
    /** A regular expression matched against /proc/<pid>/cmdline (arguments joined by spaces). */
    pattern: str().optional(),
    /** A scenario instance name, looked up in the instance registry the scenario runner publishes. */
    instance: str().optional(),
  })
  .strict()
  .refine((s) => [s.pid, s.pidFile, s.pattern, s.instance].filter((v) => v !== undefined).length === 1, {
    error: 'give exactly one of pid, pidFile, pattern, instance',
  });

export const targetSelectorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('proxy'), /** Fault proxy name, e.g. payments-1. */ name: str() }).strict(),
  processSelectorSchema,
  z.object({
    kind: z.literal('network'),
    /** Network namespace (as in `ip netns list`) whose traffic is cut. Default: the agent's own. */
    netns: str().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected a network namespace name' }).optional(),
  }).strict(),
  z.object({ kind: z.literal('host') }).strict(),
], { error: 'expected kind proxy, process, network or host' });

export type TargetSelector = z.infer<typeof targetSelectorSchema>;
export type ProcessSelector = z.infer<typeof processSelectorSchema>;
export type TargetKind = TargetSelector['kind'];

export function parseTargetSelector(input: unknown, key = 'target'): TargetSelector {
  const result = targetSelectorSchema.safeParse(input);
  if (!result.success) throw new FaultlineError(ErrorCode.InvalidInput, describeIssues(result.error, `${key}.`));
  return result.data;
}

export function describeTarget(target: TargetSelector): string {
  switch (target.kind) {
    case 'proxy': return `proxy ${target.name}`;
    case 'network': return `network ${target.netns ?? '(host namespace)'}`;
    case 'host': return 'host';
    case 'process':
      if (target.pid !== undefined) return `process pid ${target.pid}`;
      if (target.pidFile !== undefined) return `process from ${target.pidFile}`;
      if (target.pattern !== undefined) return `processes matching /${target.pattern}/`;
      return `instance ${target.instance}`;
  }
}
