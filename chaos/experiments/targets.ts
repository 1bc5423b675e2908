import { createHash } from 'node:crypto';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { TargetInstance } from './executor.ts';
import { seededRandom, selectionCount } from './selection.ts';
import type { Experiment } from './spec.ts';

export interface ResolvedTargets {
  /** How many instances the service has in all: the governor's base, whatever the filters. */
  serviceInstances: number;
  /** Every eligible instance of the service (the base of percentages). */
  eligible: TargetInstance[];
  /** The instances the run acts on, in the order progressive steps widen along. */
  ordered: TargetInstance[];
  /** Instances per step (one entry when the run is not progressive). */
  stepCounts: number[];
  stepPercents: number[];
}

/**
 * Resolves an experiment's targets once. The order is a shuffle seeded by
 * the experiment name and the eligible instances, so a dry run and the real
 * run that follows it pick the same instances while the fleet is unchanged.
 */
export function resolveTargets(experiment: Experiment, available: TargetInstance[]): ResolvedTargets {
  const t = experiment.spec.targets;
  const ofService = available.filter((i) => i.service === t.service);
  const eligible = ofService
    .filter((i) => !t.instances || t.instances.includes(i.name))
    .filter((i) => !t.labels || Object.entries(t.labels).every(([k, v]) => i.labels[k] === v))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (eligible.length === 0) {
    const missing = t.instances ? ` (asked for ${t.instances.join(', ')})` : '';
    throw new FaultlineError(ErrorCode.NotFound, `spec.targets.service: no agent advertises an instance of ${t.service}${missing}`);
  }
  if (t.instances) {
    const unknown = t.instances.filter((n) => !eligible.some((i) => i.name === n));
    if (unknown.length > 0) throw new FaultlineError(ErrorCode.NotFound, `spec.targets.instances: unknown instance(s) ${unknown.join(', ')} of ${t.service}`);
  }
  if (experiment.spec.fault.type === 'kill') {
    const proxyOnly = eligible.filter((i) => i.proxyOnly).map((i) => `${i.name} (agent ${i.agent})`);
    if (proxyOnly.length > 0) {
      throw new FaultlineError(ErrorCode.InvalidInput, `spec.fault: kill needs the instances' processes, and ${proxyOnly.join(', ')} are known only as fault proxies; use a proxy fault (latency, abort, partition, bandwidth) or narrow spec.targets`);
    }
  }
  const seed = createHash('sha256').update(`${experiment.metadata.name}\n${eligible.map((i) => i.name).join('\n')}`).digest().readUInt32BE(0);
  const random = seededRandom(seed);
  const shuffled = [...eligible];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const steps = t.selection.steps;
  const stepPercents = steps ?? [];
  const stepCounts = steps
    ? steps.map((p) => selectionCount(t.selection, eligible.length, random, p))
    : [selectionCount(t.selection, eligible.length, random)];
  const last = stepCounts[stepCounts.length - 1];
  if (stepCounts[0] === 0) {
    const asked = steps ? `${steps[0]}%` : `${t.selection.mode}${t.selection.value !== undefined ? ` ${t.selection.value}` : ''}`;
    throw new FaultlineError(ErrorCode.InvalidInput, `spec.targets.selection: ${asked} of ${eligible.length} instance(s) rounds down to none`);
  }
  return { serviceInstances: ofService.length, eligible, ordered: shuffled.slice(0, last), stepCounts, stepPercents };
}
