import { readdirSync, readFileSync } from 'node:fs';

/** pid -> parent pid and process group of every process, from /proc. */
function processTable(): Map<number, { ppid: number; pgid: number }> {
  const table = new Map<number, { ppid: number; pgid: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') continue;
    table.set(Number(entry), { ppid: Number(fields[1]), pgid: Number(fields[2]) });
  }
  return table;
}

/** Every living (non-zombie) descendant of `pid`. */
export function descendants(pid: number): number[] {
  const table = processTable();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, info] of table) {
      if (info.ppid === parent) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** Living processes in any of these process groups. */
export function membersOfGroups(pgids: number[]): number[] {
  const wanted = new Set(pgids);
  return [...processTable()].filter(([, info]) => wanted.has(info.pgid)).map(([pid]) => pid);
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}
