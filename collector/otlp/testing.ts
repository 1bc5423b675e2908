import type { TraceBatch } from '../../model/trace.ts';

// Helpers shared by the codec tests (not used by production code).

/**
 * The batch without where its spans sit in the request body (protoBody,
 * protoAt, protoEnd), for comparing what two requests decode to.
 */
export function withoutProtoRefs(batch: TraceBatch): TraceBatch {
  const { protoBody: _body, ...rest } = batch;
  return {
    ...rest,
    resourceSpans: batch.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map(({ protoAt: _at, protoEnd: _end, ...span }) => span),
      })),
    })),
  };
}
