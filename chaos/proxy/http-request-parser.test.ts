import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestBoundaryParser } from './http-request-parser.ts';

/** Feeds `chunks` and returns, per request seq, the bytes attributed to it, plus head flags. */
function run(chunks: string[], unsyncFirst = false) {
  const parser = new RequestBoundaryParser();
  if (unsyncFirst) parser.unsync();
  const byRequest = new Map<number, string>();
  const heads: Array<{ seq: number; method: string; closes: boolean }> = [];
  for (const chunk of chunks) {
    for (const seg of parser.feed(Buffer.from(chunk, 'latin1'))) {
      byRequest.set(seg.request, (byRequest.get(seg.request) ?? '') + seg.bytes.toString('latin1'));
      if (seg.starts) heads.push({ seq: seg.request, method: seg.head!.method, closes: seg.head!.closes });
    }
  }
  return { byRequest: Object.fromEntries(byRequest), heads };
}

const get = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
const post = 'POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello';
const chunked = 'PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: x\r\n\r\n';
const closing = 'GET /bye HTTP/1.0\r\n\r\n';

describe('RequestBoundaryParser', () => {
  const cases: Array<{ name: string; chunks: string[]; unsync?: boolean; want: Record<string, string>; methods: string[] }> = [
    { name: 'pipelined requests in one chunk', chunks: [get + post + get], want: { 0: get, 1: post, 2: get }, methods: ['GET', 'POST', 'GET'] },
    { name: 'a request split byte by byte', chunks: [...(post + get)], want: { 0: post, 1: get }, methods: ['POST', 'GET'] },
    { name: 'chunked body with extension and trailer', chunks: [chunked.slice(0, 50), chunked.slice(50), get], want: { 0: chunked, 1: get }, methods: ['PUT', 'GET'] },
    { name: 'another protocol is passed on at once, not held back', chunks: ['PING\r\n', '*1\r\n$4\r\nPING\r\n'], want: { '-1': 'PING\r\n*1\r\n$4\r\nPING\r\n' }, methods: [] },
    { name: 'binary first bytes', chunks: ['\x00\x00\x00\x08\x04\xd2\x16\x2f'], want: { '-1': '\x00\x00\x00\x08\x04\xd2\x16\x2f' }, methods: [] },
    { name: 'not HTTP', chunks: ['\x16\x03\x01 hello tls', get], want: { '-1': '\x16\x03\x01 hello tls' + get }, methods: [] },
    { name: 'resync after unparsed bytes', chunks: ['lo\r\n\r\n', get], unsync: true, want: { '-1': 'lo\r\n\r\n', 0: get }, methods: ['GET'] },
    { name: 'upgrade makes the rest opaque', chunks: ['GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 'frames' + get], want: { 0: 'GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', '-1': 'frames' + get }, methods: ['GET'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { byRequest, heads } = run(c.chunks, c.unsync);
      assert.deepEqual(byRequest, c.want);
      assert.deepEqual(heads.map((h) => h.method), c.methods);
    });
  }

  it('holds back only what can still become a request head', () => {
    const parser = new RequestBoundaryParser();
    assert.deepEqual(parser.feed(Buffer.from('GE')), []);
    assert.deepEqual(parser.feed(Buffer.from('T /x HTTP/1.1\r\nHost: a\r\n')), []);
    const [head] = parser.feed(Buffer.from('\r\n'));
    assert.equal(head.bytes.toString(), 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.equal(head.starts, true);
  });

  it('is at a boundary only between messages with nothing held back', () => {
    const parser = new RequestBoundaryParser();
    const states: boolean[] = [parser.atBoundary];
    for (const piece of ['POST /x HTTP/1.1\r\n', 'Content-Length: 4\r\n\r\nab', 'cd', 'GET / HTTP/1.1\r\n\r\n']) {
      parser.feed(Buffer.from(piece));
      states.push(parser.atBoundary);
    }
    assert.deepEqual(states, [true, false, false, true, true]);
    parser.unsync();
    assert.equal(parser.atBoundary, true);
  });

  it('notes requests that close the connection', () => {
    const { heads } = run([get + closing + 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n']);
    assert.deepEqual(heads.map((h) => h.closes), [false, true, true]);
  });

  it('gives up on a conflicting Content-Length', () => {
    const { byRequest } = run(['POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab']);
    assert.deepEqual(Object.keys(byRequest), ['-1']);
  });
});
