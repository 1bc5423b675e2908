import { errorMessage } from '../../platform/errors.ts';
import { durationMs, type Check, type Experiment, type Signal } from './spec.ts';

/** Where steady-state checks read their values (the platform's own engines). */
export interface SteadyStateSources {
  /** Burn rate of an SLO over a window; null without events; undefined for an unknown SLO. */
  sloBurnRate(slo: string, window: string): number | null | undefined;
  /** Whether an alert of that severity is firing on the SLO; undefined for an unknown SLO. */
  sloAlertFiring(slo: string, severity: 'page' | 'ticket'): boolean | undefined;
  /**
   * Mean of a service (or operation) signal over the last `windowMs`; null
   * without data in the window; undefined when this process has received no
   * spans of the service at all (it may be sending them elsewhere).
   */
  signal(service: string, signal: Signal, operation: string | undefined, windowMs: number): number | null | undefined;
}

export interface CheckResult {
  check: string;
  /** The measured value (burn rate, signal, HTTP status); null when unknown. */
  value: number | null;
  holds: boolean;
  /** Why it could not be measured, when it could not. */
  error?: string;
  /** Set when there was nothing to measure (no events, no data, a service never seen). */
  noData?: true;
}

/** Longest a check other than an HTTP probe may take (the in-process sources answer at once). */
const CHECK_BOUND_MS = 5000;
/** Grace over a probe's own timeoutMs before the bound gives up on it. */
const PROBE_GRACE_MS = 1000;

export function describeCheck(check: Check): string {
  if ('sloBurnRate' in check) {
    const c = check.sloBurnRate;
    return `SLO ${c.slo} burn rate (${c.window}) < ${c.maxBurnRate}`;
  }
  if ('signal' in check) {
    const c = check.signal;
    const bounds = [c.above !== undefined ? `> ${c.above}` : '', c.below !== undefined ? `< ${c.below}` : ''].filter(Boolean).join(' and ');
    return `${c.service}${c.operation ? ` ${c.operation}` : ''} ${c.signal} (${c.window}) ${bounds}`;
  }
  return `GET ${check.httpProbe.url} answers ${check.httpProbe.expectStatus}`;
}

/**
 * Evaluates one check, within a time bound (a probe's `timeoutMs` plus a
 * second; 5 s otherwise): a check that takes longer does not hold.
 */
export async function evaluateCheck(check: Check, sources: SteadyStateSources): Promise<CheckResult> {
  const boundMs = 'httpProbe' in check ? check.httpProbe.timeoutMs + PROBE_GRACE_MS : CHECK_BOUND_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ check: describeCheck(check), value: null, holds: false, error: `no answer within ${boundMs} ms` }), boundMs);
  });
  try {
    return await Promise.race([measure(check, sources), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An SLO or a signal with only an upper bound holds without data in the
 * window (no traffic is not evidence of harm) but says so; a lower bound
 * (`above`) cannot be shown without data, so it does not hold then. A signal
 * of a service this process has never received spans of does not hold at
 * all: behind a load balancer its spans may go to another Faultline, and a
 * guard that reads nothing would let the run go on blind. An unknown SLO and
 * a failed probe do not hold either.
 */
async function measure(check: Check, sources: SteadyStateSources): Promise<CheckResult> {
  const name = describeCheck(check);
  if ('sloBurnRate' in check) {
    const c = check.sloBurnRate;
    const burn = sources.sloBurnRate(c.slo, c.window);
    if (burn === undefined) return { check: name, value: null, holds: false, error: `unknown SLO ${c.slo}` };
    if (burn === null) return { check: name, value: null, holds: true, noData: true, error: 'no events in the window' };
    return { check: name, value: burn, holds: burn < c.maxBurnRate };
  }
  if ('signal' in check) {
    const c = check.signal;
    const value = sources.signal(c.service, c.signal, c.operation, durationMs(c.window));
    if (value === undefined) {
      return {
        check: name, value: null, holds: false, noData: true,
        error: `no data: this process has received no spans of service ${c.service} (do its spans go to another Faultline instance?)`,
      };
    }
    if (value === null) return { check: name, value: null, holds: c.above === undefined, noData: true, error: 'no data in the window' };
    const holds = (c.below === undefined || value < c.below) && (c.above === undefined || value > c.above);
    return { check: name, value, holds };
  }
  const p = check.httpProbe;
  try {
    const res = await fetch(p.url, { signal: AbortSignal.timeout(p.timeoutMs), redirect: 'manual' });
    await res.arrayBuffer();
    return { check: name, value: res.status, holds: res.status === p.expectStatus };
  } catch (err) {
    return { check: name, value: null, holds: false, error: errorMessage(err) };
  }
}

export async function evaluateAll(checks: readonly Check[], sources: SteadyStateSources): Promise<CheckResult[]> {
  return Promise.all(checks.map((c) => evaluateCheck(c, sources)));
}

/**
 * The abort conditions as check results: each abort check, and for each
 * listed SLO whether an alert of that severity is firing (holds = not
 * firing). An unknown SLO does not hold: a guard that can never fire is no guard.
 */
export async function evaluateAbortConditions(abort: Experiment['spec']['abort'], sources: SteadyStateSources): Promise<CheckResult[]> {
  const checks = await evaluateAll(abort.checks, sources);
  const alerts = abort.sloAlerts.map((a): CheckResult => {
    const check = `no ${a.severity} alert on SLO ${a.slo}`;
    const firing = sources.sloAlertFiring(a.slo, a.severity);
    if (firing === undefined) return { check, value: null, holds: false, error: `unknown SLO ${a.slo}` };
    return { check, value: firing ? 1 : 0, holds: !firing, ...(firing ? { error: `a ${a.severity} alert is firing` } : {}) };
  });
  return [...checks, ...alerts];
}
