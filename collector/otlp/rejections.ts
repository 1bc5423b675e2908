// Items dropped from an otherwise valid request, and why: the content of an
// OTLP partial-success response (rejected count plus a human-readable message).

import { jsonWithout, protoWithout } from './without-rejected.ts';

const MAX_REASONS = 3;

export interface Decoded<T> {
  batch: T;
  /** Spans, data points or log records dropped as invalid. */
  rejectedItems: number;
  /** Why, in English; '' when nothing was rejected or noted. */
  rejectionMessage: string;
  /**
   * The request without the rejected items, in its own encoding (what
   * --forward-otlp passes on); set only when something was left out.
   */
  acceptedBody?: () => Uint8Array;
}

export class Rejections {
  count = 0;
  private readonly reasons: string[] = [];
  private more = 0;
  /** Protobuf: [start, end) byte ranges of the fields left out. */
  private readonly ranges: number[] = [];
  /** JSON: [array, index] of the items left out. */
  private readonly jsonItems: Array<readonly [unknown[], number]> = [];

  /** `itemsPlural` names the items in the message: 'spans', 'data points', 'log records'. */
  constructor(private readonly itemsPlural: string) {}

  /** Drops `n` items for `reason`. */
  reject(n: number, reason: string): void {
    this.count += n;
    this.note(reason);
  }

  /** Records a reason without dropping items (a warning in the partial-success message). */
  note(reason: string): void {
    if (this.reasons.length < MAX_REASONS) this.reasons.push(reason);
    else this.more++;
  }

  /** Leaves the protobuf field at [start, end) (tag included) out of acceptedBody. */
  dropField(start: number, end: number): void {
    this.ranges.push(start, end);
  }

  /** Leaves list[index] out of acceptedBody. */
  dropItem(list: unknown[], index: number): void {
    this.jsonItems.push([list, index]);
  }

  message(): string {
    if (this.reasons.length === 0) return '';
    const more = this.more > 0 ? `; and ${this.more} more` : '';
    const head = this.count > 0 ? `rejected ${this.count} ${this.itemsPlural}: ` : '';
    return `${head}${this.reasons.join('; ')}${more}`;
  }

  /** The decoded batch; pass the protobuf body, or the parsed JSON request, for acceptedBody. */
  result<T>(batch: T, request: { proto: Uint8Array } | { json: unknown }): Decoded<T> {
    const decoded: Decoded<T> = { batch, rejectedItems: this.count, rejectionMessage: this.message() };
    if ('proto' in request && this.ranges.length > 0) decoded.acceptedBody = () => protoWithout(request.proto, this.ranges);
    if ('json' in request && this.jsonItems.length > 0) decoded.acceptedBody = () => jsonWithout(request.json, this.jsonItems);
    return decoded;
  }
}
