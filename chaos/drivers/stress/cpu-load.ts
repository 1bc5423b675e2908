import { startLeaseChild, type LeaseChild } from './lease-child.ts';

// CPU load: one burner child per core, each busy for `percent` of every
// 100 ms. Burners end themselves at the deadline or when the agent dies.

export interface CpuLoad {
  pids: number[];
  extend(deadlineMs: number): void;
  stop(): Promise<void>;
}

export async function startCpuLoad(cores: number, percent: number, deadlineMs: number, tag: string): Promise<CpuLoad> {
  const burners: LeaseChild[] = [];
  try {
    for (let i = 0; i < cores; i++) {
      burners.push(await startLeaseChild('./cpu-burner.mjs', [String(percent), String(deadlineMs), tag]));
    }
  } catch (err) {
    await Promise.all(burners.map((b) => b.stop()));
    throw err;
  }
  return {
    pids: burners.map((b) => b.pid),
    extend: (deadlineMs) => burners.forEach((b) => b.extend(deadlineMs)),
    stop: async () => void (await Promise.all(burners.map((b) => b.stop()))),
  };
}
