// The USE signals Faultline derives per service instance, each from the
// OpenTelemetry semantic-convention metrics that carry it (host metrics as
// @opentelemetry/host-metrics and the collector's hostmetrics receiver emit
// them, Node.js runtime metrics as @opentelemetry/instrumentation-runtime-node
// emits them). Names carry their unit.

export const USE_SIGNALS = {
  /** Process CPU (`process.cpu.utilization`), else host CPU (`system.cpu.utilization`), 0..1. */
  cpu_utilization: 'utilization',
  /** Host memory used (`system.memory.utilization` state=used, else from `system.memory.usage`), 0..1. */
  memory_utilization: 'utilization',
  /** V8 heap used over heap size (`v8js.memory.heap.used` / `v8js.memory.heap.limit` or `.space.size`), 0..1. */
  heap_utilization: 'utilization',
  /** V8 heap used, bytes (`v8js.memory.heap.used`). */
  heap_used_bytes: 'utilization',
  /** Event loop busy share (`nodejs.eventloop.utilization`), 0..1. */
  event_loop_utilization: 'utilization',
  /** Busiest disk's busy time per second (rate of `system.disk.io_time`), 0..1. */
  disk_io_utilization: 'utilization',
  /** Fullest filesystem (`system.filesystem.utilization`), 0..1. */
  filesystem_utilization: 'utilization',
  /** 1-minute load average (`system.cpu.load_average.1m`). */
  load_average_1m: 'saturation',
  /** p99 event loop delay in ms (`nodejs.eventloop.delay.p99`). */
  event_loop_delay_p99_ms: 'saturation',
  /** Network errors per second (rate of `system.network.errors`). */
  network_errors_per_second: 'errors',
  /** Dropped packets per second (rate of `system.network.dropped` / `system.network.packet.dropped`). */
  network_dropped_per_second: 'errors',
} as const;

export type UseSignal = keyof typeof USE_SIGNALS;
export type UseCategory = (typeof USE_SIGNALS)[UseSignal];

export interface UseInstance {
  service: string;
  /** `service.instance.id`, else `host.name`, else ''. */
  instance: string;
  host?: string;
  /** Ingest time of the last metric batch from this instance (Unix ms). */
  lastSeenMs: number;
  utilization: Partial<Record<UseSignal, number>>;
  saturation: Partial<Record<UseSignal, number>>;
  errors: Partial<Record<UseSignal, number>>;
}
