import type { AttrValue, Attributes } from '../../model/attributes.ts';
import { resourceFromAttributes, type InstrumentationScope, type Resource } from '../../model/resource.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { normalizeHexId } from './hex.ts';
import { decimalToLoHi } from './nanos.ts';
import { setAttr } from './proto-common.ts';
import { MAX_DEPTH } from './proto-reader.ts';

// OTLP/JSON (opentelemetry-proto docs/specification.md, "JSON Protobuf
// Encoding"): proto3 JSON mapping with hex trace/span IDs and integer enums.
// Keys are lowerCamelCase; the original snake_case names and enum name
// strings are accepted too. Unknown keys are ignored. 64-bit integers may be
// numbers or decimal strings. Wrong JSON types throw InvalidInput naming the
// path of the value.

export type Json = Record<string, unknown>;

export function invalidJson(path: string, problem: string): FaultlineError {
  return new FaultlineError(ErrorCode.InvalidInput, `invalid OTLP JSON: ${path === '' ? '' : `${path}: `}${problem}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a request body; an empty body is an empty request. */
export function parseJsonBody(body: Uint8Array | string): Json {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw invalidJson('', 'body is not valid UTF-8');
  }
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw invalidJson('', `not JSON (${(err as Error).message})`);
  }
  return obj(v, '') ?? {};
}

/** `o[camel]`, falling back to the proto field name. */
export function field(o: Json, camel: string, snake?: string): unknown {
  const v = o[camel];
  return v === undefined && snake !== undefined ? o[snake] : v;
}

export function obj(v: unknown, path: string): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidJson(path, `expected an object, got ${describe(v)}`);
  return v as Json;
}

export function arr(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidJson(path, `expected an array, got ${describe(v)}`);
  return v;
}

export function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw invalidJson(path, `expected a string, got ${describe(v)}`);
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw invalidJson(path, `expected true or false, got ${describe(v)}`);
  return v;
}

const INT_RE = /^-?\d+$/;

/** A 64-bit integer as a number or decimal string (exact within ±2^53). */
export function int64(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INT_RE.test(v)) return Number(v);
  throw invalidJson(path, `expected an integer or a decimal string, got ${describe(v)}`);
}

/** A uint64 (times in ns) as [lo, hi] 32-bit halves, exact for decimal strings. */
export function uint64LoHi(v: unknown, path: string): [number, number] {
  if (v === undefined || v === null) return [0, 0];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return [v % 4294967296, Math.floor(v / 4294967296)];
  const parts = typeof v === 'string' ? decimalToLoHi(v) : undefined;
  if (parts === undefined) throw invalidJson(path, `expected an unsigned 64-bit integer, got ${describe(v)}`);
  return parts;
}

/** A double: a number, or a string for NaN/Infinity/-Infinity (and numbers sent as strings). */
export function dbl(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (!Number.isNaN(n) || v === 'NaN') return n;
  }
  throw invalidJson(path, `expected a number, got ${describe(v)}`);
}

/** An enum as its integer (the OTLP form) or its name. */
export function enumValue(v: unknown, names: readonly string[], path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
  }
  throw invalidJson(path, `expected an enum integer, got ${describe(v)}`);
}

/** A trace/span ID as lowercase hex ('' when absent). Not hex (base64, for one) is an error. */
export function hexId(v: unknown, path: string): string {
  const s = str(v, path);
  const hex = normalizeHexId(s);
  if (hex === undefined) throw invalidJson(path, `${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s)} is not a hex ID (OTLP/JSON IDs are hex, not base64)`);
  return hex;
}

export function attributes(v: unknown, path: string, depth = 0): Attributes {
  const out: Attributes = {};
  const list = arr(v, path);
  for (let i = 0; i < list.length; i++) {
    const kv = obj(list[i], `${path}[${i}]`);
    if (kv === undefined) continue;
    setAttr(out, str(kv.key, `${path}[${i}].key`), anyValue(kv.value, `${path}[${i}].value`, depth + 1));
  }
  return out;
}

/** AnyValue: stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue (base64); {} is null. */
export function anyValue(v: unknown, path: string, depth: number): AttrValue {
  if (depth > MAX_DEPTH) throw invalidJson(path, `AnyValue nested deeper than ${MAX_DEPTH}`);
  const o = obj(v, path);
  if (o === undefined) return null;
  let x: unknown;
  if ((x = field(o, 'stringValue', 'string_value')) !== undefined) return str(x, `${path}.stringValue`);
  if ((x = field(o, 'boolValue', 'bool_value')) !== undefined) return bool(x, `${path}.boolValue`);
  if ((x = field(o, 'intValue', 'int_value')) !== undefined) return int64(x, `${path}.intValue`);
  if ((x = field(o, 'doubleValue', 'double_value')) !== undefined) return dbl(x, `${path}.doubleValue`);
  if ((x = field(o, 'arrayValue', 'array_value')) !== undefined) {
    const values = arr(obj(x, `${path}.arrayValue`)?.values, `${path}.arrayValue.values`);
    return values.map((e, i) => anyValue(e, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if ((x = field(o, 'kvlistValue', 'kvlist_value')) !== undefined) {
    return attributes(obj(x, `${path}.kvlistValue`)?.values, `${path}.kvlistValue.values`, depth + 1);
  }
  if ((x = field(o, 'bytesValue', 'bytes_value')) !== undefined) return base64(x, `${path}.bytesValue`);
  return null;
}

const B64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

function base64(v: unknown, path: string): Uint8Array {
  const s = str(v, path);
  if (!B64_RE.test(s)) throw invalidJson(path, 'bytes must be base64');
  return Uint8Array.from(Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64'));
}

export function resource(v: unknown, path: string): Resource {
  const o = obj(v, path);
  return resourceFromAttributes(o === undefined ? {} : attributes(o.attributes, `${path}.attributes`));
}

export function scope(v: unknown, path: string): InstrumentationScope {
  const o = obj(v, path);
  if (o === undefined) return { name: '' };
  const name = str(o.name, `${path}.name`);
  const version = str(o.version, `${path}.version`);
  return version === '' ? { name } : { name, version };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
