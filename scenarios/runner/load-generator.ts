import http from 'node:http';
import type { LoadSpec } from '../spec/schema.ts';
import { LatencyWindow } from './latency-window.ts';
import { rateAt } from './load-pattern.ts';

export interface LoadStats {
  /** False once stop() was called. */
  active: boolean;
  elapsedS: number;
  /** Rate the pattern asks for right now. */
  targetRps: number;
  sent: number;
  ok: number;
  errors: number;
  /** Requests not sent because maxInFlight were already waiting. */
  dropped: number;
  inFlight: number;
  /** Over the last 10 s. */
  rateRps: number;
  errorRatio: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadGeneratorOptions {
  load: LoadSpec;
  /** "host:port" of the entry service's instances (their proxies); requests go round-robin. */
  targets: string[];
  maxInFlight: number;
  timeoutMs: number;
  now?: () => number;
}

const TICK_MS = 20;

/**
 * Open-loop load: requests leave at the pattern's rate whether or not earlier
 * ones have answered (so a slow system sees its queue grow, as with real
 * users), up to a cap on requests in flight.
 */
export class LoadGenerator {
  private readonly window = new LatencyWindow(10_000);
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private startedAtMs = 0;
  private lastTickMs = 0;
  private due = 0;
  private next = 0;
  private counts = { sent: 0, ok: 0, errors: 0, dropped: 0, inFlight: 0 };

  constructor(private readonly options: LoadGeneratorOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.startedAtMs = this.lastTickMs = this.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const nowMs = this.now();
    this.due += (rateAt(this.options.load, nowMs - this.startedAtMs) * (nowMs - this.lastTickMs)) / 1000;
    this.lastTickMs = nowMs;
    while (this.due >= 1) {
      this.due -= 1;
      if (this.counts.inFlight >= this.options.maxInFlight) this.counts.dropped += 1;
      else this.send();
    }
  }

  private send(): void {
    const target = this.options.targets[this.next++ % this.options.targets.length];
    const colon = target.lastIndexOf(':');
    const startMs = this.now();
    this.counts.sent += 1;
    this.counts.inFlight += 1;
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      this.counts.inFlight -= 1;
      if (ok) this.counts.ok += 1;
      else this.counts.errors += 1;
      const endMs = this.now();
      this.window.add(endMs, endMs - startMs, ok);
    };
    const req = http.request({
      host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(target.slice(colon + 1)),
      path: this.options.load.operation, method: 'GET', agent: this.agent,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    }, (res) => {
      res.resume();
      res.on('end', () => finish((res.statusCode ?? 500) < 500));
      res.on('error', () => finish(false));
    });
    req.on('error', () => finish(false));
    req.end();
  }

  stats(): LoadStats {
    const nowMs = this.now();
    const w = this.window.summary(nowMs, this.startedAtMs);
    return {
      active: this.timer !== undefined,
      elapsedS: Math.round((nowMs - this.startedAtMs) / 1000),
      targetRps: rateAt(this.options.load, nowMs - this.startedAtMs),
      ...this.counts,
      rateRps: w.rateRps, errorRatio: w.errorRatio, p50Ms: w.p50Ms, p99Ms: w.p99Ms,
    };
  }

  /** Stops sending; requests still in flight are cut off. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.agent.destroy();
  }
}

export function formatProgress(s: LoadStats, restarts: number): string {
  const pct = (s.errorRatio * 100).toFixed(s.errorRatio > 0 && s.errorRatio < 0.01 ? 2 : 1);
  return `${s.elapsedS}s  ${s.rateRps.toFixed(1)}/${s.targetRps.toFixed(0)} rps  errors ${pct}%  p50 ${s.p50Ms.toFixed(0)} ms  p99 ${s.p99Ms.toFixed(0)} ms  sent ${s.sent}  in flight ${s.inFlight}  dropped ${s.dropped}  restarts ${restarts}`;
}
