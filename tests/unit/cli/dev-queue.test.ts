import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readQueue } from '../../../shared/cli/dev-folders.ts';
import { keepQueue } from '../../../shared/cli/dev-queue.ts';
import { INGEST_MAX_RECEIVES } from '../../../shared/contract/inbox.ts';
import { LocalQueue } from '../../../shared/local/local-queue.ts';

const s3Event = (key: string) => JSON.stringify({ Records: [{ s3: { object: { key } } }] });

/** `feedpub dev`'s ingest queue outlives a stop, as SQS's does. */
describe('keepQueue', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('sends again at the next start what a stopped run had not ingested, and parks again what it had parked', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'feedpub-queue-'));
    dirs.push(dataDir);
    const lines: string[] = [];
    const out = { print: (t: string) => lines.push(t), warn: (t: string) => lines.push(t) };

    // First run: one upload fails every receive (parked), one is in flight at the stop, one waits.
    let release = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = new LocalQueue({
      events: { batchSize: 1, maxConcurrency: 1 },
      retryDelayMs: 0,
      handler: async (event) => {
        const body = event.Records[0]?.body ?? '';
        if (body.includes('broken')) throw new Error('DynamoDB is down');
        await stuck;
        return undefined;
      },
    });
    const stop = keepQueue(dataDir, first, out);
    first.send(s3Event('articles/broken.md'));
    await until(() => first.deadLetters.length === 1);
    first.send(s3Event('articles/slow.md'));
    first.send(s3Event('articles/waiting.md'));
    await until(() => first.stats.inFlight === 1);
    await stop();
    release();
    expect(readQueue(dataDir).undelivered.map((m) => m.body)).toEqual([
      s3Event('articles/waiting.md'),
      s3Event('articles/slow.md'),
    ]);

    // Next run: both sent again (a duplicate of one finished meanwhile is ingest's to see as
    // one), the parked one parked again, and said.
    const received: string[] = [];
    const second = new LocalQueue({
      handler: async (event) => {
        received.push(...event.Records.map((r) => r.body));
        return undefined;
      },
    });
    const stopSecond = keepQueue(dataDir, second, out);
    await second.idle();
    expect(received.sort()).toEqual([s3Event('articles/slow.md'), s3Event('articles/waiting.md')]);
    expect(second.deadLetters.map((d) => d.body)).toEqual([s3Event('articles/broken.md')]);
    expect(lines).toContain('feedpub: ingesting 2 upload(s) the last run had not finished');
    expect(lines).toContain(
      'feedpub: 1 upload(s) the last run could not ingest are still parked in the dead-letter queue (articles/broken.md): `feedpub redrive --local` sends them again',
    );
    await stopSecond();
    expect(readQueue(dataDir)).toMatchObject({
      undelivered: [],
      deadLetters: [{ receiveCount: INGEST_MAX_RECEIVES }],
    });
  });
});

/** Waits for a condition of the queue (a test timeout catches a hang). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
