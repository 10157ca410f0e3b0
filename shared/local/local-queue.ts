import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { INGEST_EVENTS } from '../contract/event-sources.ts';
import { INGEST_MAX_RECEIVES } from '../contract/inbox.ts';
import type { DeadLetters } from '../ports/dead-letters.ts';

/**
 * SQS and Lambda's SQS event-source mapping, in process, with the deployed settings
 * (INGEST_EVENTS unless told others): up to `batchSize` messages per invocation, sent as soon
 * as a message is visible (no batching window), up to `maxConcurrency` invocations at once,
 * each holding messages the others do not. A failed message (a batchItemFailure, or every
 * message of an invocation that throws) is hidden, then received again; a message that fails
 * its `maxReceiveCount`-th receive moves to the dead-letter list.
 *
 * The one deliberate difference is time. On AWS a failed message stays hidden until the
 * queue's visibility timeout (180 s) has passed since it was received; here it stays hidden for
 * `retryDelayMs` after its invocation ends (LOCAL_RETRY_DELAY_MS by default), so a retry shows
 * within a test or a dev session, and a slow local invocation never sees its own messages
 * delivered a second time meanwhile.
 */

/** The settings of an SQS event-source mapping that the local queue honours. */
export interface QueueEventSettings {
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
}

/** The local stand-in for the 180 s visibility timeout: time is compressed, not skipped. */
export const LOCAL_RETRY_DELAY_MS = 500;

export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface QueueOptions {
  handler: QueueHandler;
  /** The queue's name in its records' eventSourceARN (default: the inbox queue's). */
  name?: string;
  /** Overrides of INGEST_EVENTS, for tests of the queue itself. */
  events?: Partial<QueueEventSettings>;
  /** Receives before the dead-letter list (INGEST_MAX_RECEIVES). */
  maxReceiveCount?: number;
  /** How long a failed message stays hidden after its invocation (LOCAL_RETRY_DELAY_MS). */
  retryDelayMs?: number;
}

/** A message in the dead-letter list; `sentAt` is when it was first sent (ms). */
export interface DeadLetter {
  body: string;
  receiveCount: number;
  reason?: string;
  sentAt: number;
}

interface Message {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
}

export class LocalQueue implements DeadLetters {
  readonly deadLetters: DeadLetter[] = [];
  private readonly waiting: Message[] = [];
  private inFlightBatches = 0;
  private inFlightMessages = 0;
  /** The batches being delivered, so a stopped queue can say what it had not finished. */
  private readonly delivering = new Set<Message[]>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly events: QueueEventSettings;
  private readonly handler: QueueHandler;
  private readonly maxReceiveCount: number;
  private readonly retryDelayMs: number;
  private readonly arn: string;

  constructor(options: QueueOptions) {
    this.handler = options.handler;
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${options.name ?? 'feedpub-local-ingest'}`;
    this.events = { ...INGEST_EVENTS, ...options.events };
    this.maxReceiveCount = options.maxReceiveCount ?? INGEST_MAX_RECEIVES;
    this.retryDelayMs = options.retryDelayMs ?? LOCAL_RETRY_DELAY_MS;
  }

  /** Sends a message; with `delaySeconds`, it stays hidden that long (SQS's DelaySeconds). */
  send(
    body: string,
    {
      delaySeconds = 0,
      sentAt,
    }: {
      delaySeconds?: number;
      /** When it was first sent, for a message kept from an earlier run (its age). */
      sentAt?: number;
    } = {},
  ): void {
    const now = Date.now();
    const visibleAt = now + delaySeconds * 1000;
    this.waiting.push({
      id: randomUUID(),
      body,
      sentAt: sentAt ?? now,
      receiveCount: 0,
      visibleAt,
    });
    this.wakeAt(visibleAt);
  }

  /** What the handler parks itself (a message no retry can mend), after its one receive. */
  async park(body: string, reason: string): Promise<void> {
    this.deadLetters.push({ body, receiveCount: 1, reason, sentAt: Date.now() });
  }

  /** Messages not yet handled successfully, in flight included. */
  get depth(): number {
    return this.waiting.length + this.inFlightMessages;
  }

  /** Messages waiting and in flight, and when the oldest of them was sent (ms). */
  get stats(): { waiting: number; inFlight: number; oldestSentAt?: number } {
    const sent = this.waiting.map((m) => m.sentAt);
    return {
      waiting: this.waiting.length,
      inFlight: this.inFlightMessages,
      ...(sent.length > 0 ? { oldestSentAt: Math.min(...sent) } : {}),
    };
  }

  /** Invocations running now. */
  get inFlight(): number {
    return this.inFlightBatches;
  }

  /** Resolves when no message is waiting or in flight. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * The messages not yet handled successfully (waiting, and in flight: one whose invocation
   * ends after this may come again, which ingest takes as the duplicate it is), with when each
   * was first sent: what a restart sends again, as SQS would still hold them.
   */
  undelivered(): { body: string; sentAt: number }[] {
    return [...this.waiting, ...[...this.delivering].flat()].map(({ body, sentAt }) => ({
      body,
      sentAt,
    }));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs `pump` at `at` at the latest (sooner if already asked for sooner). */
  private wakeAt(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** Starts every invocation that is due and fits, then sleeps until the next one may be. */
  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    while (this.inFlightBatches < this.events.maxConcurrency) {
      const visible = this.waiting.filter((m) => m.visibleAt <= now);
      if (visible.length === 0) break;
      const oldest = Math.min(...visible.map((m) => m.visibleAt));
      const windowEnds = oldest + this.events.maxBatchingWindowSeconds * 1000;
      if (visible.length < this.events.batchSize && now < windowEnds) {
        this.wakeAt(windowEnds);
        break;
      }
      this.start(visible.slice(0, this.events.batchSize));
    }
    const hidden = this.waiting.filter((m) => m.visibleAt > now).map((m) => m.visibleAt);
    if (hidden.length > 0) this.wakeAt(Math.min(...hidden));
  }

  private start(batch: Message[]): void {
    const taken = new Set(batch);
    for (let i = this.waiting.length - 1; i >= 0; i--)
      if (taken.has(this.waiting[i] as Message)) this.waiting.splice(i, 1);
    this.inFlightBatches += 1;
    this.inFlightMessages += batch.length;
    this.delivering.add(batch);
    void this.deliver(batch).finally(() => {
      this.delivering.delete(batch);
      this.inFlightBatches -= 1;
      this.inFlightMessages -= batch.length;
      this.pump();
      if (this.depth === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  private async deliver(batch: Message[]): Promise<void> {
    const receivedAt = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= receivedAt;
    }
    const failed = await this.failedIds(batch);
    for (const message of batch.filter((m) => failed.has(m.id))) {
      if (message.receiveCount >= this.maxReceiveCount) {
        this.deadLetters.push({
          body: message.body,
          receiveCount: message.receiveCount,
          sentAt: message.sentAt,
        });
      } else {
        message.visibleAt = Date.now() + this.retryDelayMs;
        this.waiting.push(message);
      }
    }
  }

  /**
   * The messages of an invocation that failed: those it names in batchItemFailures, or all of
   * them when it throws or names one that is not in the batch (as Lambda treats it).
   */
  private async failedIds(batch: Message[]): Promise<Set<string>> {
    const all = new Set(batch.map((m) => m.id));
    try {
      const response = await this.handler({
        Records: batch.map((message) => toSqsRecord(message, this.arn)),
      });
      const named = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      return named.every((id) => all.has(id)) ? new Set(named) : all;
    } catch {
      return all;
    }
  }
}

function toSqsRecord(message: Message, eventSourceARN: string): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: `${message.id}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: 'us-east-1',
  };
}
