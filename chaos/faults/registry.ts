import { abortFault } from './abort.ts';
import { bandwidthFault } from './bandwidth.ts';
import { cpuFault } from './cpu.ts';
import { diskFillFault } from './disk-fill.ts';
import type { FaultModule } from './fault.ts';
import { killFault } from './kill.ts';
import { latencyFault } from './latency.ts';
import { partitionFault } from './partition.ts';
import type { FaultType } from './specs.ts';

// Every fault type, in one explicit table (no registration by side effect).
export const faultRegistry: { [T in FaultType]: FaultModule<T> } = {
  latency: latencyFault,
  abort: abortFault,
  partition: partitionFault,
  bandwidth: bandwidthFault,
  kill: killFault,
  cpu: cpuFault,
  'disk-fill': diskFillFault,
};

export function faultModule<T extends FaultType>(type: T): FaultModule<T> {
  return faultRegistry[type];
}
