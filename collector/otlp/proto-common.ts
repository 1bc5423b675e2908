import type { AttrValue, Attributes } from '../../model/attributes.ts';
import { resourceFromAttributes, type InstrumentationScope, type Resource } from '../../model/resource.ts';
import { MAX_DEPTH, ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT, invalidProto } from './proto-reader.ts';

// common.proto and resource.proto: AnyValue, KeyValue, InstrumentationScope, Resource.

/** Sets one attribute; `__proto__` is defined as an own property instead of replacing the prototype. */
export function setAttr(attrs: Attributes, key: string, value: AttrValue): void {
  if (key === '__proto__') Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  else attrs[key] = value;
}

/** KeyValue { 1: key, 2: value } into `attrs`. The field's length prefix has not been read yet. */
export function readKeyValue(r: ProtoReader, outerEnd: number, attrs: Attributes, depth: number): void {
  const end = r.len(outerEnd);
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'KeyValue.key');
      key = r.string(end);
    } else if (f === 2) {
      r.expect(WIRE_LEN, 'KeyValue.value');
      value = readAnyValue(r, end, depth + 1);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'KeyValue');
  setAttr(attrs, key, value);
}

/**
 * AnyValue: 1 string, 2 bool, 3 int64, 4 double, 5 ArrayValue, 6 KeyValueList,
 * 7 bytes. An empty AnyValue is null. Reads the length prefix.
 */
export function readAnyValue(r: ProtoReader, outerEnd: number, depth: number): AttrValue {
  if (depth > MAX_DEPTH) throw invalidProto(`AnyValue nested deeper than ${MAX_DEPTH} at byte ${r.pos}`);
  const end = r.len(outerEnd);
  let value: AttrValue = null;
  while (r.pos < end) {
    const f = r.tag();
    switch (f) {
      case 1:
        r.expect(WIRE_LEN, 'AnyValue.string_value');
        value = r.string(end);
        break;
      case 2:
        r.expect(WIRE_VARINT, 'AnyValue.bool_value');
        value = r.bool();
        break;
      case 3:
        r.expect(WIRE_VARINT, 'AnyValue.int_value');
        value = r.int64();
        break;
      case 4:
        r.expect(WIRE_I64, 'AnyValue.double_value');
        value = r.double();
        break;
      case 5: {
        r.expect(WIRE_LEN, 'AnyValue.array_value');
        const arrEnd = r.len(end);
        const arr: AttrValue[] = [];
        while (r.pos < arrEnd) {
          const af = r.tag();
          if (af === 1) {
            r.expect(WIRE_LEN, 'ArrayValue.values');
            arr.push(readAnyValue(r, arrEnd, depth + 1));
          } else r.skip(arrEnd, af);
        }
        r.endMessage(arrEnd, 'ArrayValue');
        value = arr;
        break;
      }
      case 6: {
        r.expect(WIRE_LEN, 'AnyValue.kvlist_value');
        const listEnd = r.len(end);
        const obj: Attributes = {};
        while (r.pos < listEnd) {
          const lf = r.tag();
          if (lf === 1) {
            r.expect(WIRE_LEN, 'KeyValueList.values');
            readKeyValue(r, listEnd, obj, depth + 1);
          } else r.skip(listEnd, lf);
        }
        r.endMessage(listEnd, 'KeyValueList');
        value = obj;
        break;
      }
      case 7:
        r.expect(WIRE_LEN, 'AnyValue.bytes_value');
        value = r.bytes(end);
        break;
      default:
        r.skip(end, f);
    }
  }
  r.endMessage(end, 'AnyValue');
  return value;
}

/** Resource { 1: attributes, 2: dropped_attributes_count }. Reads the length prefix. */
export function readResource(r: ProtoReader, outerEnd: number): Resource {
  const end = r.len(outerEnd);
  const attrs: Attributes = {};
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'Resource.attributes');
      readKeyValue(r, end, attrs, 0);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'Resource');
  return resourceFromAttributes(attrs);
}

/** InstrumentationScope { 1: name, 2: version, 3: attributes, 4: dropped }. Reads the length prefix. */
export function readScope(r: ProtoReader, outerEnd: number): InstrumentationScope {
  const end = r.len(outerEnd);
  let name = '';
  let version: string | undefined;
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'InstrumentationScope.name');
      name = r.string(end);
    } else if (f === 2) {
      r.expect(WIRE_LEN, 'InstrumentationScope.version');
      version = r.string(end);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'InstrumentationScope');
  return version === undefined || version === '' ? { name } : { name, version };
}
