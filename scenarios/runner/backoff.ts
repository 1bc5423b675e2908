/**
 * Restart delay after a crash, as Kubernetes' CrashLoopBackOff: doubling per
 * consecutive crash from `initialBackoffMs`, capped at `maxBackoffMs`.
 * `consecutiveCrashes` counts this crash (1 for the first).
 */
export function restartDelayMs(consecutiveCrashes: number, options: { initialBackoffMs: number; maxBackoffMs: number }): number {
  const exponent = Math.max(0, consecutiveCrashes - 1);
  return Math.min(options.initialBackoffMs * 2 ** Math.min(exponent, 30), options.maxBackoffMs);
}
