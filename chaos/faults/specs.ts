import { z } from 'zod';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { checkPeer } from '../drivers/network/addresses.ts';
import { describeIssues, int, ms, num, percent, str } from './schema-helpers.ts';

// The fault spec language, decoded in two steps as toxiproxy's AddToxicJson
// does: the envelope (type, name, share, direction) first, then the type's own
// attributes. Keys are flat, so an error reads `fault.latencyMs: ...`.
// This file is the only place fault defaults live.

export const faultTypes = ['latency', 'abort', 'partition', 'bandwidth', 'kill', 'cpu', 'disk-fill'] as const;
export type FaultType = (typeof faultTypes)[number];

/** upstream = towards the target, downstream = from the target back to its callers. */
export const directions = ['upstream', 'downstream', 'both'] as const;
export type Direction = (typeof directions)[number];

const common = {
  /** Free-form label shown in logs and listings. Default: none. */
  name: str().max(200).optional(),
  /**
   * Fraction (0, 1] of the requests, connections or processes the fault hits.
   * Default 1 (all of them).
   */
  share: num().gt(0, { error: 'must be more than 0' }).max(1, { error: 'must be at most 1 (a fraction, not a percentage)' }).default(1),
};

/** For faults that act on the whole host, where a share means nothing: only 1 (the default) is accepted. */
function wholeHostShare(why: string) {
  return num().refine((v) => v === 1, { error: `does not apply: ${why}` }).default(1);
}

const directionEnum = z.enum(directions, { error: `expected one of ${directions.join(', ')}` });

function direction(defaultValue: Direction) {
  return directionEnum.default(defaultValue);
}

/** Step one: what every fault has. The type's own attributes pass through to step two. */
const envelopeSchema = z
  .object({
    type: z.enum(faultTypes, { error: `expected one of ${faultTypes.join(', ')}` }),
    ...common,
    /** Defaulted per type in step two; types without a direction reject it there. */
    direction: directionEnum.optional(),
  })
  .passthrough();

export const latencySpecSchema = z
  .object({
    type: z.literal('latency'),
    ...common,
    /** Fixed delay added to every affected chunk of data. Required. */
    latencyMs: ms(),
    /** Uniform random extra delay in [0, jitterMs]. Default 0. */
    jitterMs: ms().default(0),
    /** Which way is slowed. Default downstream (responses), as toxiproxy. upstream also delays connection set-up. */
    direction: direction('downstream'),
  })
  .strict();

export const abortSpecSchema = z
  .object({
    type: z.literal('abort'),
    ...common,
    /** http: answer a share of HTTP requests itself; reset: reset a share of TCP connections. Default http. */
    mode: z.enum(['http', 'reset'], { error: 'expected http or reset' }).default('http'),
    /**
     * Status code of the synthetic response (mode http). Default 503. 1xx are
     * interim answers a client would wait past, so they are refused.
     */
    statusCode: int().min(200, { error: 'must be at least 200 (1xx are not final responses)' }).max(599, { error: 'must be at most 599' }).default(503),
    /** Body of the synthetic response (mode http). Default "fault injected by faultline". */
    body: z.string({ error: 'expected a string' }).max(65536).default('fault injected by faultline\n'),
  })
  .strict();

export const partitionSpecSchema = z
  .object({
    type: z.literal('partition'),
    ...common,
    /** blackhole: traffic silently goes nowhere; reset: connections are refused/reset. Default blackhole. */
    mode: z.enum(['blackhole', 'reset'], { error: 'expected blackhole or reset' }).default('blackhole'),
    /** Which way is cut. Default both. */
    direction: direction('both'),
    /**
     * Network targets only: peer addresses or CIDRs (IPv4 or IPv6) the target
     * is cut from. Default: everyone, in both families (loopback excepted).
     */
    peers: z.array(str().superRefine((value, ctx) => {
      const checked = checkPeer(value);
      if ('error' in checked) ctx.addIssue({ code: 'custom', message: checked.error });
    })).default([]),
  })
  .strict();

export const bandwidthSpecSchema = z
  .object({
    type: z.literal('bandwidth'),
    ...common,
    /** Rate limit per connection and direction. Required. */
    bytesPerSecond: int().min(1, { error: 'must be at least 1' }),
    /** Which way is limited. Default downstream. */
    direction: direction('downstream'),
  })
  .strict();

export const killSpecSchema = z
  .object({
    type: z.literal('kill'),
    ...common,
    /** SIGKILL (default) or SIGTERM followed by SIGKILL after gracePeriodMs. */
    signal: z.enum(['SIGKILL', 'SIGTERM'], { error: 'expected SIGKILL or SIGTERM' }).default('SIGKILL'),
    /** With SIGTERM: how long to wait before SIGKILL. Default 5000. */
    gracePeriodMs: ms().default(5000),
  })
  .strict();

export const cpuSpecSchema = z
  .object({
    type: z.literal('cpu'),
    ...common,
    share: wholeHostShare('a cpu fault loads the host (set cores and percent)'),
    /** Cores to load. Default 1. */
    cores: int().min(1, { error: 'must be at least 1' }).max(1024).default(1),
    /** Load per core in percent. Default 100. */
    percent: percent().default(100),
  })
  .strict();

export const diskFillSpecSchema = z
  .object({
    type: z.literal('disk-fill'),
    ...common,
    share: wholeHostShare('a disk-fill fault fills one filesystem (set percent)'),
    /** A directory on the filesystem to fill; the fill file is created in it. Required. */
    path: str(),
    /**
     * Fill until the filesystem is this full, as df counts Use%: used /
     * (used + available to unprivileged users). Required.
     */
    percent: percent(),
  })
  .strict();

export const faultSpecSchema = z.discriminatedUnion('type', [
  latencySpecSchema, abortSpecSchema, partitionSpecSchema, bandwidthSpecSchema, killSpecSchema, cpuSpecSchema, diskFillSpecSchema,
]);

export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;
export type LatencySpec = z.infer<typeof latencySpecSchema>;
export type AbortSpec = z.infer<typeof abortSpecSchema>;
export type PartitionSpec = z.infer<typeof partitionSpecSchema>;
export type BandwidthSpec = z.infer<typeof bandwidthSpecSchema>;
export type KillSpec = z.infer<typeof killSpecSchema>;
export type CpuSpec = z.infer<typeof cpuSpecSchema>;
export type DiskFillSpec = z.infer<typeof diskFillSpecSchema>;
export type SpecOf<T extends FaultType> = Extract<FaultSpec, { type: T }>;

/** The faults a fault proxy carries out itself. */
export type ProxyFaultSpec = LatencySpec | AbortSpec | PartitionSpec | BandwidthSpec;
export const proxyFaultTypes = ['latency', 'abort', 'partition', 'bandwidth'] as const;

/**
 * Decodes a fault spec (from YAML or JSON). `key` is where it sits in the
 * document, so messages read `fault.latencyMs: expected a number`.
 */
export function parseFaultSpec(input: unknown, key = 'fault'): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultlineError(ErrorCode.InvalidInput, `${key}: expected a mapping with a type`);
  }
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) {
    throw new FaultlineError(ErrorCode.InvalidInput, describeIssues(envelope.error, `${key}.`));
  }
  const result = faultSpecSchema.safeParse(input);
  if (!result.success) {
    throw new FaultlineError(ErrorCode.InvalidInput, describeIssues(result.error, `${key}.`));
  }
  return result.data;
}

export function isProxyFaultSpec(spec: FaultSpec): spec is ProxyFaultSpec {
  return (proxyFaultTypes as readonly string[]).includes(spec.type);
}
