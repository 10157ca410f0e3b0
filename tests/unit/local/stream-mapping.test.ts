import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISH_EVENTS } from '../../../shared/contract/event-sources.ts';
import { StreamMapping, type StreamMappingOptions } from '../../../shared/local/stream-mapping.ts';
import { prng } from '../../support/prng.ts';
import { eventually, gate } from '../../support/wait.ts';
import { FakeStream } from './fake-stream.ts';

const pkOf = (r: DynamoDBRecord) => r.dynamodb?.Keys?.pk?.S ?? '';
const seqOf = (r: DynamoDBRecord) => r.dynamodb?.SequenceNumber ?? '';
const ok: DynamoDBBatchResponse = { batchItemFailures: [] };
const until = (check: () => boolean, what: string) =>
  eventually(async () => (check() ? true : undefined), what);

/** The handler's calls as the test sees them: records, start time, how many ran at once. */
class Calls {
  readonly batches: { records: DynamoDBRecord[]; at: number }[] = [];
  readonly inFlight = new Set<DynamoDBRecord[]>();
  maxInFlight = 0;
  /** A record's partition key was in two batches in flight at once. */
  overlaps = 0;

  constructor(
    private readonly respond: (
      records: DynamoDBRecord[],
      call: number,
    ) => Promise<DynamoDBBatchResponse | undefined> = async () => ok,
  ) {}

  readonly handler = async (event: DynamoDBStreamEvent) => {
    const records = event.Records;
    const call = this.batches.push({ records, at: Date.now() }) - 1;
    const busy = new Set([...this.inFlight].flat().map(pkOf));
    if (records.some((r) => busy.has(pkOf(r)))) this.overlaps += 1;
    this.inFlight.add(records);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight.size);
    try {
      return await this.respond(records, call);
    } finally {
      this.inFlight.delete(records);
    }
  };

  get sizes(): number[] {
    return this.batches.map((b) => b.records.length);
  }
}

describe('StreamMapping: Lambda’s stream event-source mapping, in process', () => {
  let mapping: StreamMapping | undefined;
  afterEach(async () => {
    await mapping?.stop();
    mapping = undefined;
  });

  /** The deployed settings (PUBLISH_EVENTS) unless a test says otherwise; no retry pause. */
  async function start(stream: FakeStream, options: Partial<StreamMappingOptions>) {
    mapping = new StreamMapping({
      dynamo: stream.dynamo,
      streams: stream.streams,
      tableName: 't',
      handler: async () => ok,
      retryDelayMs: 0,
      pollIntervalMs: 5,
      ...options,
    });
    await mapping.start();
    return mapping;
  }

  it('starts a poll round every pollIntervalMs, however long its reads took, as Lambda polls four times a second', async () => {
    const stream = new FakeStream();
    // A clock that only the reads move: each GetRecords takes `readMs` of it.
    let now = 0;
    let readMs = 100;
    stream.onRead = () => {
      now += readMs;
    };
    const pauses: number[] = [];
    await start(stream, {
      pollIntervalMs: 250,
      pacing: {
        now: () => now,
        pause: async (ms) => {
          pauses.push(ms);
          now += ms;
          await new Promise(setImmediate);
        },
      },
    });
    await until(() => pauses.length >= 3, 'three rounds');
    // The rest of each round's 250 ms, not 250 ms more after it.
    expect(pauses.slice(0, 3)).toEqual([150, 150, 150]);
    // A round whose reads outlast the interval is followed at once.
    readMs = 400;
    const seen = pauses.length;
    await until(() => pauses.length >= seen + 3, 'three slow rounds');
    expect(pauses.slice(seen + 1, seen + 3)).toEqual([0, 0]);
  });

  it('runs up to parallelizationFactor batches at once, never two holding the same item', async () => {
    const stream = new FakeStream();
    for (let i = 0; i < 40; i++) stream.put(`ART#${i}`);
    const release = gate();
    const calls = new Calls(async () => {
      await release.promise;
      return ok;
    });
    const m = await start(stream, { handler: calls.handler });

    await until(() => calls.inFlight.size >= 2, 'two batches in flight');
    release.open();
    await m.idle();

    expect(calls.maxInFlight).toBeGreaterThanOrEqual(2);
    expect(calls.maxInFlight).toBeLessThanOrEqual(PUBLISH_EVENTS.parallelizationFactor);
    expect(calls.overlaps).toBe(0);
    const handled = calls.batches.flatMap((b) => b.records.map(seqOf));
    expect(handled.sort()).toEqual(stream.sequences());
  });

  it('keeps the changes of each item in stream order while lanes interleave', async () => {
    const stream = new FakeStream();
    for (let change = 0; change < 12; change++)
      for (let item = 0; item < 8; item++) stream.put(`ART#${item}`);
    const random = prng(7);
    const seen = new Map<string, string[]>();
    const calls = new Calls(async (records) => {
      // Each invocation takes its own time, so the lanes finish in a mixed order.
      for (let i = Math.floor(random() * 5); i > 0; i--) await new Promise(setImmediate);
      for (const r of records) seen.set(pkOf(r), [...(seen.get(pkOf(r)) ?? []), seqOf(r)]);
      return ok;
    });
    const m = await start(stream, { handler: calls.handler, events: { batchSize: 3 } });
    await m.idle();

    expect(calls.maxInFlight).toBeGreaterThanOrEqual(2);
    expect(calls.overlaps).toBe(0);
    for (let item = 0; item < 8; item++) {
      expect(seen.get(`ART#${item}`)).toEqual(stream.sequences(`ART#${item}`));
    }
  });

  it('sends a batch when its window ends, though the stream never goes quiet', async () => {
    const stream = new FakeStream();
    const putAt = Date.now();
    stream.put('ART#busy');
    const calls = new Calls();
    // Until a batch goes out, every read finds one more change: the stream is never quiet.
    stream.onRead = () => {
      if (calls.batches.length === 0) stream.put('ART#busy');
    };
    // A window of a second (Lambda's smallest; publish runs with none): the mechanism under test.
    await start(stream, { handler: calls.handler, events: { maxBatchingWindowSeconds: 1 } });

    await until(() => calls.batches.length > 0, 'a batch');
    const [first] = calls.batches;
    const windowMs = 1000;
    expect((first?.at ?? 0) - putAt).toBeGreaterThanOrEqual(windowMs);
    expect(first?.records.length).toBeLessThan(PUBLISH_EVENTS.batchSize);
    expect(first?.records.map(seqOf)[0]).toBe(stream.sequences()[0]);
    // Changes kept coming during the window, and the batch went out all the same.
    expect(first?.records.length).toBeGreaterThan(1);
  });

  it('holds a lone change for the window, and sends a full batch without waiting for it', async () => {
    const stream = new FakeStream();
    const putAt = Date.now();
    stream.put('ART#lone');
    const calls = new Calls();
    const m = await start(stream, {
      handler: calls.handler,
      events: { maxBatchingWindowSeconds: 1 },
    });
    await m.idle();
    expect(calls.batches).toHaveLength(1);
    expect((calls.batches[0]?.at ?? 0) - putAt).toBeGreaterThanOrEqual(1000);
    await m.stop();

    // A window longer than any test: only a full batch can make this one go out.
    const full = new FakeStream();
    for (let i = 0; i < 5; i++) full.put('ART#full');
    const fullCalls = new Calls();
    await start(full, {
      handler: fullCalls.handler,
      events: { batchSize: 5, maxBatchingWindowSeconds: 3600 },
    });
    await until(() => fullCalls.batches.length > 0, 'a full batch');
    expect(fullCalls.sizes).toEqual([5]);
  });

  it('cuts a batch at Lambda’s 6 MB payload limit', async () => {
    const stream = new FakeStream();
    for (let i = 0; i < 4; i++) stream.put('ART#big', 2 * 1024 * 1024);
    const calls = new Calls();
    const m = await start(stream, { handler: calls.handler });
    await m.idle();
    expect(calls.sizes).toEqual([2, 2]);
  });

  it('bisects a batch whose invocation throws, until the bad record stands alone', async () => {
    const stream = new FakeStream();
    for (let i = 0; i < 8; i++) stream.put(i === 5 ? 'ART#bad' : `ART#${i}`);
    const failures: { records: DynamoDBRecord[]; error: unknown }[] = [];
    const calls = new Calls(async (records) => {
      if (records.some((r) => pkOf(r) === 'ART#bad')) throw new Error('cannot render ART#bad');
      return ok;
    });
    const m = await start(stream, {
      handler: calls.handler,
      events: { batchSize: 8, parallelizationFactor: 1 },
      onFailure: (records, error) => failures.push({ records, error }),
    });
    await m.idle();

    // 8 → 4 + 4 → 2 + 2 → 1 + 1; splitting uses no retry, the lone bad record uses them all.
    const retries = PUBLISH_EVENTS.retryAttempts;
    expect(calls.sizes).toEqual([8, 4, 4, 2, 1, ...Array(1 + retries).fill(1), 2]);
    expect(failures.map((f) => f.records.map(pkOf))).toEqual([['ART#bad']]);
    expect(String(failures[0]?.error)).toContain('cannot render ART#bad');
    const succeeded = calls.batches
      .filter((b) => !b.records.some((r) => pkOf(r) === 'ART#bad'))
      .flatMap((b) => b.records.map(pkOf));
    expect(succeeded).toEqual(['ART#0', 'ART#1', 'ART#2', 'ART#3', 'ART#4', 'ART#6', 'ART#7']);
  });

  it('retries from the earliest record named in batchItemFailures (the checkpoint)', async () => {
    const stream = new FakeStream();
    const seqs = Array.from({ length: 6 }, (_, i) => stream.put(`ART#${i}`));
    const calls = new Calls(async (_records, call) =>
      call === 0
        ? {
            batchItemFailures: [
              { itemIdentifier: seqs[4] ?? '' },
              { itemIdentifier: seqs[2] ?? '' },
            ],
          }
        : ok,
    );
    const m = await start(stream, {
      handler: calls.handler,
      events: { batchSize: 6, parallelizationFactor: 1 },
    });
    await m.idle();
    expect(calls.batches.map((b) => b.records.map(seqOf))).toEqual([seqs, seqs.slice(2)]);
  });

  it('retries the whole batch when batchItemFailures names a record it does not hold', async () => {
    const stream = new FakeStream();
    const seqs = Array.from({ length: 3 }, (_, i) => stream.put(`ART#${i}`));
    const calls = new Calls(async (_records, call) =>
      call === 0 ? { batchItemFailures: [{ itemIdentifier: 'no-such-record' }] } : ok,
    );
    const m = await start(stream, {
      handler: calls.handler,
      events: { batchSize: 3, parallelizationFactor: 1 },
    });
    await m.idle();
    expect(calls.batches.map((b) => b.records.map(seqOf))).toEqual([seqs, seqs]);
  });

  it('after retryAttempts hands the records left to the on-failure destination, and moves on', async () => {
    const stream = new FakeStream();
    const seqs = Array.from({ length: 5 }, (_, i) => stream.put(`ART#${i}`));
    const failures: DynamoDBRecord[][] = [];
    const calls = new Calls(async (records) => {
      const stuck = records.find((r) => seqOf(r) === seqs[2]);
      return stuck ? { batchItemFailures: [{ itemIdentifier: seqOf(stuck) }] } : ok;
    });
    const m = await start(stream, {
      handler: calls.handler,
      events: { batchSize: 5, parallelizationFactor: 1 },
      onFailure: (records) => failures.push(records),
    });
    await m.idle();
    expect(calls.sizes).toEqual([5, ...Array(PUBLISH_EVENTS.retryAttempts).fill(3)]);
    expect(failures.map((records) => records.map(seqOf))).toEqual([seqs.slice(2)]);

    const next = stream.put('ART#next');
    await m.idle();
    expect(calls.batches.at(-1)?.records.map(seqOf)).toEqual([next]);
  });

  it('idle() waits for buffered and in-flight batches, then resolves', async () => {
    const stream = new FakeStream();
    const empty = await start(stream, {});
    await empty.idle();
    await empty.stop();

    stream.put('ART#1');
    const release = gate();
    const calls = new Calls(async () => {
      await release.promise;
      return ok;
    });
    const m = await start(stream, { handler: calls.handler });
    let idle = false;
    const idled = m.idle().then(() => {
      idle = true;
    });
    await until(() => calls.inFlight.size === 1, 'the batch in flight');
    expect(idle).toBe(false);
    release.open();
    await idled;
    expect(calls.inFlight.size).toBe(0);
    expect(calls.sizes).toEqual([1]);
  });

  it('renews an expired iterator where it left off: nothing lost, nothing twice', async () => {
    const stream = new FakeStream();
    for (let i = 0; i < 3; i++) stream.put(`ART#${i}`);
    const calls = new Calls();
    const m = await start(stream, { handler: calls.handler });
    await m.idle();
    stream.expireNext(2);
    for (let i = 3; i < 6; i++) stream.put(`ART#${i}`);
    await m.idle();
    const handled = calls.batches.flatMap((b) => b.records.map(seqOf));
    expect(handled.sort()).toEqual(stream.sequences());
  });
});
