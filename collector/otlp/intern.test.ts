import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { internHexId, internUtf8 } from './intern.ts';

// The intern tables hash a sample of the bytes; whatever collides, the
// string returned must always be the one the bytes spell.

const enc = new TextEncoder();

describe('internUtf8', () => {
  it('returns the exact string for keys that differ only in unsampled bytes, in any order', () => {
    const words = [];
    for (let i = 0; i < 2000; i++) words.push(`http.${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) | 0) % 26)}x.request.method.${i % 3}`);
    for (let round = 0; round < 3; round++) {
      for (const w of round === 1 ? [...words].reverse() : words) {
        const b = enc.encode(`!!${w}??`);
        assert.equal(internUtf8(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 2, b.length - 2), w);
      }
    }
  });
  const cases: Array<[string, string]> = [
    ['empty', ''], ['ASCII', 'service.name'], ['multi-byte', 'välue ✓'], ['long (not interned)', 'x'.repeat(200)], ['emoji', '🚀 launch'],
  ];
  for (const [name, s] of cases) {
    it(name, () => {
      const b = enc.encode(s);
      assert.equal(internUtf8(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length), s);
      assert.equal(internUtf8(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length), s);
    });
  }
  it('invalid UTF-8 becomes U+FFFD', () => {
    const b = Uint8Array.from([0x61, 0xff, 0x62]);
    assert.equal(internUtf8(b, new DataView(b.buffer), 0, 3), 'a\ufffdb');
  });
});

describe('internHexId', () => {
  it('returns the exact hex for IDs that share their hashed bytes', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        const id = new Uint8Array(16).fill(0xab);
        id[7] = i & 0xff;
        id[9] = i >> 8;
        const hex = Buffer.from(id).toString('hex');
        assert.equal(internHexId(id, new DataView(id.buffer), 0, 16), hex);
        assert.equal(internHexId(id, new DataView(id.buffer), 0, 8), hex.slice(0, 16));
      }
    }
  });
});
