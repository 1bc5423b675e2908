import { arr, field, hexId, obj, parseJsonBody } from './json-common.ts';
import { Rejections, type Decoded } from './rejections.ts';

// OTLP/JSON ExportLogsServiceRequest: log records are counted, with the same
// ID rules as logs-proto.ts (IDs optional; hex of 16 / 8 bytes when present).

export function decodeLogsJson(body: Uint8Array | string): Decoded<number> {
  const root = parseJsonBody(body);
  const rej = new Rejections('log records');
  let records = 0;
  const rlList = arr(field(root, 'resourceLogs', 'resource_logs'), 'resourceLogs');
  for (let ri = 0; ri < rlList.length; ri++) {
    const rl = obj(rlList[ri], `resourceLogs[${ri}]`) ?? {};
    const slList = arr(field(rl, 'scopeLogs', 'scope_logs'), `resourceLogs[${ri}].scopeLogs`);
    for (let si = 0; si < slList.length; si++) {
      const sPath = `resourceLogs[${ri}].scopeLogs[${si}]`;
      const sl = obj(slList[si], sPath) ?? {};
      const lrList = arr(field(sl, 'logRecords', 'log_records'), `${sPath}.logRecords`);
      for (let li = 0; li < lrList.length; li++) {
        const lPath = `${sPath}.logRecords[${li}]`;
        const lr = obj(lrList[li], lPath) ?? {};
        const traceId = hexId(field(lr, 'traceId', 'trace_id'), `${lPath}.traceId`);
        const spanId = hexId(field(lr, 'spanId', 'span_id'), `${lPath}.spanId`);
        let problem = '';
        if (traceId !== '' && traceId.length !== 32) problem = `trace_id is ${traceId.length / 2} bytes, want 16`;
        else if (spanId !== '' && spanId.length !== 16) problem = `span_id is ${spanId.length / 2} bytes, want 8`;
        if (problem === '') records++;
        else {
          rej.reject(1, `log record ${li} of scope ${si} of resource ${ri}: ${problem}`);
          rej.dropItem(lrList, li);
        }
      }
    }
  }
  return rej.result(records, { json: root });
}
