import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// A small file where an agent notes each fault it applies, before applying
// it, and drops the note after the revert. A restarted agent reads it to find
// leftovers that cannot be discovered by scanning (fill files in arbitrary
// directories); iptables rules and proxy faults are found by their owner tag.

export interface JournalEntry {
  faultId: string;
  type: string;
  /** disk-fill: the directory of the fill file. */
  fillDir?: string;
  /** network partitions: the namespace (null = host). */
  netns?: string | null;
  appliedAtMs: number;
}

export class Journal {
  private entries = new Map<string, JournalEntry>();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      for (const entry of JSON.parse(readFileSync(file, 'utf8')) as JournalEntry[]) this.entries.set(entry.faultId, entry);
    } catch {
      // no journal yet, or a torn one from a crash: scanning still finds tagged leftovers
    }
  }

  list(): JournalEntry[] {
    return [...this.entries.values()];
  }

  add(entry: JournalEntry): void {
    this.entries.set(entry.faultId, entry);
    this.flush();
  }

  remove(faultId: string): void {
    if (this.entries.delete(faultId)) this.flush();
  }

  clear(): void {
    this.entries.clear();
    this.flush();
  }

  private flush(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.list()));
    renameSync(tmp, this.file);
  }
}
