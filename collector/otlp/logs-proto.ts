import { ProtoReader, WIRE_LEN } from './proto-reader.ts';
import { Rejections, type Decoded } from './rejections.ts';

// ExportLogsServiceRequest (collector/logs/v1) and logs.proto. Logs are only
// counted (and forwarded raw), so records are walked, not decoded: the walk
// still checks the whole message is well-formed and each record's IDs.

/** Number of valid log records in an OTLP/protobuf ExportLogsServiceRequest. */
export function decodeLogsProto(body: Uint8Array): Decoded<number> {
  const r = new ProtoReader(body);
  const rej = new Rejections('log records');
  const end = body.length;
  let records = 0;
  let ri = 0;
  // ExportLogsServiceRequest { 1: resource_logs } > ResourceLogs { 1: resource, 2: scope_logs } > ScopeLogs { 1: scope, 2: log_records }
  while (r.pos < end) {
    const f = r.tag();
    if (f !== 1) {
      r.skip(end, f);
      continue;
    }
    r.expect(WIRE_LEN, 'ExportLogsServiceRequest.resource_logs');
    const rlEnd = r.len(end);
    let si = 0;
    while (r.pos < rlEnd) {
      const rf = r.tag();
      if (rf !== 2) {
        r.skip(rlEnd, rf);
        continue;
      }
      r.expect(WIRE_LEN, 'ResourceLogs.scope_logs');
      const slEnd = r.len(rlEnd);
      let li = 0;
      while (r.pos < slEnd) {
        const at = r.pos;
        const sf = r.tag();
        if (sf !== 2) {
          r.skip(slEnd, sf);
          continue;
        }
        r.expect(WIRE_LEN, 'ScopeLogs.log_records');
        const problem = checkLogRecord(r, slEnd);
        if (problem === '') records++;
        else {
          rej.reject(1, `log record ${li} of scope ${si} of resource ${ri}: ${problem}`);
          rej.dropField(at, r.pos);
        }
        li++;
      }
      r.endMessage(slEnd, 'ScopeLogs');
      si++;
    }
    r.endMessage(rlEnd, 'ResourceLogs');
    ri++;
  }
  r.endMessage(end, 'ExportLogsServiceRequest');
  return rej.result(records, { proto: body });
}

/** LogRecord: IDs are optional, but when present trace_id (9) is 16 bytes and span_id (10) is 8. */
function checkLogRecord(r: ProtoReader, outerEnd: number): string {
  const end = r.len(outerEnd);
  let problem = '';
  while (r.pos < end) {
    const f = r.tag();
    if (f === 9 || f === 10) {
      r.expect(WIRE_LEN, f === 9 ? 'LogRecord.trace_id' : 'LogRecord.span_id');
      const e = r.len(end);
      const n = e - r.pos;
      const want = f === 9 ? 16 : 8;
      if (n !== 0 && n !== want && problem === '') problem = `${f === 9 ? 'trace_id' : 'span_id'} is ${n} bytes, want ${want}`;
      r.pos = e;
    } else r.skip(end, f);
  }
  r.endMessage(end, 'LogRecord');
  return problem;
}
