import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { INGEST_EVENTS } from '../../../shared/contract/event-sources.ts';
import { INGEST_MAX_RECEIVES } from '../../../shared/contract/inbox.ts';
import { LocalQueue, type QueueOptions } from '../../../shared/local/local-queue.ts';
import { eventually, gate } from '../../support/wait.ts';

const ok: SQSBatchResponse = { batchItemFailures: [] };
const until = (check: () => boolean, what: string) =>
  eventually(async () => (check() ? true : undefined), what);
const receives = (r: SQSRecord) => Number(r.attributes.ApproximateReceiveCount);

/** The handler's invocations as the test sees them. */
class Invocations {
  readonly batches: { records: SQSRecord[]; at: number; endedAt?: number }[] = [];
  running = 0;
  maxRunning = 0;

  constructor(
    private readonly respond: (records: SQSRecord[]) => Promise<SQSBatchResponse> = async () => ok,
  ) {}

  readonly handler = async (event: SQSEvent) => {
    const batch: (typeof this.batches)[number] = { records: event.Records, at: Date.now() };
    this.batches.push(batch);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.respond(event.Records);
    } finally {
      this.running -= 1;
      batch.endedAt = Date.now();
    }
  };

  /** Bodies received, with how often. */
  receivedBodies(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.batches.flatMap((b) => b.records))
      counts.set(r.body, (counts.get(r.body) ?? 0) + 1);
    return counts;
  }
}

describe('LocalQueue: SQS and Lambda’s SQS event-source mapping, in process', () => {
  let queue: LocalQueue | undefined;
  afterEach(() => {
    queue?.stop();
    queue = undefined;
  });

  const start = (options: QueueOptions) => {
    queue = new LocalQueue(options);
    return queue;
  };

  it('runs up to maxConcurrency invocations at once, batchSize messages each', async () => {
    const release = gate();
    const calls = new Invocations(async () => {
      await release.promise;
      return ok;
    });
    const q = start({ handler: calls.handler });
    const total = INGEST_EVENTS.batchSize * (INGEST_EVENTS.maxConcurrency + 10);
    for (let i = 0; i < total; i++) q.send(`m${i}`);

    await until(() => calls.running === INGEST_EVENTS.maxConcurrency, 'every invocation busy');
    expect(q.inFlight).toBe(INGEST_EVENTS.maxConcurrency);
    expect(q.depth).toBe(total);
    release.open();
    await q.idle();

    expect(calls.maxRunning).toBe(INGEST_EVENTS.maxConcurrency);
    expect(Math.max(...calls.batches.map((b) => b.records.length))).toBe(INGEST_EVENTS.batchSize);
    expect([...calls.receivedBodies().values()]).toEqual(Array(total).fill(1));
    expect(q.depth).toBe(0);
  });

  it('delivers a lone message at once, without waiting for a batch to fill', async () => {
    const calls = new Invocations();
    const q = start({ handler: calls.handler });
    q.send('alone');
    await q.idle();
    expect(calls.batches.map((b) => b.records.map((r) => r.body))).toEqual([['alone']]);
  });

  it('receives a reported failure again after the retry delay, then parks it after the last receive', async () => {
    const retryDelayMs = 20;
    const calls = new Invocations(async (records) => ({
      batchItemFailures: records
        .filter((r) => r.body === 'bad')
        .map((r) => ({ itemIdentifier: r.messageId })),
    }));
    const q = start({ handler: calls.handler, retryDelayMs });
    for (const body of ['good-1', 'bad', 'good-2']) q.send(body);
    await q.idle();

    const bad = calls.batches.filter((b) => b.records.some((r) => r.body === 'bad'));
    const later = Array.from({ length: INGEST_MAX_RECEIVES - 1 }, (_, i) => [i + 2]);
    expect(bad.map((b) => b.records.map(receives))).toEqual([[1, 1, 1], ...later]);
    for (let i = 1; i < bad.length; i++)
      expect((bad[i]?.at ?? 0) - (bad[i - 1]?.endedAt ?? 0)).toBeGreaterThanOrEqual(retryDelayMs);
    expect(q.deadLetters).toEqual([
      { body: 'bad', receiveCount: INGEST_MAX_RECEIVES, sentAt: expect.any(Number) },
    ]);
    expect(calls.receivedBodies()).toEqual(
      new Map([
        ['good-1', 1],
        ['bad', INGEST_MAX_RECEIVES],
        ['good-2', 1],
      ]),
    );
  });

  it('receives every message of an invocation that throws again', async () => {
    let thrown = false;
    const calls = new Invocations(async () => {
      if (thrown) return ok;
      thrown = true;
      throw new Error('crashed');
    });
    const q = start({ handler: calls.handler, retryDelayMs: 1 });
    for (const body of ['a', 'b']) q.send(body);
    await q.idle();
    expect(calls.batches.map((b) => b.records.map((r) => `${r.body}@${receives(r)}`))).toEqual([
      ['a@1', 'b@1'],
      ['a@2', 'b@2'],
    ]);
    expect(q.deadLetters).toEqual([]);
  });

  it('receives the whole batch again when batchItemFailures names a message it does not hold', async () => {
    let answered = false;
    const calls = new Invocations(async () => {
      if (answered) return ok;
      answered = true;
      return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
    });
    const q = start({ handler: calls.handler, retryDelayMs: 1 });
    for (const body of ['a', 'b']) q.send(body);
    await q.idle();
    expect(calls.receivedBodies()).toEqual(
      new Map([
        ['a', 2],
        ['b', 2],
      ]),
    );
  });

  it('keeps what the handler parks itself beside what failed every receive', async () => {
    const q = start({ handler: async () => ok });
    await q.park('not an event', 'not JSON');
    expect(q.deadLetters).toEqual([
      { body: 'not an event', receiveCount: 1, reason: 'not JSON', sentAt: expect.any(Number) },
    ]);
    expect(q.depth).toBe(0);
  });
});
