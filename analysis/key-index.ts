// A lookup by two strings and a small integer (service, span name, kind;
// client, server, connection type) that never builds a joined key. A joined
// key is a new string for every span, which the Map must flatten and hash;
// the strings the decoder hands over are interned, so each hashes once and
// the nested lookups cost two hash probes and an array read.

export class KeyIndex<V> {
  private readonly byFirst = new Map<string, Map<string, Array<V | undefined>>>();

  get(first: string, second: string, slot: number): V | undefined {
    const slots = this.byFirst.get(first)?.get(second);
    return slots === undefined ? undefined : slots[slot];
  }

  set(first: string, second: string, slot: number, value: V): void {
    let bySecond = this.byFirst.get(first);
    if (bySecond === undefined) this.byFirst.set(first, (bySecond = new Map()));
    let slots = bySecond.get(second);
    if (slots === undefined) bySecond.set(second, (slots = []));
    while (slots.length <= slot) slots.push(undefined);
    slots[slot] = value;
  }

  delete(first: string, second: string, slot: number): void {
    const bySecond = this.byFirst.get(first);
    const slots = bySecond?.get(second);
    if (bySecond === undefined || slots === undefined || slots[slot] === undefined) return;
    slots[slot] = undefined;
    if (slots.some((v) => v !== undefined)) return;
    bySecond.delete(second);
    if (bySecond.size === 0) this.byFirst.delete(first);
  }

  clear(): void {
    this.byFirst.clear();
  }
}
