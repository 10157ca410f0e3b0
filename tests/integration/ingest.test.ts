import { readFileSync } from 'node:fs';
import type { TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { reportKey } from '../../shared/contract/inbox.ts';
import { writeShard } from '../../shared/contract/table.ts';
import { ParsePool } from '../../shared/parsing/parse-pool.ts';
import { ingestHarness, sqsEvent, sqsRecord } from '../support/harness.ts';
import { HANG_MS } from '../support/wait.ts';

const sample = readFileSync(
  new URL('../fixtures/articles/libya-ratifies-turkey-deal.txt', import.meta.url),
);
const md = (title: string, tags: string[], extra = '') =>
  `---\ntitle: ${title}\ntags: [${tags.join(', ')}]\n${extra}---\n\nBody of ${title}.\n`;

type Harness = Awaited<ReturnType<typeof ingestHarness>>;

describe('ingest handler against s3rver and DynamoDB Local', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('turns the sample upload into an article, its feed entries and a report', async () => {
    h = await ingestHarness();
    await h.inbox.put('articles/world/Libya deal.txt', sample);

    const response = await h.handler(
      sqsEvent(h.event('created', 'articles/world/Libya deal.txt', '0A')),
    );

    expect(response.batchItemFailures).toEqual([]);
    const stored = await h.table.getArticle(`world/libya-deal-${idSuffix(h)}`);
    expect(stored?.article.title).toBe(
      "Libya's internationally recognized gov't ratifies Turkey security deal",
    );
    expect(stored?.article.tags).toEqual([{ slug: 'security-deal', name: 'security deal' }]);
    expect(stored?.article.status).toBe('live');
    expect(stored?.article.published).toBe('2026-01-05T10:00:00.000Z');
    const id = stored?.article.id ?? '';
    const items = await h.dump();
    // Each feed's entries sit in the write shard of the article's id.
    expect(
      Object.keys(items)
        .filter((k) => k.startsWith('FEED#'))
        .sort(),
    ).toEqual([
      `FEED#all#${writeShard(id)}|2026-01-05T10:00:00.000Z#${id}`,
      `FEED#tag/security-deal#${writeShard(id)}|2026-01-05T10:00:00.000Z#${id}`,
    ]);
    expect(items[`FEED#all#${writeShard(id)}|2026-01-05T10:00:00.000Z#${id}`]).toMatchObject({
      id,
      rev: 1,
    });
    // Feed metas are publish's: one written by every ingest carrying a tag would serialize them.
    expect(Object.keys(items).filter((k) => k.startsWith('FEEDMETA|'))).toEqual([]);
    const report = JSON.parse(
      (await h.inbox.text('reports/articles/world/Libya deal.txt.json')) ?? '{}',
    );
    expect(report).toMatchObject({ status: 'published', id: stored?.article.id, sequencer: '0A' });
  });

  it('writes a report for a key too long to append reports/ and .json to', async () => {
    h = await ingestHarness();
    // 1,020 bytes: a valid S3 key, but `reports/<key>.json` would be 1,033. Segments stay
    // under the 255-byte file-name limit of s3rver's disk.
    const key = `articles/${`${'é'.repeat(100)}/`.repeat(4)}${'x'.repeat(204)}.md`;
    expect(Buffer.byteLength(key)).toBe(1020);
    await h.inbox.put(key, md('Long key', ['x']));

    const response = await h.handler(sqsEvent(h.event('created', key, '01')));

    expect(response.batchItemFailures).toEqual([]);
    const name = reportKey(key);
    expect(name).toMatch(/^reports\/long-keys\/[0-9a-f]{64}\.json$/);
    const report = JSON.parse((await h.inbox.text(name)) ?? '{}');
    expect(report).toMatchObject({ key, status: 'published', title: 'Long key' });
  });

  it('rejects an upload whose parse never ends, and publishes the rest of its batch', async () => {
    const stalling = new ParsePool({
      // Only the stalled upload has a short budget: the good ones race no clock.
      budgetMs: (input) => (input.key.includes('stall') ? 2_000 : HANG_MS),
      parser: new URL('../fixtures/parsers/stalling-parser.ts', import.meta.url),
    });
    try {
      h = await ingestHarness({ parse: stalling.parse });
      await h.inbox.put('articles/stall.md', md('Stall', ['x']));
      await h.inbox.put('articles/one.md', md('One', ['x']));
      await h.inbox.put('articles/two.md', md('Two', ['x']));

      const response = await h.handler(
        sqsEvent(
          h.event('created', 'articles/stall.md', '01'),
          h.event('created', 'articles/one.md', '01'),
          h.event('created', 'articles/two.md', '01'),
        ),
      );

      expect(response.batchItemFailures).toEqual([]);
      expect((await h.table.getArticle('one'))?.article.title).toBe('One');
      expect((await h.table.getArticle('two'))?.article.title).toBe('Two');
      expect(await h.table.getArticle('stall')).toBeUndefined();
      const report = JSON.parse((await h.inbox.text('reports/articles/stall.md.json')) ?? '{}');
      expect(report).toMatchObject({ status: 'rejected' });
      expect(report.reason).toContain('took more than 2 s to parse');
      expect(await h.inbox.text('articles/stall.md')).toContain('Stall');
    } finally {
      await stalling.close();
    }
  });

  it('decodes keys as S3 encodes them: + is a space, then percent-decoding', async () => {
    h = await ingestHarness();
    const key = 'articles/café/A+B 50%.md';
    await h.inbox.put(key, md('Plus and percent', ['x']));
    await h.handler(sqsEvent(h.event('created', key, '01')));
    expect(h.outcomes[0]).toMatchObject({ kind: 'applied', report: { key, status: 'published' } });
  });

  it('changes nothing when the same event arrives twice', async () => {
    h = await ingestHarness();
    await h.inbox.put('articles/a.md', md('A', ['one']));
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '10')));
    const before = await h.dump();
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '10')));
    expect(await h.dump()).toEqual(before);
    expect(h.outcomes.map((o) => o.kind)).toEqual(['applied', 'duplicate']);
  });

  it('ignores an older event that arrives after a newer one, and keeps a delete deleted', async () => {
    h = await ingestHarness();
    await h.inbox.put('articles/a.md', md('Second version', ['one']));
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '0000002')));
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '0000001')));
    expect((await h.table.getArticle('a'))?.article.title).toBe('Second version');

    await h.handler(sqsEvent(h.event('removed', 'articles/a.md', '0000003')));
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '0000002')));
    // A tombstone stays, so the revision keeps counting: published 1, deleted 2, and the stale
    // create after it wrote nothing.
    const gone = await h.table.getArticle('a');
    expect(gone?.rev).toBe(2);
    // Readers saw it: the tombstone keeps its labels and when it went, for its feeds' notice.
    expect(gone?.article).toMatchObject({
      id: 'a',
      status: 'deleted',
      sourceKey: 'articles/a.md',
      summary: '',
      contentHtml: '',
      tags: [{ slug: 'one', name: 'one' }],
      withdrawn: { at: expect.any(String) },
    });
    const items = await h.dump();
    expect(items['ART#a|A']).toMatchObject({ status: 'deleted', rev: 2 });
    // Only the feeds' lists of withdrawn stories hold it (RFC 6721 deleted entries).
    expect(
      Object.keys(items).filter((k) => k.startsWith('FEED#') && !k.startsWith('FEED#gone:')),
    ).toEqual([]);
    expect(
      Object.keys(items)
        .filter((k) => k.startsWith('FEED#gone:'))
        .sort(),
    ).toEqual([
      expect.stringMatching(/^FEED#gone:all#0\|/),
      expect.stringMatching(/^FEED#gone:tag\/one#0\|/),
    ]);
    expect(Object.keys(items).filter((k) => k.startsWith('SCHED#'))).toEqual([]);
    expect(Object.keys(items).filter((k) => k.startsWith('FEEDMETA|'))).toEqual([]);
    expect(h.outcomes.map((o) => (o.kind === 'applied' ? o.report.status : o.kind))).toEqual([
      'published',
      'stale',
      'deleted',
      'stale',
    ]);
  });

  it('in a versioned inbox, publishes what the key holds now, whatever version an event removed', async () => {
    // s3rver keeps no versions: what it holds stands for the key's current version, and each
    // event carries the version id S3 would send.
    h = await ingestHarness();
    const live = async () => {
      const stored = await h.table.getArticle('a');
      return stored?.article.status === 'live' ? stored.article.title : undefined;
    };
    await h.inbox.put('articles/a.md', md('Second version', ['one']));
    await h.handler(sqsEvent(h.versionEvent('ObjectCreated:Put', 'articles/a.md', '02', 'v2')));
    expect(await live()).toBe('Second version');

    // A cleanup job deletes the old version v1 for good: the current one stays published.
    await h.handler(sqsEvent(h.versionEvent('ObjectRemoved:Delete', 'articles/a.md', '03', 'v1')));
    expect(await live()).toBe('Second version');

    // A plain delete puts a delete marker on top: nothing is current, nothing is published.
    await h.inbox.remove('articles/a.md');
    await h.handler(
      sqsEvent(h.versionEvent('ObjectRemoved:DeleteMarkerCreated', 'articles/a.md', '04', 'm1')),
    );
    expect(await live()).toBeUndefined();

    // Deleting the marker undoes the delete: v2 is current again and published again.
    await h.inbox.put('articles/a.md', md('Second version', ['one']));
    await h.handler(sqsEvent(h.versionEvent('ObjectRemoved:Delete', 'articles/a.md', '05', 'm1')));
    expect(await live()).toBe('Second version');

    // An older version copied over the current one (a restore) is a new version: published.
    await h.inbox.put('articles/a.md', md('First version', ['one']));
    await h.handler(sqsEvent(h.versionEvent('ObjectCreated:Copy', 'articles/a.md', '06', 'v3')));
    expect(await live()).toBe('First version');

    // Events that arrive late change nothing: the newest one decided.
    await h.handler(sqsEvent(h.versionEvent('ObjectRemoved:Delete', 'articles/a.md', '03', 'v1')));
    await h.handler(
      sqsEvent(h.versionEvent('ObjectRemoved:DeleteMarkerCreated', 'articles/a.md', '04', 'm1')),
    );
    expect(await live()).toBe('First version');
    expect(h.outcomes.map((o) => (o.kind === 'applied' ? o.report.status : o.kind))).toEqual([
      'published',
      'unchanged',
      'deleted',
      'published',
      'updated',
      'stale',
      'stale',
    ]);
    const report = JSON.parse((await h.inbox.text('reports/articles/a.md.json')) ?? '{}');
    expect(report).toMatchObject({ status: 'updated', sequencer: '06', versionId: 'v3' });
  });

  it('writes nothing for unchanged content, and moves entries when a tag is dropped', async () => {
    h = await ingestHarness();
    await h.inbox.put('articles/a.md', md('A', ['keep', 'drop']));
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '01')));
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '02')));
    expect((await h.table.getArticle('a'))?.rev).toBe(1);
    expect(h.outcomes[1]).toMatchObject({ report: { status: 'unchanged' } });

    await h.inbox.put('articles/a.md', md('A', ['keep']));
    await h.handler(
      sqsEvent(h.event('created', 'articles/a.md', '03', '2026-01-06T00:00:00.000Z')),
    );
    const items = await h.dump();
    expect(Object.keys(items).filter((k) => k.startsWith('FEED#tag/'))).toEqual([
      `FEED#tag/keep#${writeShard('a')}|2026-01-05T10:00:00.000Z#a`,
    ]);
    expect(items[`FEED#tag/keep#${writeShard('a')}|2026-01-05T10:00:00.000Z#a`]).toMatchObject({
      rev: 2,
    });
    expect(Object.keys(items).filter((k) => k.startsWith('FEEDMETA|'))).toEqual([]);
    const updated = await h.table.getArticle('a');
    expect(updated?.rev).toBe(2);
    // Dated when first seen, never again: the re-upload changes `updated` only.
    expect(updated?.article.published).toBe('2026-01-05T10:00:00.000Z');
    expect(updated?.article.updated).toBe('2026-01-06T00:00:00.000Z');
    expect(h.outcomes[2]).toMatchObject({ report: { status: 'updated' } });
  });

  it('rejects a bad upload with a report naming the problem, keeps the object and the previous version', async () => {
    h = await ingestHarness();
    await h.inbox.put('articles/a.md', md('Good', ['t']));
    await h.handler(sqsEvent(h.event('created', 'articles/a.md', '01')));
    const bad = '---\ntitle: [unclosed\n---\nbody';
    await h.inbox.put('articles/a.md', bad);
    const response = await h.handler(sqsEvent(h.event('created', 'articles/a.md', '02')));

    expect(response.batchItemFailures).toEqual([]);
    const report = JSON.parse((await h.inbox.text('reports/articles/a.md.json')) ?? '{}');
    expect(report.status).toBe('rejected');
    expect(report.reason).toMatch(/front matter/i);
    expect(await h.inbox.text('articles/a.md')).toBe(bad);
    expect((await h.table.getArticle('a'))?.article.title).toBe('Good');
  });

  it('gives keys that slugify alike distinct ids, and refuses a file that claims another key’s id', async () => {
    h = await ingestHarness();
    const keys = ['articles/A b.md', 'articles/a-b.md', 'articles/a_b.md'];
    for (const [i, key] of keys.entries()) {
      await h.inbox.put(key, md(`T${i}`, []));
      await h.handler(sqsEvent(h.event('created', key, '01')));
    }
    const ids = h.outcomes.map((o) => (o.kind === 'applied' ? o.report.id : undefined));
    expect(new Set(ids).size).toBe(3);
    expect(ids).toContain('a-b');

    await h.inbox.put('articles/other.md', md('Thief', [], 'id: a-b\n'));
    await h.handler(sqsEvent(h.event('created', 'articles/other.md', '01')));
    expect(h.outcomes.at(-1)).toMatchObject({
      report: { status: 'rejected', reason: expect.stringContaining('articles/a-b.md') },
    });
    expect((await h.table.getArticle('a-b'))?.article.title).toBe('T1');
  });

  it('parks a message that is not an S3 notification at once, with the reason', async () => {
    h = await ingestHarness();
    await h.inbox.put('articles/good.md', md('Good', []));
    const poison = sqsRecord('this is not an S3 event');
    const test = sqsRecord({ Service: 'Amazon S3', Event: 's3:TestEvent' });
    const good = h.event('created', 'articles/good.md', '01');

    const response = await h.handler(sqsEvent(poison, test, good));

    // Acknowledged, not retried: no delivery could ever turn it into an S3 event.
    expect(response.batchItemFailures).toEqual([]);
    expect(h.parked).toEqual([
      {
        body: 'this is not an S3 event',
        reason: expect.stringContaining('not an S3 event notification'),
      },
    ]);
    expect((await h.table.getArticle('good'))?.article.title).toBe('Good');
  });

  it('retries a poison message it could not park', async () => {
    h = await ingestHarness({ parkFails: true });
    await h.inbox.put('articles/good.md', md('Good', []));
    const poison = sqsRecord('this is not an S3 event');
    const good = h.event('created', 'articles/good.md', '01');

    const response = await h.handler(sqsEvent(poison, good));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
  });

  it('answers each of two overlapping invocations with its own failures', async () => {
    // An SQS mapping runs batches concurrently, and the local runtime runs them through one
    // handler: a batch's failures must never leak into, or be cleared by, another batch.
    h = await ingestHarness({ unreadable: ['articles/broken.md'] });
    await h.inbox.put('articles/one.md', md('One', []));
    await h.inbox.put('articles/two.md', md('Two', []));
    const broken = h.event('created', 'articles/broken.md', '01');
    const first = sqsEvent(h.event('created', 'articles/one.md', '01'), broken);
    const second = sqsEvent(h.event('created', 'articles/two.md', '01'));

    const [a, b] = await Promise.all([h.handler(first), h.handler(second)]);

    expect(a.batchItemFailures).toEqual([{ itemIdentifier: broken.messageId }]);
    expect(b.batchItemFailures).toEqual([]);
    expect((await h.table.getArticle('one'))?.article.title).toBe('One');
    expect((await h.table.getArticle('two'))?.article.title).toBe('Two');
  });

  it('keeps drafts and future articles out of every feed', async () => {
    h = await ingestHarness();
    await h.inbox.put('articles/d.md', md('Draft', ['x'], 'draft: true\n'));
    await h.inbox.put('articles/s.md', md('Later', ['x'], 'date: 2027-01-01T00:00:00Z\n'));
    await h.handler(
      sqsEvent(
        h.event('created', 'articles/d.md', '01'),
        h.event('created', 'articles/s.md', '01'),
      ),
    );
    const statuses = h.outcomes
      .map((o) => (o.kind === 'applied' ? o.report.status : o.kind))
      .sort();
    expect(statuses).toEqual(['draft', 'scheduled']);
    const items = await h.dump();
    expect(Object.keys(items).filter((k) => k.startsWith('FEED#'))).toEqual([]);
    expect(Object.keys(items).filter((k) => k.startsWith('SCHED#'))).toEqual([
      `SCHED#${writeShard('s')}|2027-01-01T00:00:00.000Z#s`,
    ]);
  });

  it('lets concurrent ingests of articles with the same tags and author share no item', async () => {
    h = await ingestHarness();
    const transactions: string[][] = [];
    h.aws.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand')
          transactions.push(itemKeys(args.input as TransactWriteItemsCommandInput));
        return next(args);
      },
      { step: 'initialize' },
    );
    const shared = 'author: Ann\n';
    await h.inbox.put('articles/one.md', md('One', ['news', 'world'], shared));
    await h.inbox.put('articles/two.md', md('Two', ['news', 'world'], shared));

    const [a, b] = await Promise.all([
      h.handler(sqsEvent(h.event('created', 'articles/one.md', '01'))),
      h.handler(sqsEvent(h.event('created', 'articles/two.md', '01'))),
    ]);

    expect([...a.batchItemFailures, ...b.batchItemFailures]).toEqual([]);
    // One transaction each, never retried on a conflict, and no item in both.
    expect(transactions).toHaveLength(2);
    const [first = [], second = []] = transactions;
    expect(first.filter((key) => second.includes(key))).toEqual([]);
    expect([...first, ...second].filter((key) => key.startsWith('FEEDMETA|'))).toEqual([]);
    // Both joined the same feeds all the same.
    const entries = Object.keys(await h.dump()).filter((k) => k.startsWith('FEED#'));
    expect(entries).toHaveLength(2 * 4);
  });
});

/** `pk|sk` of every item one TransactWriteItems call writes or checks. */
function itemKeys(input: TransactWriteItemsCommandInput): string[] {
  return (input.TransactItems ?? []).map((item) => {
    const key =
      item.Put?.Item ?? item.Delete?.Key ?? item.Update?.Key ?? item.ConditionCheck?.Key ?? {};
    const { pk, sk } = unmarshall(key);
    return `${pk}|${sk}`;
  });
}

function idSuffix(h: Harness): string {
  const outcome = h.outcomes[0];
  const id = outcome?.kind === 'applied' ? (outcome.report.id ?? '') : '';
  return id.slice('world/libya-deal-'.length);
}

describe('ingest under injected S3 faults', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('retries a failed read, and on the last delivery leaves a report saying the event is parked', async () => {
    h = await ingestHarness();
    const { createIngestHandler } = await import('../../shared/lambda/ingest-handler.ts');
    const { S3Inbox } = await import('../../shared/stores/inbox-bucket.ts');
    const { localS3Client } = await import('../../shared/local/clients.ts');
    const { quiet } = await import('../support/harness.ts');
    const s3 = localS3Client(h.aws.endpoints.s3);
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand')
          throw Object.assign(new Error('injected: S3 unavailable'), {
            name: 'ServiceUnavailable',
          });
        return next(args);
      },
      { step: 'initialize' },
    );
    const handler = createIngestHandler(
      {
        store: h.table,
        inbox: new S3Inbox({ client: s3, bucket: h.aws.names.inboxBucket }),
        siteUrl: 'https://news.example.com/',
        now: () => new Date(),
        deadLetters: { park: async () => {} },
      },
      quiet(),
    );
    await h.inbox.put('articles/a.md', md('A', []));
    const early = {
      ...h.event('created', 'articles/a.md', '01'),
      attributes: { ApproximateReceiveCount: '1' },
    } as never;
    const last = {
      ...h.event('created', 'articles/a.md', '01'),
      attributes: { ApproximateReceiveCount: '5' },
    } as never;

    await expect(handler(sqsEvent(early))).rejects.toThrow('All records failed');
    expect(await h.inbox.text('reports/articles/a.md.json')).toBeUndefined();
    await expect(handler(sqsEvent(last))).rejects.toThrow('All records failed');

    const report = JSON.parse((await h.inbox.text('reports/articles/a.md.json')) ?? '{}');
    expect(report).toMatchObject({ status: 'failed', key: 'articles/a.md' });
    expect(report.reason).toContain('injected: S3 unavailable');
    expect(report.reason).toContain('dead-letter queue');
    expect(await h.table.getArticle('a')).toBeUndefined();
    expect(await h.inbox.text('articles/a.md')).toContain('title: A');
  });
});
