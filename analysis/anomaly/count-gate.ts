// Error ratios are counts: 4 errors in 200 requests is a ratio of 2%, but for
// a service that fails one request in 300 it happens every few hundred steps;
// and for a service whose rare single errors are each a huge relative jump,
// the detector learns that jumps are usual, so 40 errors at once stand out
// little more than one. What the errors say as a count (a Poisson tail at the
// error rate the detector expected) therefore decides for error ratios:
// insignificant counts open no event, overwhelming ones always do.

/** Tail probability at or over which errors are not significant. */
export const SIGNIFICANT_TAIL = 1e-3;
/** Tail probability under which the errors alone make an incident. */
export const OVERWHELMING_TAIL = 1e-6;
/** Fewest errors in a step that may be overwhelming. */
const MIN_OVERWHELMING_ERRORS = 5;
/** Expected errors are at least this many a step, so a first error of a clean service is no surprise. */
const MIN_EXPECTED_ERRORS = 0.5;

/** ln(n!), exact below 20, Stirling's series above (error under 1e-10). */
function lnFactorial(n: number): number {
  if (n < 20) {
    let f = 1;
    for (let i = 2; i <= n; i++) f *= i;
    return Math.log(f);
  }
  const m = n + 1;
  return (m - 0.5) * Math.log(m) - m + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * m) - 1 / (360 * m ** 3);
}

/** P(X = i) for X ~ Poisson(lambda), in log space so a large lambda does not underflow. */
function poissonPmf(i: number, lambda: number): number {
  if (lambda === 0) return i === 0 ? 1 : 0;
  return Math.exp(-lambda + i * Math.log(lambda) - lnFactorial(i));
}

/** P(X >= k) for X ~ Poisson(lambda). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  // Far above the mean (over ten standard deviations) the tail is negligible.
  if (k > lambda + 10 * Math.sqrt(lambda) + 10) return 0;
  if (k <= lambda) {
    let below = 0;
    for (let i = 0; i < k; i++) below += poissonPmf(i, lambda);
    return Math.max(0, 1 - below);
  }
  // Above the mean the terms shrink; sum them upwards until they stop mattering.
  let term = poissonPmf(k, lambda);
  let tail = 0;
  for (let i = k; term > tail * 1e-15 && term > 0; i++) {
    tail += term;
    term *= lambda / (i + 1);
  }
  return Math.min(1, tail);
}

export type ErrorEvidence = 'insignificant' | 'significant' | 'overwhelming';

/** What an error ratio of `ratio` over `requests` requests says when `expectedRatio` was expected. */
export function errorEvidence(ratio: number, requests: number, expectedRatio: number): ErrorEvidence {
  const errors = Math.round(ratio * requests);
  const lambda = Math.max(MIN_EXPECTED_ERRORS, Math.max(0, expectedRatio) * requests);
  if (errors <= lambda) return 'insignificant';
  const tail = poissonUpperTail(errors, lambda);
  if (tail >= SIGNIFICANT_TAIL) return 'insignificant';
  return tail < OVERWHELMING_TAIL && errors >= MIN_OVERWHELMING_ERRORS ? 'overwhelming' : 'significant';
}
