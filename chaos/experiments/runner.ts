import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errorMessage } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Governor } from '../governor/governor.ts';
import { evaluateAbortConditions, evaluateAll, type CheckResult, type SteadyStateSources } from './checks.ts';
import type { FaultExecutor, TargetInstance } from './executor.ts';
import { chaosKeys } from './keys.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { initExperimentRuns, markActive, type ChaosMetrics } from './metrics.ts';
import { MAX_DURING_SAMPLES, type RunRecord, type StepPreview, type Verdict } from './run-record.ts';
import type { RunStore } from './run-store.ts';
import { durationMs, type Experiment } from './spec.ts';
import { resolveTargets, type ResolvedTargets } from './targets.ts';

export interface RunnerDeps {
  redis: Redis;
  executor: FaultExecutor;
  governor: Governor;
  sources: SteadyStateSources;
  store: RunStore;
  audit: AuditLog;
  metrics: ChaosMetrics;
  logger: Logger;
  /** Identifies this process as the owner of the runs it executes. */
  ownerId: string;
  now?: () => number;
  /** How often halts are polled while faults are applied. Default 250 ms. */
  haltPollMs?: number;
}

export interface RunOptions {
  who: string;
  /** Chosen by the caller when it must know the ID before the run ends. */
  runId?: string;
  dryRun?: boolean;
  scheduledForMs?: number;
  onProgress?: (run: RunRecord) => void;
}

/** Thrown inside a run to end it with a verdict. */
class Stop extends Error {
  constructor(readonly verdict: Verdict, message: string, readonly haltedBy?: string) {
    super(message);
  }
}

export function newRunId(experiment: string, nowMs: number): string {
  return `${experiment}-${nowMs.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** What a run holds while it goes on; reverted and released whatever happens. */
interface Holding {
  applied: TargetInstance[];
  admitted: boolean;
  keeper?: LeaseKeeper;
  unmarkActive?: () => void;
}

/**
 * One experiment run: resolve targets once -> governor admission ->
 * hypothesis before -> apply faults with leases -> watch -> revert -> hypothesis
 * after -> verdict. Rollback runs on every path (finally), and every fault
 * also carries a lease its agent enforces if this process dies.
 */
export async function runExperiment(experiment: Experiment, options: RunOptions, deps: RunnerDeps): Promise<RunRecord> {
  const now = deps.now ?? Date.now;
  const spec = experiment.spec;
  const run: RunRecord = {
    id: options.runId ?? newRunId(experiment.metadata.name, now()),
    experiment: experiment.metadata.name,
    service: spec.targets.service,
    fault: spec.fault.type,
    status: 'pending',
    dryRun: options.dryRun === true,
    who: options.who,
    targets: [],
    timeline: [],
    signals: { before: [], during: [], after: [] },
    createdAtMs: now(),
    scheduledForMs: options.scheduledForMs,
  };
  const mark = async (event: string, detail?: string) => {
    run.timeline.push({ atMs: now(), event, detail });
    if (!run.dryRun) await deps.store.save(run);
    options.onProgress?.(run);
  };
  const leaseMs = durationMs(spec.leaseTtl);
  const holding: Holding = { applied: [], admitted: false };
  const haltGeneration = await deps.redis.get(chaosKeys.haltAll);

  try {
    if (!run.dryRun) {
      // Before the first increment, so increase() in Prometheus sees it.
      initExperimentRuns(deps.metrics, run.experiment);
      await deps.store.holdOwner(run.id, deps.ownerId, leaseMs);
      await deps.store.save(run);
      holding.keeper = new LeaseKeeper(run.id, run.service, holding.applied, (i) => faultId(run, i), leaseMs, deps);
      holding.keeper.start();
    }
    const resolved = resolveTargets(experiment, await deps.executor.instances(spec.targets.service));
    run.targets = resolved.ordered.map((i) => i.name);
    run.scenario = resolved.ordered[0]?.labels.scenario;
    await mark('targets resolved', run.targets.join(', '));
    run.signals.before = await evaluateAll(spec.hypothesis, deps.sources);
    const abortNow = await evaluateAbortConditions(experiment.spec.abort, deps.sources);
    if (run.dryRun) return await concludeDryRun(run, experiment, resolved, abortNow, deps, now);
    const steps = resolved.stepCounts.length;
    const stepMs = durationMs(spec.duration) / steps;
    const progressive = resolved.stepPercents.length > 0;
    run.status = 'running';
    run.startedAtMs = now();
    for (let step = 0; step < steps; step++) {
      const wanted = resolved.ordered.slice(0, resolved.stepCounts[step]);
      const admission = await deps.governor.admit({
        runId: run.id, service: run.service, totalInstances: resolved.serviceInstances,
        instances: wanted.map((i) => i.name), durationMs: durationMs(spec.duration), leaseMs,
      });
      if (!admission.admitted) {
        deps.metrics.governorRejections.inc({ limit: admission.limit });
        if (step === 0) throw new Stop('aborted', admission.message);
        // The run keeps the step it reached for the rest of its duration.
        run.step!.refused = { step: step + 1, percent: resolved.stepPercents[step], message: admission.message };
        await mark('widening refused', `step ${step + 1}/${steps} (${resolved.stepPercents[step]}%): ${admission.message}; staying at step ${step}/${steps} for the rest of the run`);
        await watch(run, experiment, holding, (steps - step) * stepMs, haltGeneration, deps, now);
        break;
      }
      holding.admitted = true;
      if (holding.keeper) holding.keeper.admitted = true;
      if (step === 0) {
        if (!run.signals.before.every((r) => r.holds)) {
          throw new Stop('aborted', `steady state did not hold before the run: ${failing(run.signals.before)}`);
        }
        if (!abortNow.every((r) => r.holds)) throw new Stop('aborted', `an abort condition held before the run: ${failing(abortNow)}`);
        await mark('hypothesis held before');
      }
      for (const instance of wanted.filter((w) => !holding.applied.includes(w))) {
        await throwIfHalted(run, haltGeneration, deps);
        try {
          await deps.executor.apply(instance, spec.fault, faultId(run, instance), leaseMs);
        } catch (err) {
          // The agent may have applied it before the answer was lost: undo it too (idempotent).
          await deps.executor.revert(instance, faultId(run, instance)).catch(() => {});
          throw err;
        }
        holding.applied.push(instance);
        run.applied = true;
        deps.metrics.faultsApplied.inc({ fault: run.fault });
      }
      holding.unmarkActive ??= markActive(deps.metrics, { experiment: run.experiment, fault: run.fault, service: run.service });
      await deps.redis.hset(chaosKeys.active, run.id, JSON.stringify({ experiment: run.experiment, fault: run.fault, service: run.service }));
      if (progressive) run.step = { reached: step + 1, of: steps, percent: resolved.stepPercents[step] };
      await mark(`fault applied${progressive ? ` (step ${step + 1}/${steps}, ${resolved.stepPercents[step]}%)` : ''}`, holding.applied.map((i) => i.name).join(', '));
      // Applying can take a while on busy agents: extend what was taken before it.
      await holding.keeper?.renew();
      if (holding.keeper?.lost) throw new Stop('error', holding.keeper.lost);
      await watch(run, experiment, holding, stepMs, haltGeneration, deps, now);
    }
    return await revertAndConclude(run, experiment, holding, deps, now, 'passed', 'the hypothesis held during and after the fault');
  } catch (err) {
    const verdict: Verdict = err instanceof Stop ? err.verdict : 'error';
    const reason = errorMessage(err);
    if (err instanceof Stop && err.haltedBy) run.haltedBy = err.haltedBy;
    if (run.dryRun) return await finishDryRun(run, verdict, `dry run: ${reason}`, deps, now);
    if (verdict === 'error') deps.logger.error({ err, run: run.id }, 'experiment run failed');
    return await revertAndConclude(run, experiment, holding, deps, now, verdict, reason);
  } finally {
    holding.unmarkActive?.();
    await holding.keeper?.stop();
  }
}

function faultId(run: RunRecord, instance: TargetInstance): string {
  return `${run.id}:${instance.name}`;
}

function failing(results: CheckResult[]): string {
  return results.filter((r) => !r.holds).map((r) => `${r.check} (value ${r.value ?? 'unknown'}${r.error ? `, ${r.error}` : ''})`).join('; ');
}

/**
 * A dry run's answer: the targets, every check now, and what the governor
 * would answer for each step (only the first decides whether it would start;
 * a later refusal would stop the widening there).
 */
async function concludeDryRun(
  run: RunRecord, experiment: Experiment, resolved: ResolvedTargets, abortNow: CheckResult[], deps: RunnerDeps, now: () => number,
): Promise<RunRecord> {
  const spec = experiment.spec;
  run.signals.abort = abortNow;
  const previews: StepPreview[] = [];
  for (let step = 0; step < resolved.stepCounts.length; step++) {
    const instances = resolved.ordered.slice(0, resolved.stepCounts[step]).map((i) => i.name);
    const p = await deps.governor.preview({
      runId: run.id, service: run.service, totalInstances: resolved.serviceInstances,
      instances, durationMs: durationMs(spec.duration), leaseMs: durationMs(spec.leaseTtl),
    });
    previews.push({ step: step + 1, percent: resolved.stepPercents[step] ?? 100, instances, ...(p.admitted ? { admitted: true } : { admitted: false, limit: p.limit, message: p.message }) });
  }
  const [first] = previews;
  run.governor = { admitted: first.admitted, ...(first.admitted ? {} : { limit: first.limit, message: first.message }), ...(resolved.stepPercents.length > 0 ? { steps: previews } : {}) };
  const held = run.signals.before.every((r) => r.holds);
  const clear = abortNow.every((r) => r.holds);
  const refusedLater = previews.find((p) => !p.admitted);
  const widening = refusedLater && refusedLater.step > 1
    ? `; step ${refusedLater.step}/${previews.length} (${refusedLater.percent}%) would be refused now, so it would stay at step ${refusedLater.step - 1}: ${refusedLater.message}`
    : '';
  const reason = !first.admitted ? `dry run: ${first.message}`
    : !held ? `dry run: steady state does not hold now: ${failing(run.signals.before)}`
    : !clear ? `dry run: an abort condition holds now: ${failing(abortNow)}` : `dry run: nothing applied${widening}`;
  return finishDryRun(run, first.admitted && held && clear ? 'passed' : 'aborted', reason, deps, now);
}

/**
 * Watches for halts, violations and abort conditions for `forMs`, while the
 * lease keeper renews every lease on its own timer. Checks run every
 * checkInterval without holding up the halt polling, and once more at the
 * end, so a progressive run never widens on a step that was not checked.
 */
async function watch(
  run: RunRecord, experiment: Experiment, holding: Holding, forMs: number,
  haltGeneration: string | null, deps: RunnerDeps, now: () => number,
): Promise<void> {
  const checkMs = durationMs(experiment.spec.checkInterval);
  const pollMs = deps.haltPollMs ?? 250;
  const end = now() + forMs;
  let nextCheck = now() + checkMs;
  let pending: { done: boolean; sample: Promise<DuringSample> } | undefined;
  const startChecks = () => {
    const p = { done: false, sample: evaluateDuring(experiment, deps) };
    // Handled here, so a sample nobody awaits any more (the run was halted) is no unhandled rejection.
    p.sample.then(() => { p.done = true; }, () => { p.done = true; });
    return p;
  };
  for (let last = false; !last;) {
    await sleep(Math.min(pollMs, Math.max(0, end - now())));
    last = now() >= end;
    await throwIfHalted(run, haltGeneration, deps);
    if (holding.keeper?.lost) throw new Stop('error', holding.keeper.lost);
    if (pending?.done || (pending && last)) {
      await judge(run, await pending.sample, deps);
      pending = undefined;
    }
    if (last) await judge(run, await evaluateDuring(experiment, deps), deps);
    else if (!pending && now() >= nextCheck) {
      nextCheck = now() + checkMs;
      pending = startChecks();
    }
  }
}

type DuringSample = { hypothesis: CheckResult[]; abort: CheckResult[] };

async function evaluateDuring(experiment: Experiment, deps: RunnerDeps): Promise<DuringSample> {
  const [hypothesis, abort] = await Promise.all([
    evaluateAll(experiment.spec.hypothesis, deps.sources),
    evaluateAbortConditions(experiment.spec.abort, deps.sources),
  ]);
  return { hypothesis, abort };
}

/** Records a sample of the checks; a violated hypothesis fails the run, a holding abort condition aborts it. */
async function judge(run: RunRecord, sample: DuringSample, deps: RunnerDeps): Promise<void> {
  if (run.signals.during.length >= MAX_DURING_SAMPLES) run.signals.during.splice(1, 1);
  run.signals.during.push(sample.hypothesis);
  if (!sample.hypothesis.every((r) => r.holds)) throw new Stop('failed', `hypothesis violated: ${failing(sample.hypothesis)}`);
  if (!sample.abort.every((r) => r.holds)) throw new Stop('aborted', `abort condition: ${failing(sample.abort)}`);
  await deps.store.save(run);
}

/** Ends the run when it, or everything (the halt generation moved), was halted. */
async function throwIfHalted(run: RunRecord, haltGeneration: string | null, deps: RunnerDeps): Promise<void> {
  const [all, one, allBy] = await deps.redis.mget(chaosKeys.haltAll, chaosKeys.haltRun(run.id), chaosKeys.haltAllBy);
  if (all !== haltGeneration) throw new Stop('aborted', `halted: global chaos halt by ${allBy ?? 'an operator'}`, allBy ?? 'global halt');
  if (one !== null) throw new Stop('aborted', `halted by ${one}`, one);
}

async function finishDryRun(run: RunRecord, verdict: Verdict, reason: string, deps: RunnerDeps, now: () => number): Promise<RunRecord> {
  finish(run, verdict, reason, now);
  await deps.audit.append({ who: run.who, action: 'dry-run', experiment: run.experiment, targets: run.targets, result: verdict, detail: reason });
  return run;
}

async function revertAndConclude(
  run: RunRecord, experiment: Experiment, holding: Holding,
  deps: RunnerDeps, now: () => number, verdict: Verdict, reason: string,
): Promise<RunRecord> {
  const { applied } = holding;
  const failures: string[] = [];
  if (holding.keeper) holding.keeper.renewFaults = false;
  for (const instance of applied) {
    try {
      await deps.executor.revert(instance, faultId(run, instance));
      deps.metrics.faultsReverted.inc({ fault: run.fault });
    } catch (err) {
      failures.push(`${instance.name}: ${errorMessage(err)} (its lease will revert it)`);
    }
  }
  // Not active from here on, while the "after" checks run.
  holding.unmarkActive?.();
  holding.unmarkActive = undefined;
  await deps.redis.hdel(chaosKeys.active, run.id);
  if (holding.keeper) holding.keeper.admitted = false;
  if (holding.admitted) await deps.governor.release(run.id, run.service);
  if (applied.length > 0) run.timeline.push({ atMs: now(), event: 'faults reverted', detail: failures.length ? failures.join('; ') : applied.map((i) => i.name).join(', ') });
  if (applied.length > 0 && verdict !== 'error') {
    run.signals.after = await evaluateAll(experiment.spec.hypothesis, deps.sources);
    if (verdict === 'passed' && !run.signals.after.every((r) => r.holds)) {
      verdict = 'failed';
      reason = `hypothesis did not hold after the fault: ${failing(run.signals.after)}`;
    }
  }
  const refused = run.step?.refused;
  if (run.step) {
    reason += `; reached step ${run.step.reached}/${run.step.of} (${run.step.percent}%)`;
    if (refused) reason += `, widening to step ${refused.step} (${refused.percent}%) refused: ${refused.message}`;
  }
  await holding.keeper?.stop();
  finish(run, verdict, reason, now);
  await deps.store.save(run);
  await deps.store.releaseOwner(run.id);
  deps.metrics.runs.inc({ experiment: run.experiment, verdict });
  await deps.audit.append({ who: run.who, action: 'run', experiment: run.experiment, runId: run.id, targets: run.targets, result: verdict, detail: reason });
  await deps.store.trimHistory(run.experiment, experiment.spec.schedule?.historyLimit ?? 10);
  return run;
}

function finish(run: RunRecord, verdict: Verdict, reason: string, now: () => number): RunRecord {
  run.status = verdict;
  run.reason = reason;
  run.endedAtMs = now();
  run.timeline.push({ atMs: run.endedAtMs, event: `verdict ${verdict}`, detail: reason });
  return run;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
