import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { INGEST_MAX_RECEIVES } from '../contract/inbox.ts';
import type { DeadLetters } from '../ports/dead-letters.ts';

/**
 * An in-process stand-in for SQS + Lambda's event source mapping: messages are delivered in
 * batches, failed ones (batchItemFailures, or the whole batch when the handler throws) come
 * back after a visibility delay, and after `maxReceiveCount` receives they move to the DLQ.
 */

export interface QueueOptions {
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  batchSize?: number;
  /** Wait this long for a batch to fill once a message is waiting. */
  batchWindowMs?: number;
  maxReceiveCount?: number;
  /** Delay before a failed message is visible again, times its receive count. */
  retryDelayMs?: number;
  /** Batches handled at once, like concurrent Lambda invocations. */
  concurrency?: number;
}

interface Message {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
}

export class LocalQueue implements DeadLetters {
  readonly deadLetters: { body: string; receiveCount: number; reason?: string }[] = [];
  private readonly waiting: Message[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly options: Required<QueueOptions>;

  constructor(options: QueueOptions) {
    this.options = {
      batchSize: 10,
      batchWindowMs: 20,
      maxReceiveCount: INGEST_MAX_RECEIVES,
      retryDelayMs: 100,
      concurrency: 4,
      ...options,
    };
  }

  send(body: string): void {
    this.waiting.push({ id: randomUUID(), body, receiveCount: 0, visibleAt: Date.now() });
    this.schedule(this.options.batchWindowMs);
  }

  /** What the handler parks itself (a message no retry can mend), after its one receive. */
  async park(body: string, reason: string): Promise<void> {
    this.deadLetters.push({ body, receiveCount: 1, reason });
  }

  /** Messages not yet handled successfully, in flight included. */
  get depth(): number {
    return this.waiting.length + this.inFlight;
  }

  /** Resolves when no message is waiting or in flight. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delayMs);
  }

  private pump(): void {
    const now = Date.now();
    while (this.inFlight < this.options.concurrency) {
      const batch = this.takeVisible(now);
      if (batch.length === 0) break;
      this.inFlight += batch.length;
      void this.deliver(batch).finally(() => {
        this.inFlight -= batch.length;
        this.afterDelivery();
      });
    }
    const next = Math.min(...this.waiting.map((m) => m.visibleAt));
    if (Number.isFinite(next)) this.schedule(Math.max(0, next - now));
  }

  private takeVisible(now: number): Message[] {
    const batch: Message[] = [];
    for (let i = 0; i < this.waiting.length && batch.length < this.options.batchSize; ) {
      const message = this.waiting[i] as Message;
      if (message.visibleAt <= now) batch.push(...this.waiting.splice(i, 1));
      else i++;
    }
    return batch;
  }

  private async deliver(batch: Message[]): Promise<void> {
    for (const message of batch) message.receiveCount += 1;
    let failed: Set<string>;
    try {
      const response = await this.options.handler({ Records: batch.map(toSqsRecord) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.id));
    }
    for (const message of batch.filter((m) => failed.has(m.id))) {
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.deadLetters.push({ body: message.body, receiveCount: message.receiveCount });
      } else {
        message.visibleAt = Date.now() + this.options.retryDelayMs * message.receiveCount;
        this.waiting.push(message);
      }
    }
  }

  private afterDelivery(): void {
    if (this.waiting.length > 0) this.schedule(0);
    if (this.depth === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function toSqsRecord(message: Message): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: message.id,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:feedpub-local-ingest',
    awsRegion: 'us-east-1',
  };
}
