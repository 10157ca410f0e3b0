import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { articlePageUrl } from '../../shared/feeds/urls.ts';
import type { LambdaTimeoutError } from '../../shared/local/execution-environments.ts';
import { startTestPipeline, TEST_SITE } from '../support/pipeline.ts';
import { bucketHelpers } from '../support/site.ts';
import { gate } from '../support/wait.ts';

const sample = readFileSync(
  new URL('../fixtures/articles/libya-ratifies-turkey-deal.txt', import.meta.url),
);

describe('upload → ingest → publish through s3rver and DynamoDB Local', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('publishes the sample article to every feed, page and listing, and withdraws it again', async () => {
    const t = await startTestPipeline();
    stop = t.stop;
    const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
    const site = bucketHelpers(t.aws.s3, t.aws.names.siteBucket);

    await inbox.put('articles/2019/12/Libya ratifies.txt', sample);
    await t.pipeline.settle();

    const id = '2019/12/libya-ratifies-';
    const keys = await site.keys();
    const tagFeeds = [
      'tags/security-deal/atom.xml',
      'tags/security-deal/feed.json',
      'tags/security-deal/rss.xml',
    ];
    expect(keys).toEqual(
      expect.arrayContaining([
        'rss.xml',
        'atom.xml',
        'feed.json',
        'index.html',
        'feeds.opml',
        ...tagFeeds,
      ]),
    );
    const page = keys.find((k) => k.startsWith(`articles/${id}`)) ?? '';
    expect(page).not.toBe('');
    const title = "Libya's internationally recognized gov't ratifies Turkey security deal";
    const rss = (await site.text('rss.xml')) ?? '';
    expect(rss).toContain(title);
    const guid = /<guid isPermaLink="false">([^<]+)<\/guid>/.exec(rss)?.[1] ?? '';
    expect(guid).not.toBe('');
    expect(await site.text(page)).toContain('Ankara and Tripoli reached');
    expect((await site.head(page)).Metadata?.['feedpub-status']).toBeUndefined();
    expect(await site.text('feeds.opml')).toContain('tags/security-deal/');
    const report = JSON.parse(
      (await inbox.text('reports/articles/2019/12/Libya ratifies.txt.json')) ?? '{}',
    );
    expect(report.status).toBe('published');

    // Discovery: a .txt story is dated when first seen, so today's sitemap lists it, and so does
    // the news sitemap (the last two days'); the index names the pages' and the day's sitemaps,
    // robots.txt both indexes.
    const pageUrl = articlePageUrl(TEST_SITE.url, page.slice('articles/'.length, -'.html'.length));
    const daySitemaps = keys.filter((k) => /^sitemaps\/\d{4}-\d{2}-\d{2}\.xml$/.test(k));
    expect(daySitemaps).toHaveLength(1);
    const daySitemap = daySitemaps[0] ?? '';
    expect(Date.now() - Date.parse(daySitemap.slice(9, 19))).toBeLessThan(2 * 86_400_000);
    expect(keys).toEqual(
      expect.arrayContaining([
        'sitemap.xml',
        'sitemaps/pages.xml',
        'news-sitemap.xml',
        'robots.txt',
      ]),
    );
    const locs = async (path: string) =>
      [...((await site.text(path)) ?? '').matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
    expect(await locs(daySitemap)).toEqual([pageUrl]);
    expect(await locs('news-sitemap.xml')).toEqual([pageUrl]);
    expect(await site.text('news-sitemap.xml')).toContain(
      `<news:title>${title.replaceAll("'", '&#39;')}</news:title>`,
    );
    expect(await locs('sitemap.xml')).toEqual([
      `${TEST_SITE.url}sitemaps/pages.xml`,
      `${TEST_SITE.url}${daySitemap}`,
    ]);
    expect(await site.text('robots.txt')).toBe(
      `User-agent: *\nAllow: /\n\nSitemap: ${TEST_SITE.url}sitemap.xml\nSitemap: ${TEST_SITE.url}news-sitemap.xml\n`,
    );

    await inbox.remove('articles/2019/12/Libya ratifies.txt');
    await t.pipeline.settle();
    const after = await site.keys();

    // Out of every list: the site feed, the tag feed, the index and the listings.
    for (const feed of ['rss.xml', 'feed.json', 'tags/security-deal/rss.xml']) {
      expect({ feed, text: await site.text(feed) }).toEqual({
        feed,
        text: expect.not.stringContaining('Libya'),
      });
    }
    expect(await site.text('rss.xml')).toContain('<channel>');
    expect(JSON.parse((await site.text('tags/security-deal/feed.json')) ?? '{}').items).toEqual([]);
    expect(await site.text('index.html')).not.toContain('Libya');
    expect(await site.text('feeds.opml')).not.toContain('tags/security-deal/');
    expect(await site.text('tags/index.html')).not.toContain('security-deal');
    // Out of the sitemaps: its day has no story left, nor have the last two days.
    expect(after).not.toContain(daySitemap);
    expect(after).not.toContain('news-sitemap.xml');
    expect(await locs('sitemap.xml')).toEqual([`${TEST_SITE.url}sitemaps/pages.xml`]);
    expect(await site.text('robots.txt')).toBe(
      `User-agent: *\nAllow: /\n\nSitemap: ${TEST_SITE.url}sitemap.xml\n`,
    );

    // Its readers are told: the Atom feeds it was in announce its withdrawal (RFC 6721); the
    // tag's feed stays for that, unlisted, with its page (no stories), the feed's home; the
    // story's page answers 410 with a notice and no content.
    expect(after.filter((k) => k.startsWith('tags/') && k !== 'tags/index.html')).toEqual(
      [...tagFeeds, 'tags/security-deal/index.html'].sort(),
    );
    for (const feed of ['atom.xml', 'tags/security-deal/atom.xml']) {
      const atom = (await site.text(feed)) ?? '';
      expect({ feed, entries: atom.match(/<entry>/g) ?? [] }).toEqual({ feed, entries: [] });
      expect(atom).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');
      const deleted = [...atom.matchAll(/<at:deleted-entry ref="([^"]*)" when="([^"]*)">/g)];
      expect({ feed, refs: deleted.map((m) => m[1]) }).toEqual({ feed, refs: [guid] });
      expect(Date.parse(deleted[0]?.[2] ?? '')).toBeGreaterThan(Date.now() - 60_000);
      expect(atom).toContain(`<link rel="alternate" type="text/html" href="${pageUrl}"/>`);
    }
    expect(after.filter((k) => k.startsWith('articles/'))).toEqual([page]);
    const notice = (await site.text(page)) ?? '';
    expect(notice).toContain('This story was withdrawn');
    expect(notice).toContain(title.replaceAll("'", '&#39;'));
    expect(notice).not.toContain('Ankara and Tripoli reached');
    expect((await site.head(page)).Metadata?.['feedpub-status']).toBe('410');
  });

  it('ends a publish invocation that outlives its timeout, as Lambda does, and its retry publishes the story', async () => {
    const timeouts: LambdaTimeoutError[] = [];
    const timedOut = gate();
    let invocations = 0;
    const t = await startTestPipeline({
      publishHandler: (real) => async (event) => {
        invocations += 1;
        return real(event);
      },
      // The deployed 120 s, compressed: still far more than a story's publish takes.
      timeoutsMs: { publish: 8_000 },
      onTimeout: (error) => {
        timeouts.push(error);
        timedOut.open();
      },
    });
    stop = t.stop;
    // The first write of the site feed gets no answer until publish has timed out (a stalled
    // connection): the invocation cannot finish in time.
    let stalls = 0;
    t.aws.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const { Bucket, Key } = args.input as { Bucket?: string; Key?: string };
        const siteFeed =
          context.commandName === 'PutObjectCommand' &&
          Bucket === t.aws.names.siteBucket &&
          Key === 'rss.xml';
        if (siteFeed && stalls++ === 0) await timedOut.promise;
        return next(args);
      },
      { step: 'initialize', name: 'stall-site-feed' },
    );
    const inbox = bucketHelpers(t.aws.s3, t.aws.names.inboxBucket);
    const site = bucketHelpers(t.aws.s3, t.aws.names.siteBucket);

    await inbox.put('articles/2019/12/Libya ratifies.txt', sample);
    await t.pipeline.settle();

    // The stalled invocation timed out (on a machine slow enough, a retry may too: no matter).
    expect(timeouts[0]?.message).toBe('feedpub-local-publish: Task timed out after 8.00 seconds');
    // The stream batch was retried (in a new environment); the story is published, by the
    // retry or by the timed-out code running on (see executionEnvironments); nothing was given up.
    expect(invocations).toBeGreaterThanOrEqual(2);
    expect(await site.text('rss.xml')).toContain(
      "Libya's internationally recognized gov't ratifies Turkey security deal",
    );
    expect(t.pipeline.publishDeadLetters).toEqual([]);
  });
});
