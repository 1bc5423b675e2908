import { z } from 'zod';

// The scenario spec: a topology of instrumented services, the load that
// drives it, and the SLOs and experiments that come with it. Defaults of a
// spec live here and nowhere else.

const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and "-", starting with a letter');

/** Latency of one piece of work: median and 99th percentile, sampled from a log-normal distribution. */
const latencySchema = z.object({
  p50: z.number().min(0),
  p99: z.number().min(0),
}).strict().refine((l) => l.p99 >= l.p50, { message: 'p99 must be at least p50' });

const probability = z.number().min(0).max(1);

const callSchema = z.object({
  /** The called service; must be defined in spec.services. */
  service: serviceName,
  /** Path called on the downstream service (its span's http.route). Default "/". */
  operation: z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'a path starting with "/"').default('/'),
  /** Share of requests that make this call. Default 1. */
  probability: probability.default(1),
  /** false: a failure of this call is tolerated (the service degrades gracefully instead of failing the request). Default true. */
  critical: z.boolean().default(true),
  /** true: the call is a message through a queue, consumed by the service's instances. Default false. */
  async: z.boolean().default(false),
  /** Queue name (messaging.destination.name) for async calls. Default: the called service's name. */
  queue: z.string().regex(/^[a-z][a-z0-9.-]*$/).optional(),
}).strict();

export const databaseSystems = ['postgresql', 'mysql', 'mariadb', 'redis', 'mongodb', 'cassandra', 'memcached', 'elasticsearch'] as const;

const databaseSchema = z.object({
  /** db.system.name (and the older db.system). */
  system: z.enum(databaseSystems),
  /** db.namespace. Default: the service's name. */
  name: z.string().min(1).optional(),
  /** db.operation.name. Default: SELECT for SQL systems, GET for redis and memcached, find for mongodb, etc. */
  operation: z.string().min(1).optional(),
  /** server.address of the database. Default: "<system>.<scenario>". */
  host: z.string().min(1).optional(),
  latencyMs: latencySchema,
  /** Share of queries that fail (the span records an error). Default 0. */
  errorRate: probability.default(0),
}).strict();

const resilienceSchema = z.object({
  /** Per-attempt timeout of a downstream HTTP call. Default 2,000 ms. */
  timeoutMs: z.number().int().positive().default(2000),
  retries: z.object({
    /** Extra attempts after the first. Default 0 (no retries). */
    max: z.number().int().min(0).max(10).default(0),
    /** Wait before the first retry; doubles for each further one. Default 50 ms. */
    backoffMs: z.number().int().min(0).default(50),
  }).strict().default({ max: 0, backoffMs: 50 }),
  /** Per downstream service. Absent: no circuit breaker. */
  circuitBreaker: z.object({
    /** Consecutive failures that open the circuit. Default 5. */
    failureThreshold: z.number().int().positive().default(5),
    /** How long the circuit stays open before one trial call (half-open). Default 5,000 ms. */
    openMs: z.number().int().positive().default(5000),
  }).strict().optional(),
}).strict();

const serviceSchema = z.object({
  name: serviceName,
  /** Processes running this service. Default 1. */
  instances: z.number().int().min(1).max(20).default(1),
  /** The service's own work per request (not counting its calls). Default p50 5 ms, p99 20 ms. */
  latencyMs: latencySchema.default({ p50: 5, p99: 20 }),
  /** Share of requests that fail with 500 on their own. Default 0. */
  errorRate: probability.default(0),
  /** Downstream calls in the order they are made. Default none. */
  calls: z.array(callSchema).default([]),
  database: databaseSchema.optional(),
  resilience: resilienceSchema.default(resilienceSchema.parse({})),
}).strict();

const loadSchema = z.object({
  /** The entry service the load generator calls. */
  service: serviceName,
  /** Path called on the entry service. Default "/". */
  operation: z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'a path starting with "/"').default('/'),
  /** Requests per second (the peak for diurnal, the base for spike). */
  rps: z.number().positive().max(10_000),
  /** constant | diurnal (a sine between minFactor x rps and rps) | spike (factor x rps for durationS every everyS). Default constant. */
  pattern: z.enum(['constant', 'diurnal', 'spike']).default('constant'),
  diurnal: z.object({
    /** One "day" in seconds. Default 600. */
    periodS: z.number().positive().default(600),
    /** Lowest rate as a share of rps. Default 0.2. */
    minFactor: z.number().min(0).max(1).default(0.2),
  }).strict().default({ periodS: 600, minFactor: 0.2 }),
  spike: z.object({
    /** Seconds between spike starts. Default 120. */
    everyS: z.number().positive().default(120),
    /** Seconds a spike lasts. Default 10. */
    durationS: z.number().positive().default(10),
    /** Rate multiplier during a spike. Default 5. */
    factor: z.number().min(1).default(5),
  }).strict().default({ everyS: 120, durationS: 10, factor: 5 }),
}).strict();

/** An SLO or experiment: inline, or a file relative to the scenario file. */
const attachmentSchema = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.record(z.string(), z.unknown()),
]);

export const scenarioSchema = z.object({
  apiVersion: z.literal('faultline.dev/v1'),
  kind: z.literal('Scenario'),
  metadata: z.object({
    name: serviceName,
    description: z.string().default(''),
    labels: z.record(z.string(), z.string()).default({}),
  }).strict(),
  spec: z.object({
    services: z.array(serviceSchema).min(1),
    load: loadSchema,
    slos: z.array(attachmentSchema).default([]),
    experiments: z.array(attachmentSchema).default([]),
  }).strict(),
}).strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ServiceSpec = Scenario['spec']['services'][number];
export type CallSpec = ServiceSpec['calls'][number];
export type DatabaseSpec = NonNullable<ServiceSpec['database']>;
export type ResilienceSpec = ServiceSpec['resilience'];
export type LoadSpec = Scenario['spec']['load'];
export type LatencySpec = ServiceSpec['latencyMs'];
