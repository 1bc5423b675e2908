// Work durations drawn from a log-normal distribution fitted to a median and
// a 99th percentile, the usual shape of service latency (long right tail).

/** z-score of the 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

export interface Percentiles {
  p50: number;
  p99: number;
}

/** A standard normal sample from two uniform ones (Box-Muller). */
function standardNormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function sampleLatencyMs(latency: Percentiles, random: () => number = Math.random): number {
  if (latency.p50 <= 0) return 0;
  const sigma = Math.log(Math.max(latency.p99, latency.p50) / latency.p50) / Z99;
  return latency.p50 * Math.exp(sigma * standardNormal(random));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
