import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { WRITE_SHARDS } from '../../shared/contract/table.ts';
import type { SiteBucket } from '../../shared/ports/site-bucket.ts';
import { subscriptionLength } from '../../shared/publish/archive-pages.ts';
import { publishChanges } from '../../shared/publish/publish-changes.ts';
import { articleChanges } from '../../shared/stores/article-stream.ts';
import { shardPage, WALK_CHUNK, walkChunk } from '../../shared/stores/article-table.ts';
import { sqsEvent } from '../support/harness.ts';
import { TEST_SITE } from '../support/pipeline.ts';
import { publishHarness } from '../support/publish-harness.ts';
import { gate } from '../support/wait.ts';

type Harness = Awaited<ReturnType<typeof publishHarness>>;

const md = (title: string, tags: string[], authors: string[] = [], extra = '') =>
  `---\ntitle: ${title}\ntags: [${tags.join(', ')}]\nauthors: [${authors.join(', ')}]\n${extra}---\n\nBody of ${title}.\n`;

/** Puts the files, then ingests them in SQS batches of 10, a few batches at a time. */
async function upload(h: Harness, files: Record<string, string>, sequencer = '01') {
  const entries = Object.entries(files);
  const batches = [];
  for (let i = 0; i < entries.length; i += 10) batches.push(entries.slice(i, i + 10));
  for (let i = 0; i < batches.length; i += 4) {
    await Promise.all(
      batches.slice(i, i + 4).map(async (batch) => {
        await Promise.all(batch.map(([key, body]) => h.inbox.put(key, body)));
        await h.handler(sqsEvent(...batch.map(([key]) => h.event('created', key, sequencer))));
      }),
    );
  }
}

async function publishPending(h: Harness) {
  return h.publish({ Records: await h.takeRecords() });
}

describe('publish handler through DynamoDB Local’s stream and s3rver', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('renders each affected file once for a batch of 200 uploads, with bounded reads', async () => {
    h = await publishHarness();
    // Enough articles that every feed of the batch is full (more than itemLimit entries each):
    // a bigger batch only adds uploads, not another way for a render to repeat or over-read.
    const ARTICLES = 200;
    const TAGS = 6;
    const tags = Array.from({ length: TAGS }, (_, i) => `topic ${i}`);
    const files: Record<string, string> = {};
    for (let i = 0; i < ARTICLES; i++) {
      const mine = [tags[i % TAGS] as string, tags[(i * 5 + 1) % TAGS] as string];
      files[`articles/bulk/a${i}.md`] = md(
        `Article ${i}`,
        mine,
        [`Writer ${i % 3}`],
        `date: 2026-01-01T00:${String(i % 60).padStart(2, '0')}:00Z\n`,
      );
    }
    await upload(h, files);
    const records = await h.takeRecords();
    expect(articleChanges(records)).toHaveLength(ARTICLES);
    h.s3Commands.length = 0;
    h.dynamoCommands.length = 0;

    const response = await h.publish({ Records: records });

    expect(response.batchItemFailures).toEqual([]);
    const puts = h.s3Commands
      .filter((c) => c.command === 'PutObjectCommand')
      .map((c) => String(c.input.Key));
    const feeds = 1 + TAGS + 3;
    // Discovery: the sitemap index, the pages' sitemap and robots.txt (with the listings), and
    // one day's sitemap (every article is dated 2026-01-01). The news sitemap has the newest
    // story without its news metadata: none was published within two days of the clock.
    const discovery = [
      'news-sitemap.xml',
      'robots.txt',
      'sitemap.xml',
      'sitemaps/2026-01-01.xml',
      'sitemaps/pages.xml',
    ];
    expect(puts.filter((k) => /sitemap|robots/.test(k)).sort()).toEqual(discovery);
    expect(new Set(puts).size).toBe(puts.length);
    // Older stories go to archive pages (RFC 5005): three formats and an HTML page each.
    const archived = puts.filter((k) => /(^|\/)archive\//.test(k));
    const archivePages = archived.length / 4;
    expect(archived.filter((k) => k.endsWith('/atom.xml'))).toHaveLength(archivePages);
    // Each tag and author has a page of its stories too.
    const labelPages = puts.filter((k) => /^(tags|authors)\/[^/]+\/index\.html$/.test(k));
    expect(labelPages).toHaveLength(feeds - 1);
    expect(puts).toHaveLength(
      feeds * 3 + labelPages.length + ARTICLES + 4 + discovery.length + archived.length,
    );
    const commands = h.dynamoCommands.map((c) => c.command);
    expect(commands).not.toContain('ScanCommand');
    // Per feed: one short Query per write shard for its newest entries (the site feed's twice:
    // for the feed, then for the index), another page of a shard only when it holds more of
    // the newest than its share (rare: ids spread entries evenly), and one for its gone list (the withdrawals its Atom
    // announces: one partition, read from the start of the window); at most one BatchGet per
    // feed, an article shown by several feeds of the batch read once; the feed metas listed
    // once. A tag's count comes with its page: here no partition holds a full page (~7 of a
    // tag's ~67 entries each), so nothing else is counted.
    // Discovery: the day's sitemap reads that day's entries of the site feed, one Query per
    // write shard (every page: here each shard's ~25 entries fit in one); the news sitemap the
    // site feed's entries of the last two days, one Query per write shard (newest first, at most
    // 1,000); the sitemap index the day items, one Query of one partition. The day's stories'
    // last changes come with their entries: no article is read for the sitemap.
    const queries = h.dynamoCommands.filter((c) => c.command === 'QueryCommand');
    const pkOf = (c: (typeof queries)[number]) =>
      String((c.input.ExpressionAttributeValues as { ':pk'?: { S?: string } })?.[':pk']?.S);
    const keyValue = (c: (typeof queries)[number], name: string) =>
      (c.input.ExpressionAttributeValues as Record<string, { S?: string }>)[name]?.S;
    const siteFeedShards = Array.from({ length: WRITE_SHARDS }, (_, s) => `FEED#all#${s}`);
    // A feed's newest entries and the archive's walks (FeedReader.walkEntries) both read
    // WALK_CHUNK entries of a write shard first (a walk's later Queries of a shard twice as many
    // each time: walkChunk). The newest: one page per shard per feed
    // read (the site feed's twice: for the feed, then for the index), another page of a shard
    // only when it holds more than its share of them (rare: ids spread entries evenly). The
    // walks: per feed, one finds the pages the batch changed (the subscription document's
    // prev-archive goes on from its render's read of the newest entries, which here holds it);
    // per archive page, up to three (from the top; from its start and below it when deep);
    // each of one or two rounds of the shards here.
    expect(shardPage(TEST_SITE.itemLimit)).toBe(WALK_CHUNK);
    const walkLimits = new Set([0, 1, 2, 3, 4].map(walkChunk));
    const chunked = queries.filter((c) => walkLimits.has(Number(c.input.Limit)));
    const headPages = (feeds + 1) * WRITE_SHARDS;
    const fromTheTop = chunked.filter(
      (c) =>
        c.input.ExclusiveStartKey === undefined && c.input.KeyConditionExpression === 'pk = :pk',
    );
    expect(fromTheTop.length).toBeGreaterThanOrEqual(headPages);
    expect(chunked.length).toBeLessThanOrEqual(
      headPages + (feeds + 1) + WRITE_SHARDS * 2 * (feeds + 3 * archivePages),
    );
    const feedQueries = queries.filter((c) => pkOf(c).startsWith('FEED#') && !chunked.includes(c));
    const goneQueries = feedQueries.filter((c) => pkOf(c).startsWith('FEED#gone:'));
    const dayQueries = feedQueries.filter(
      (c) => c.input.KeyConditionExpression === 'pk = :pk AND begins_with(sk, :prefix)',
    );
    expect(dayQueries.map(pkOf).sort()).toEqual(siteFeedShards);
    for (const q of dayQueries) {
      expect(keyValue(q, ':prefix')).toBe('2026-01-01');
      expect(q.input.ExclusiveStartKey).toBeUndefined();
    }
    const newsQueries = feedQueries.filter(
      (c) =>
        !goneQueries.includes(c) && c.input.KeyConditionExpression === 'pk = :pk AND sk >= :since',
    );
    expect(newsQueries.map(pkOf).sort()).toEqual(siteFeedShards);
    for (const q of newsQueries) {
      expect(q.input).toMatchObject({ ScanIndexForward: false, Limit: shardPage(1000) });
      const since = Date.parse(keyValue(q, ':since') ?? '');
      expect(Math.abs(since - (Date.now() - 2 * 86_400_000))).toBeLessThan(10 * 60_000);
    }
    const feedKeys = [
      'all',
      ...tags.map((_, i) => `tag/topic-${i}`),
      ...[0, 1, 2].map((i) => `author/writer-${i}`),
    ];
    // Every feed's newest entries were read from every one of its write shards.
    const shardsRead = new Set(fromTheTop.map(pkOf));
    for (const key of feedKeys)
      for (let shard = 0; shard < WRITE_SHARDS; shard++)
        expect(shardsRead.has(`FEED#${key}#${shard}`), `${key} shard ${shard}`).toBe(true);
    expect(goneQueries.map(pkOf).sort()).toEqual(feedKeys.map((k) => `FEED#gone:${k}#0`).sort());
    for (const q of goneQueries) {
      expect(q.input.KeyConditionExpression).toBe('pk = :pk AND sk >= :since');
      expect(q.input.Limit).toBe(TEST_SITE.itemLimit);
    }
    // Counts: here no partition holds more than a page (~7 of a tag's ~67 entries each).
    expect(feedQueries).toHaveLength(goneQueries.length + dayQueries.length + newsQueries.length);
    const metaLists = queries.filter((c) => pkOf(c) === 'FEEDMETA');
    expect(metaLists).toHaveLength(1);
    const dayLists = queries.filter((c) => pkOf(c) === 'SITEMAP');
    expect(dayLists).toHaveLength(1);
    // Nothing else is queried.
    expect(queries).toHaveLength(
      feedQueries.length + metaLists.length + dayLists.length + chunked.length,
    );
    type BatchGet = Record<
      string,
      { Keys: { pk: { S: string } }[]; ExpressionAttributeNames?: Record<string, string> }
    >;
    const readsOf = (c: (typeof h.dynamoCommands)[number]) =>
      Object.values(c.input.RequestItems as BatchGet);
    const idsOf = (gets: typeof h.dynamoCommands) =>
      gets.flatMap((c) => readsOf(c).flatMap((r) => r.Keys.map((k) => k.pk.S)));
    const batchGets = h.dynamoCommands.filter((c) => c.command === 'BatchGetItemCommand');
    const headlineGets = batchGets.filter((c) =>
      readsOf(c).some((r) => r.ExpressionAttributeNames !== undefined),
    );
    const articleGets = batchGets.filter((c) => !headlineGets.includes(c));
    expect(articleGets.length).toBeLessThanOrEqual(feeds);
    const requested = idsOf(articleGets);
    expect(new Set(requested).size).toBe(requested.length);
    // No headline is read: the day's sitemap is written from its entries (the news sitemap has
    // no story here), and the index shows articles the feeds read anyway.
    expect(idsOf(headlineGets)).toEqual([]);
    const daySitemap = (await h.site.text('sitemaps/2026-01-01.xml')) ?? '';
    expect(daySitemap.match(/<url>\s*<loc>[^<]+<\/loc>\s*<lastmod>2026-01-01T/g)).toHaveLength(
      ARTICLES,
    );
    // Each feed shows its newest itemLimit stories, and on to the first page start from there.
    for (const [i, feed] of [
      'rss.xml',
      ...tags.map((_, i) => `tags/topic-${i}/rss.xml`),
    ].entries()) {
      const rss = (await h.site.text(feed)) ?? '';
      const key = i === 0 ? 'all' : `tag/topic-${i - 1}`;
      const newestFirst = (await h.feeds.latestEntries(key, ARTICLES)).map((e) => e.id);
      const shown = subscriptionLength(newestFirst, TEST_SITE.itemLimit);
      expect(shown).toBeGreaterThanOrEqual(TEST_SITE.itemLimit);
      expect({ feed, items: rss.match(/<item>/g)?.length }).toEqual({ feed, items: shown });
    }
  });

  it('writes every object with its Content-Type (feeds and OPML as the XML or JSON the edge compresses) and a Cache-Control', async () => {
    h = await publishHarness();
    await upload(h, { 'articles/a.md': md('A', ['x'], ['Ann']) });
    await publishPending(h);
    const expected: [RegExp, string][] = [
      [/(^|\/)rss\.xml$/, 'application/rss+xml; charset=utf-8'],
      // Served as application/atom+xml, application/feed+json and text/x-opml: the edge's
      // viewer-response function (tests/unit/local/edge.test.ts, tests/integration/cli-dev).
      [/(^|\/)atom\.xml$/, 'application/xml; charset=utf-8'],
      [/feed\.json$/, 'application/json; charset=utf-8'],
      [/\.html$/, 'text/html; charset=utf-8'],
      [/\.opml$/, 'text/xml; charset=utf-8'],
      [/^(sitemap\.xml|news-sitemap\.xml|sitemaps\/.+\.xml)$/, 'application/xml; charset=utf-8'],
      [/^robots\.txt$/, 'text/plain; charset=utf-8'],
    ];
    const keys = await h.site.keys();
    // Three feeds, two label pages, the page, the listings, and the discovery files: the sitemap index, the
    // pages' and the day's sitemaps (the story is dated at its event, 2026-01-05), robots.txt.
    // The news sitemap has the story without its news metadata: nothing was published within
    // two days of the publisher's clock.
    expect(keys.filter((k) => /sitemap|robots/.test(k))).toEqual([
      'news-sitemap.xml',
      'robots.txt',
      'sitemap.xml',
      'sitemaps/2026-01-05.xml',
      'sitemaps/pages.xml',
    ]);
    // The tag's and the author's pages of their stories (tags/x/, authors/ann/) too.
    expect(keys).toHaveLength(3 * 3 + 2 + 1 + 4 + 5);
    for (const key of keys) {
      const head = await h.site.head(key);
      const type = expected.find(([pattern]) => pattern.test(key))?.[1];
      expect({ key, type: head.ContentType }).toEqual({ key, type });
      expect(head.CacheControl).toMatch(/max-age=\d+/);
    }
  });

  it('keeps unchanged files untouched, so conditional GETs answer 304', async () => {
    h = await publishHarness();
    await upload(h, { 'articles/a.md': md('A', ['x']), 'articles/b.md': md('B', ['y']) });
    await publishPending(h);
    const before = await h.site.head('rss.xml');
    h.s3Commands.length = 0;

    await upload(h, { 'articles/b.md': md('B changed', ['y']) }, '02');
    await publishPending(h);

    const written = h.s3Commands
      .filter((c) => c.command === 'PutObjectCommand')
      .map((c) => c.input.Key);
    expect(written).toContain('tags/y/rss.xml');
    expect(written).not.toContain('tags/x/rss.xml');
    expect(written).not.toContain('articles/a.html');
    // A file this publisher wrote under its unit's last render gets its new bytes without a
    // HEAD first (PutHint.lastRender); bytes that may be unchanged are still looked at.
    const looked = h.s3Commands
      .filter((c) => c.command === 'HeadObjectCommand')
      .map((c) => c.input.Key);
    expect(looked).not.toContain('tags/y/rss.xml');
    expect(looked).not.toContain('rss.xml');
    expect(looked).toContain('robots.txt');
    const unchanged = await h.site.head('tags/x/atom.xml');
    const conditional = h.aws.s3.send(
      new GetObjectCommand({
        Bucket: h.aws.names.siteBucket,
        Key: 'tags/x/atom.xml',
        IfNoneMatch: unchanged.ETag,
      }),
    );
    await expect(conditional).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    expect((await h.site.head('rss.xml')).ETag).not.toBe(before.ETag);
  });

  it('updates in place with the same guid, and deletes a dropped tag’s feeds', async () => {
    h = await publishHarness();
    await upload(h, { 'articles/a.md': md('First title', ['keep', 'drop'], ['Ann']) });
    await publishPending(h);
    const guid = /<guid isPermaLink="false">([^<]+)<\/guid>/.exec(
      (await h.site.text('rss.xml')) ?? '',
    )?.[1];
    expect(await h.site.text('tags/drop/rss.xml')).toContain('First title');

    await upload(h, { 'articles/a.md': md('Second title', ['keep'], ['Ann']) }, '02');
    await publishPending(h);

    const rss = (await h.site.text('rss.xml')) ?? '';
    expect(rss).toContain('Second title');
    expect(rss).not.toContain('First title');
    expect(rss).toContain(`<guid isPermaLink="false">${guid}</guid>`);
    expect(await h.site.text('tags/drop/rss.xml')).toBeUndefined();
    expect(await h.site.text('tags/drop/feed.json')).toBeUndefined();
    expect(await h.site.text('feeds.opml')).not.toContain('tags/drop/');
    expect(await h.site.text('tags/keep/atom.xml')).toContain('Second title');
  });

  it('never leaves an older render in the bucket when two publishes race on one feed', async () => {
    h = await publishHarness();
    const deps = { feeds: h.feeds, ledger: h.ledger, config: TEST_SITE };
    await upload(h, { 'articles/a.md': md('Old title', ['x']) });
    const firstChanges = articleChanges(await h.takeRecords());

    // Invocation A renders the old state, then stalls before its PUTs past its lease.
    const held = gate();
    const reached = gate();
    let stalled = false;
    const slowBucket: SiteBucket = {
      put: async (file, stamp) => {
        if (!stalled && file.path === 'rss.xml') {
          stalled = true;
          reached.open();
          await held.promise;
        }
        return h.bucket.put(file, stamp);
      },
      delete: (path, stamp) => h.bucket.delete(path, stamp),
    };
    const a = publishChanges(firstChanges, { ...deps, bucket: slowBucket });
    await reached.promise;

    // B, for a newer upload, may take the unit over only once A's lease has run out.
    h.clock.now += 60_000;
    await upload(h, { 'articles/a.md': md('New title', ['x']) }, '02');
    const b = await publishChanges(articleChanges(await h.takeRecords()), {
      ...deps,
      bucket: h.bucket,
    });
    expect(b.failures).toEqual([]);
    expect(await h.site.text('rss.xml')).toContain('New title');

    // A wakes up: its older render is refused by the bucket (a lower stamp), and on finding
    // its lease gone it renders again, from the newer state.
    held.open();
    const resultA = await a;
    expect(resultA.failures).toEqual([]);
    expect(await h.site.text('rss.xml')).toContain('New title');
    expect(await h.site.text('rss.xml')).not.toContain('Old title');
    expect(await h.site.text('tags/x/atom.xml')).toContain('New title');
  });

  it('loses no other file when one PUT fails, reports the record, and converges on retry', async () => {
    h = await publishHarness();
    await upload(h, { 'articles/a.md': md('A', ['x']), 'articles/b.md': md('B', ['y']) });
    const records = await h.takeRecords();
    let failOnce = true;
    const flaky: SiteBucket = {
      put: async (file, stamp) => {
        if (file.path === 'tags/x/atom.xml' && failOnce) {
          failOnce = false;
          throw new Error('injected PUT failure');
        }
        return h.bucket.put(file, stamp);
      },
      delete: (path, stamp) => h.bucket.delete(path, stamp),
    };
    const changes = articleChanges(records);
    const deps = { feeds: h.feeds, ledger: h.ledger, config: TEST_SITE };
    const first = await publishChanges(changes, { ...deps, bucket: flaky });

    const aRecord = changes.find((c) => c.after?.title === 'A')?.recordId;
    expect(first.failedRecordIds).toEqual([aRecord]);
    expect(await h.site.text('tags/x/rss.xml')).toContain('A');
    expect(await h.site.text('tags/y/atom.xml')).toContain('B');
    expect(await h.site.text('tags/x/atom.xml')).toBeUndefined();

    const retry = await publishChanges(
      changes.filter((c) => first.failedRecordIds.includes(c.recordId)),
      { ...deps, bucket: flaky },
    );
    expect(retry.failures).toEqual([]);
    expect(await h.site.text('tags/x/atom.xml')).toContain('A');
  });

  it('publishes a scheduled article when the release run finds it due', async () => {
    h = await publishHarness();
    await upload(h, {
      'articles/later.md': md('Later', ['x'], [], 'date: 2026-07-01T00:00:00Z\n'),
    });
    await publishPending(h);
    expect(await h.site.text('rss.xml')).not.toContain('Later');
    expect(await h.site.text('articles/later.html')).toBeUndefined();
    // Before its date nothing about it is in any site object: feeds, listings, sitemaps.
    const early = await h.site.keys();
    expect(early.filter((k) => k.startsWith('tags/x/') || k.includes('2026-07-01'))).toEqual([]);
    for (const key of early) {
      const text = (await h.site.text(key)) ?? '';
      expect({ key, leaks: /Later|later\.html|2026-07-01/.test(text) }).toEqual({
        key,
        leaks: false,
      });
    }

    const { releaseDue } = await import('../../shared/release/release-due.ts');
    const notYet = await releaseDue({
      store: h.table,
      now: () => new Date('2026-06-30T23:59:59Z'),
    });
    expect(notYet.released).toEqual([]);
    const due = await releaseDue({ store: h.table, now: () => new Date('2026-07-01T00:00:01Z') });
    expect(due.released).toEqual(['later']);
    await publishPending(h);

    expect(await h.site.text('rss.xml')).toContain('Later');
    expect(await h.site.text('tags/x/feed.json')).toContain('Later');
    expect(await h.site.text('articles/later.html')).toContain('Later');
    expect(await h.site.text('sitemaps/2026-07-01.xml')).toContain('articles/later.html');
    expect(await h.site.text('sitemap.xml')).toContain('sitemaps/2026-07-01.xml');
  });
});
