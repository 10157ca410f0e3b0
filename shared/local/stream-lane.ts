import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * One of the ParallelizationFactor concurrent batches of a stream shard, as Lambda runs it: the
 * records routed to it, in stream order, go out one batch at a time, when `batchSize` records
 * or Lambda's 6 MB of payload are buffered, or `maxBatchingWindowSeconds` after the oldest
 * buffered one arrived.
 *
 * A batch that fails is retried as Lambda retries it: on `batchItemFailures`, from the earliest
 * failed record (the checkpoint); when the handler throws, split in two halves retried in turn
 * if `bisectBatchOnError` (a split does not use up the retry quota, as AWS documents), else
 * whole. After `retryAttempts` retries the records left go to `onFailure` (the on-failure
 * destination) and the lane moves on.
 */

export type StreamHandler = (
  event: DynamoDBStreamEvent,
) => Promise<DynamoDBBatchResponse | undefined>;

/** The settings of a stream event-source mapping that a lane honours. */
export interface LaneSettings {
  batchSize: number;
  maxBatchingWindowSeconds: number;
  retryAttempts: number;
  bisectBatchOnError: boolean;
}

export interface LaneOptions {
  settings: LaneSettings;
  handler: StreamHandler;
  /** First pause before a retry; it doubles with every retry of the same records, up to 32×. */
  retryDelayMs: number;
  onFailure?: (records: DynamoDBRecord[], error: unknown) => void;
  /** Aborted when the mapping stops: no new batch, no retry. */
  signal: AbortSignal;
}

/** Lambda's limit on one invocation's payload: a batch is cut before it. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

interface Attempt {
  records: DynamoDBRecord[];
  retries: number;
}

type Outcome = { ok: true } | { ok: false; failedFrom: number; error: unknown; thrown: boolean };

export class StreamLane {
  private readonly buffer: { record: DynamoDBRecord; arrivedAt: number; bytes: number }[] = [];
  private bufferedBytes = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LaneOptions) {}

  /** Nothing buffered, no batch in flight. */
  get idle(): boolean {
    return this.buffer.length === 0 && !this.running;
  }

  add(records: readonly DynamoDBRecord[]): void {
    const arrivedAt = Date.now();
    for (const record of records) {
      const bytes = Buffer.byteLength(JSON.stringify(record));
      this.buffer.push({ record, arrivedAt, bytes });
      this.bufferedBytes += bytes;
    }
    this.poke();
  }

  /** Resolves when the batch in flight, if any, is done. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** Sends the next batch if it is due and none is in flight; else waits for its window. */
  private poke(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const oldest = this.buffer[0];
    if (this.running || !oldest || this.options.signal.aborted) return;
    const { batchSize, maxBatchingWindowSeconds } = this.options.settings;
    const windowEnds = oldest.arrivedAt + maxBatchingWindowSeconds * 1000;
    const full = this.buffer.length >= batchSize || this.bufferedBytes >= MAX_PAYLOAD_BYTES;
    if (!full && Date.now() < windowEnds) {
      this.timer = setTimeout(() => this.poke(), windowEnds - Date.now());
      return;
    }
    const batch = this.takeBatch();
    this.running = this.process(batch).finally(() => {
      this.running = undefined;
      this.poke();
    });
  }

  /** The oldest records, up to `batchSize` and the payload limit (at least one). */
  private takeBatch(): DynamoDBRecord[] {
    let count = 0;
    let bytes = 0;
    for (const { bytes: size } of this.buffer) {
      if (count >= this.options.settings.batchSize) break;
      if (count > 0 && bytes + size > MAX_PAYLOAD_BYTES) break;
      count += 1;
      bytes += size;
    }
    this.bufferedBytes -= bytes;
    return this.buffer.splice(0, count).map((b) => b.record);
  }

  private async process(records: DynamoDBRecord[]): Promise<void> {
    // Batches still to handle, in stream order: a split batch's halves go one after the other.
    const pending: Attempt[] = [{ records, retries: 0 }];
    const { retryAttempts, bisectBatchOnError } = this.options.settings;
    for (let attempt = pending.shift(); attempt; attempt = pending.shift()) {
      if (this.options.signal.aborted) return;
      const outcome = await this.invoke(attempt.records);
      if (outcome.ok) continue;
      if (outcome.thrown && bisectBatchOnError && attempt.records.length > 1) {
        const half = Math.ceil(attempt.records.length / 2);
        pending.unshift(
          { records: attempt.records.slice(0, half), retries: attempt.retries },
          { records: attempt.records.slice(half), retries: attempt.retries },
        );
        continue;
      }
      const rest = attempt.records.slice(outcome.failedFrom);
      if (attempt.retries >= retryAttempts) {
        this.options.onFailure?.(rest, outcome.error);
        continue;
      }
      const delay = this.options.retryDelayMs * 2 ** Math.min(attempt.retries, 5);
      await sleep(delay, undefined, { signal: this.options.signal }).catch(() => {});
      pending.unshift({ records: rest, retries: attempt.retries + 1 });
    }
  }

  private async invoke(records: DynamoDBRecord[]): Promise<Outcome> {
    let response: DynamoDBBatchResponse | undefined;
    try {
      response = await this.options.handler({ Records: records });
    } catch (error) {
      return { ok: false, failedFrom: 0, error, thrown: true };
    }
    const named = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    if (named.length === 0) return { ok: true };
    const positions = named.map((id) =>
      records.findIndex((r) => r.dynamodb?.SequenceNumber === id),
    );
    // An identifier that names no record of the batch makes the whole batch failed (as in Lambda).
    const failedFrom = positions.some((p) => p < 0) ? 0 : Math.min(...positions);
    const error = new Error(
      `the handler reported ${named.length} of ${records.length} records failed (batchItemFailures)`,
    );
    return { ok: false, failedFrom, error, thrown: false };
  }
}
