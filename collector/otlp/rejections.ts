// Items dropped from an otherwise valid request, and why: the content of an
// OTLP partial-success response (rejected count plus a human-readable message).

const MAX_REASONS = 3;

export interface Decoded<T> {
  batch: T;
  /** Spans, data points or log records dropped as invalid. */
  rejectedItems: number;
  /** Why, in English; '' when nothing was rejected or noted. */
  rejectionMessage: string;
}

export class Rejections {
  count = 0;
  private readonly reasons: string[] = [];
  private more = 0;

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

  message(): string {
    if (this.reasons.length === 0) return '';
    const more = this.more > 0 ? `; and ${this.more} more` : '';
    const head = this.count > 0 ? `rejected ${this.count} ${this.itemsPlural}: ` : '';
    return `${head}${this.reasons.join('; ')}${more}`;
  }

  result<T>(batch: T): Decoded<T> {
    return { batch, rejectedItems: this.count, rejectionMessage: this.message() };
  }
}
