// Attribute values as OTLP AnyValue decodes them. 64-bit integers become
// numbers (exact up to 2^53, which covers every attribute seen in practice).
export type AttrValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | AttrValue[]
  | { [key: string]: AttrValue };

export type Attributes = Record<string, AttrValue>;

export function attrString(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function attrNumber(attrs: Attributes, key: string): number | undefined {
  const v = attrs[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}
