import { describe, expect, it } from 'vitest';
import { memoryIngestHandler, s3Notification, sqsEvent, sqsRecord } from '../../support/harness.ts';

function rig() {
  const { store, inbox, handler } = memoryIngestHandler();
  const reads: string[] = [];
  store.beforeRead = (read) => {
    reads.push(read);
  };
  const uploads = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const key = `articles/${from + i}.md`;
      inbox.put(key, `---\ntitle: Story ${from + i}\n---\n\nBody ${from + i}.\n`);
      return sqsRecord({ Records: [s3Notification('created', 'inbox', key, '01')] });
    });
  return { store, reads, handler, uploads };
}

describe('the ingest handler, reading the table for a batch', () => {
  it("reads a batch's source records in one request, and nothing else for keys never seen", async () => {
    const { store, reads, handler, uploads } = rig();

    const result = await handler(sqsEvent(...uploads(0, 10)));

    expect(result.batchItemFailures).toEqual([]);
    // The first read of every record, together, and nothing more: the reports were the keys'
    // first, so no check of the table follows them.
    expect(reads).toEqual(['getSources']);
    expect((await store.latestEntries('all', 20)).length).toBe(10);
  });

  it('never joins the reads of two invocations: on AWS they share nothing', async () => {
    const { store, handler, uploads } = rig();
    const asked: string[][] = [];
    const getSources = store.getSources.bind(store);
    store.getSources = (keys) => {
      asked.push([...keys]);
      return getSources(keys);
    };

    const results = await Promise.all([
      handler(sqsEvent(...uploads(0, 5))),
      handler(sqsEvent(...uploads(5, 5))),
    ]);

    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    const invocation = (key: string) => (Number(key.match(/\d+/)?.[0]) < 5 ? 'first' : 'second');
    expect(asked.length).toBeGreaterThanOrEqual(2);
    for (const keys of asked) expect(new Set(keys.map(invocation)).size).toBe(1);
  });
});
