import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { subscriptionLength } from '../../../shared/publish/archive-pages.ts';
import { publishChanges, publishSite } from '../../../shared/publish/publish-changes.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, removeArticle, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';

const SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Example News',
  description: 'Tests of feedpub',
  language: 'en',
  itemLimit: 10,
};

const FEED_FILES = ['rss.xml', 'atom.xml', 'feed.json'];
const LISTINGS = [
  '404.html',
  'feeds.opml',
  'tags/index.html',
  'robots.txt',
  'sitemap.xml',
  'sitemaps/pages.xml',
  // Once the site has a story: the newest stands in when none is of the last two days.
  'news-sitemap.xml',
];
/** The day sitemaps of stories published on these days of January 2026. */
const daySitemaps = (days: Iterable<number>) =>
  [...new Set(days)].map((n) => `sitemaps/2026-01-${String(n).padStart(2, '0')}.xml`);
const feedFiles = (dir: string) => FEED_FILES.map((file) => `${dir}${file}`);
/** A tag's or author's feeds and the page listing its stories. */
const labelFiles = (dir: string) => [...feedFiles(dir), `${dir}index.html`];

const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;

/** The table and bucket publish works on; `publish` takes every change since the last call. */
function rig(store = new InMemoryArticleTable()) {
  const bucket = new InMemorySiteBucket();
  const deps = { feeds: store, ledger: store, bucket, config: SITE };
  const publish = () => publishChanges(store.takeChanges(), deps);
  const save = (article: Article) => saveArticle(store, article);
  return { store, bucket, deps, publish, save };
}

/** A day sitemap's stories: article id → lastmod, in the sitemap's order. */
function sitemapStories(xml: string | undefined): [string, string][] {
  const urls = [...(xml ?? '').matchAll(/articles\/([^<]+)\.html<\/loc>\s*<lastmod>([^<]+)</g)];
  return urls.map(([, id, lastmod]) => [String(id), String(lastmod)]);
}

/** The in-memory table, noting which articles' headlines were read. */
class HeadlineLog extends InMemoryArticleTable {
  readonly asked: string[] = [];
  override async getHeadlines(ids: string[]) {
    this.asked.push(...ids);
    return super.getHeadlines(ids);
  }
}

/** rig() whose ledger and publisher keep leases (30 s) by one clock the test moves. */
function timedRig() {
  const setup = rig();
  const clock = { now: 0 };
  setup.store.now = () => clock.now;
  return { ...setup, clock, timed: { ...setup.deps, leaseMs: 30_000, now: () => clock.now } };
}

describe('publishChanges on the in-memory table and bucket', () => {
  it('renders each file a batch affects once, however many changes touch it', async () => {
    const { bucket, publish, save, store } = rig();
    for (let i = 0; i < 60; i++) {
      const tags = labels(`T${i % 4}`, `T${(i + 1) % 4}`);
      await save(
        testArticle(`a${i}`, { tags, authors: labels(`W${i % 2}`), published: day(1 + (i % 28)) }),
      );
    }

    const result = await publish();

    expect(result.failures).toEqual([]);
    const puts = bucket.pathsOf('put');
    expect(puts.length).toBe(new Set(puts).size);
    // Older stories are in the feeds' archive pages (tests/unit/use-cases/archive.test.ts).
    const archived = puts.filter((path) => /(^|\/)archive\//.test(path));
    expect(archived.filter((path) => path.startsWith('archive/')).length).toBeGreaterThan(0);
    expect(puts.filter((path) => !archived.includes(path)).sort()).toEqual(
      [
        ...feedFiles(''),
        'index.html',
        ...['t0', 't1', 't2', 't3'].flatMap((t) => labelFiles(`tags/${t}/`)),
        ...['w0', 'w1'].flatMap((w) => labelFiles(`authors/${w}/`)),
        ...Array.from({ length: 60 }, (_, i) => `articles/a${i}.html`),
        ...daySitemaps(Array.from({ length: 60 }, (_, i) => 1 + (i % 28))),
        ...LISTINGS,
      ].sort(),
    );
    // Every put wrote, but a redirect offered where an archive page never was (replaceOnly).
    const wrote = bucket.calls.filter((call) => call.op === 'put' && call.changed);
    expect(puts.filter((path) => !wrote.some((call) => call.path === path))).toEqual(
      puts.filter((path) => archived.includes(path) && bucket.text(path) === undefined),
    );
    expect(result.written).toEqual(wrote.map((call) => call.path).sort());
    expect(bucket.text('feed.json')).toContain('"Title of a27"');
    // The newest itemLimit, and on to the first page start from there (archive-pages.ts).
    const newestFirst = (await store.latestEntries('all', 60)).map((e) => e.id);
    const shown = subscriptionLength(newestFirst, SITE.itemLimit);
    expect(shown).toBeGreaterThanOrEqual(SITE.itemLimit);
    expect(JSON.parse(bucket.text('feed.json') ?? '{}').items).toHaveLength(shown);
  });

  it('writes pages first, then the site feed, then the tag and author feeds, then the listings', async () => {
    const { bucket, publish, save } = rig();
    for (let i = 0; i < 12; i++)
      await save(testArticle(`a${i}`, { tags: labels(`T${i % 3}`), authors: labels('W') }));

    expect((await publish()).failures).toEqual([]);

    const puts = bucket.pathsOf('put');
    const last = (match: (path: string) => boolean) => puts.findLastIndex(match);
    const first = (match: (path: string) => boolean) => puts.findIndex(match);
    const isLabelFeed = (path: string) =>
      /^(tags|authors)\/[^/]+\/(rss\.xml|atom\.xml|feed\.json)$/.test(path);
    expect(last((path) => path.startsWith('articles/'))).toBeLessThan(
      first((p) => p === 'rss.xml'),
    );
    expect(last((path) => FEED_FILES.includes(path))).toBeLessThan(first(isLabelFeed));
    expect(last(isLabelFeed)).toBeLessThan(first((path) => path === 'index.html'));
  });

  it("dates a day's sitemap from its entries: a revision re-dates its story, and the day's other articles are not read", async () => {
    const store = new HeadlineLog();
    const { bucket, publish, save } = rig(store);
    const minute = (m: number) => `2026-01-03T10:${String(m).padStart(2, '0')}:00.000Z`;
    for (let i = 0; i < 30; i++)
      await save(testArticle(`d${i}`, { published: minute(i), updated: minute(i) }));
    expect((await publish()).failures).toEqual([]);
    store.asked.length = 0;

    await save(testArticle('d0', { published: minute(0), updated: '2026-01-09T12:00:00.000Z' }));
    expect((await publish()).failures).toEqual([]);

    const stories = sitemapStories(bucket.text('sitemaps/2026-01-03.xml'));
    expect(stories).toEqual(
      Array.from({ length: 30 }, (_, i) => [
        `d${i}`,
        i === 0 ? '2026-01-09T12:00:00.000Z' : minute(i),
      ]),
    );
    // No story's headline is read: the day's entries carry what its sitemap shows.
    expect(store.asked).toEqual([]);
  });

  it("dates a day's entries written before entries carried their story's last change from the articles", async () => {
    // A table from before 2026-12-04: its entries name the article and its revision only.
    class Undated extends InMemoryArticleTable {
      override async entriesStartingWith(feed: string, prefix: string) {
        return (await super.entriesStartingWith(feed, prefix)).map(({ id, rev }) => ({ id, rev }));
      }
    }
    const { bucket, publish, save } = rig(new Undated());
    await save(testArticle('a', { published: day(3), updated: day(3) }));
    await save(testArticle('b', { published: day(3), updated: day(5) }));
    await save(testArticle('c', { published: day(3), updated: day(3) }));
    expect((await publish()).failures).toEqual([]);

    expect(sitemapStories(bucket.text('sitemaps/2026-01-03.xml'))).toEqual([
      ['a', day(3)],
      ['b', day(5)],
      ['c', day(3)],
    ]);
  });

  it("writes the news sitemap from the site feed's entries: a retitled story shows its new title, and no story's article is read for it", async () => {
    const store = new HeadlineLog();
    const { bucket, publish, save } = rig(store);
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const news = (i: number, patch: Partial<Article> = {}) =>
      testArticle(`n${i}`, {
        published: ago(60 + i),
        updated: ago(60 + i),
        title: `News ${i}`,
        ...patch,
      });
    for (let i = 0; i < 30; i++) await save(news(i, i === 0 ? { language: 'fr' } : {}));
    expect((await publish()).failures).toEqual([]);
    store.asked.length = 0;

    await save(news(5, { title: 'Retitled', updated: ago(1) }));
    expect((await publish()).failures).toEqual([]);

    const xml = bucket.text('news-sitemap.xml') ?? '';
    const titles = [...xml.matchAll(/<news:title>([^<]+)</g)].map(([, title]) => title);
    expect(titles).toEqual(
      Array.from({ length: 30 }, (_, i) => (i === 5 ? 'Retitled' : `News ${i}`)),
    );
    expect([...xml.matchAll(/<news:language>([^<]+)</g)].map(([, l]) => l)).toEqual([
      'fr',
      ...Array(29).fill('en'),
    ]);
    expect(xml).toContain(`<news:publication_date>${ago(0).slice(0, 4)}`);
    expect(store.asked).toEqual([]);
  });

  it('shows stories whose entries were written before they carried a headline in the news sitemap, from their articles', async () => {
    // A table from before 2026-12-04: its entries name the article and its revision only.
    class Bare extends InMemoryArticleTable {
      override async entriesSince(feed: string, since: string, limit: number) {
        return (await super.entriesSince(feed, since, limit)).map(({ id, rev, sortKey }) => ({
          id,
          rev,
          sortKey,
        }));
      }
    }
    const { bucket, publish, save } = rig(new Bare());
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    await save(testArticle('a', { published: ago(30), title: 'Older', language: 'de' }));
    await save(testArticle('b', { published: ago(10), title: 'Newer' }));
    expect((await publish()).failures).toEqual([]);

    const xml = bucket.text('news-sitemap.xml') ?? '';
    expect([...xml.matchAll(/<news:title>([^<]+)</g)].map(([, t]) => t)).toEqual([
      'Newer',
      'Older',
    ]);
    expect(xml).toContain('<news:language>de</news:language>');
  });

  it("hints an article's first page and a unit's first files as new, so S3 can create them without a look first", async () => {
    const { bucket, publish, save } = rig();
    await save(testArticle('a', { title: 'First' }));
    await publish();
    expect(bucket.hints.get('articles/a.html')).toEqual({ likelyNew: true });
    // A unit never rendered before most likely has no files yet either.
    expect(bucket.hints.get('feed.json')).toEqual({ lastRender: 0, likelyNew: true });

    await save(testArticle('a', { title: 'Second' }));
    await publish();
    expect(bucket.hints.get('articles/a.html')).toEqual({ likelyNew: false });
    expect(bucket.text('articles/a.html')).toContain('Second');
    // A feed's names its unit's last finished render (the first publish's, ticket 1): the
    // bucket may still know what that render left.
    expect(bucket.hints.get('feed.json')).toEqual({ lastRender: 1 });
  });

  it('writes nothing when a batch renders the same bytes again', async () => {
    const { store, deps, save } = rig();
    await save(testArticle('a', { tags: labels('X') }));
    const changes = store.takeChanges();
    const first = await publishChanges(changes, deps);

    const again = await publishChanges(changes, deps);

    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(first.written.length);
  });

  it('takes a change that lands during a render as the next batch, not as a failure', async () => {
    const { bucket, publish, save } = rig();
    await save(testArticle('first', { published: day(1) }));
    let moved = false;
    bucket.beforePut = async (file) => {
      if (file.path !== 'rss.xml' || moved) return;
      moved = true;
      // Another ingest commits while this render's files are on their way to the bucket.
      await save(testArticle('late', { published: day(2) }));
    };

    const first = await publish();
    expect(first.failures).toEqual([]);
    expect(first.failedRecordIds).toEqual([]);
    expect(bucket.text('rss.xml')).not.toContain('Title of late');

    // The late change's own stream record brings it in.
    const second = await publish();
    expect(second.failures).toEqual([]);
    for (const path of [...feedFiles(''), 'index.html', 'articles/late.html'])
      expect(bucket.text(path)).toContain('Title of late');
  });

  it('lets two publishers of one batch (a retry racing the first try) write each file once between them', async () => {
    const { store, bucket, deps, save } = rig();
    await save(testArticle('a', { tags: labels('X') }));
    const changes = store.takeChanges();

    const [one, two] = await Promise.all([
      publishChanges(changes, deps),
      publishChanges(changes, deps),
    ]);

    expect([...one.failures, ...two.failures]).toEqual([]);
    const written = [...one.written, ...two.written].sort();
    expect(written).toEqual([...new Set(written)]);
    expect(written).toEqual(expect.arrayContaining(['rss.xml', 'tags/x/rss.xml']));
    expect(bucket.text('tags/x/feed.json')).toContain('Title of a');
  });

  it('never lets an older render stay: a later publisher waits for the unit, then renders the newer state', async () => {
    const { store, bucket, deps, save } = rig();
    await save(testArticle('old', { tags: labels('X'), published: day(1) }));
    const olderChanges = store.takeChanges();
    let newer: Promise<unknown> | undefined;
    bucket.beforePut = async (file) => {
      if (file.path !== 'tags/x/rss.xml' || newer) return;
      // While the older publisher writes tag X, a newer article arrives and its publisher runs.
      await save(testArticle('new', { tags: labels('X'), published: day(2) }));
      newer = publishChanges(store.takeChanges(), deps);
    };

    const older = await publishChanges(olderChanges, deps);
    const result = (await newer) as Awaited<ReturnType<typeof publishChanges>>;

    expect([...older.failures, ...result.failures]).toEqual([]);
    for (const path of feedFiles('tags/x/')) expect(bucket.text(path)).toContain('Title of new');
    expect(bucket.text('tags/index.html')).toContain('(2 articles)');
  });

  it.each([
    {
      by: 'a render that began reading after it was handed over',
      laterBy: 2_000,
      otherTitle: SITE.title,
      expected: 'skips',
    },
    {
      by: 'no render that began within the clocks’ margin of it',
      laterBy: 500,
      otherTitle: SITE.title,
      expected: 'renders',
    },
    {
      by: 'no render made with another deploy’s settings',
      laterBy: 2_000,
      otherTitle: 'Old News',
      expected: 'renders',
    },
  ])(
    'takes a batch as rendered by $by: it $expected its feeds',
    async ({ laterBy, otherTitle, expected }) => {
      const { store, bucket, clock, timed, save } = timedRig();
      await save(testArticle('a', { tags: labels('X'), published: day(1) }));
      const backlog = store.takeChanges();
      await save(testArticle('b', { tags: labels('X'), published: day(2) }));
      const newer = store.takeChanges();
      let running: ReturnType<typeof publishChanges> | undefined;
      store.beforeLedger = async (call) => {
        if (call !== 'claim') return;
        // Another stream lane, handed a later batch, renders every feed from the table (which
        // holds the backlog's change too) before this publisher claims any unit.
        if (!running) {
          clock.now += laterBy;
          running = publishChanges(newer, { ...timed, config: { ...SITE, title: otherTitle } });
        }
        await running;
      };

      const result = await publishChanges(backlog, timed);
      const other = await running;

      expect(other?.written).toEqual(expect.arrayContaining(feedFiles('tags/x/')));
      expect([...result.failures, ...(other?.failures ?? [])]).toEqual([]);
      if (expected === 'skips') {
        // The site feed and tag X's were read after its change: not rendered again. Its own page
        // and the one unit no later render read (its day's sitemap, which the other batch does
        // not touch) are; so are the listings, rendered after that day's sitemap was recorded,
        // as the sitemap index has to list it.
        expect(result.written).toEqual([
          'articles/a.html',
          'sitemap.xml',
          'sitemaps/2026-01-01.xml',
        ]);
        expect(bucket.text('sitemap.xml')).toContain('sitemaps/2026-01-01.xml');
        expect(result.coveredByOthers).toBe(2);
      } else {
        expect(result.coveredByOthers).toBe(0);
      }
      for (const path of feedFiles('tags/x/')) {
        expect(bucket.text(path)).toContain('Title of a');
        expect(bucket.text(path)).toContain('Title of b');
      }
      // The feeds say what this deploy's settings say.
      expect(bucket.text('rss.xml')).toContain(`<title>${SITE.title}</title>`);
    },
  );

  it('gives a unit up when rendering took nearly its whole lease, and its retry renders it', async () => {
    const { store, bucket, clock, timed, save } = timedRig();
    await save(testArticle('a', { published: day(1) }));
    const changes = store.takeChanges();
    // The site feed's render stalls 25 s: under 30 s, but past the point a holder may write.
    store.beforeRead = (read) => {
      if (read === 'feedHead' && clock.now === 0) clock.now += 25_000;
    };

    const first = await publishChanges(changes, timed);

    // The site feed is given up; the day sitemap, leased after it (the site feed goes alone),
    // renders within its own lease.
    expect(first.failures.map((f) => [f.unit, (f.error as Error).name])).toEqual([
      ['feed all', 'LeaseRunningOutError'],
    ]);
    expect(bucket.paths()).toContain('sitemaps/2026-01-01.xml');
    expect(first.failedRecordIds).toEqual(changes.map((c) => c.recordId));
    expect(bucket.paths()).not.toContain('rss.xml');
    // The lease was given up: the retry does not wait for it to expire.
    const retry = await publishChanges(changes, timed);
    expect(retry.failures).toEqual([]);
    expect(bucket.text('rss.xml')).toContain('Title of a');
  });

  it('renders again when its lease ran out and another publisher took it, and the stalled write never wins', async () => {
    const { store, bucket, clock, timed, save } = timedRig();
    await save(testArticle('a', { published: day(1) }));
    const first = store.takeChanges();
    let takeover: Promise<unknown> | undefined;
    bucket.beforePut = async (file) => {
      if (file.path !== 'feed.json' || takeover) return;
      // This publisher's last write stalls past its lease (after its fence was checked: a pause
      // no fence can see coming); another takes the unit over with a newer state.
      clock.now += 60_000;
      await save(testArticle('b', { published: day(2) }));
      takeover = publishChanges(store.takeChanges(), timed);
      await takeover;
    };

    const stalled = await publishChanges(first, timed);

    expect(stalled.failures).toEqual([]);
    expect(bucket.text('rss.xml')).toContain('Title of b');
    expect(bucket.text('feed.json')).toContain('Title of b');
  });

  it('fails only the records of a file whose PUT fails, and writes every other file', async () => {
    const { store, bucket, deps, save } = rig();
    await save(testArticle('x', { tags: labels('X'), published: day(1) }));
    await save(testArticle('y', { tags: labels('Y'), published: day(2) }));
    const changes = store.takeChanges();
    bucket.beforePut = (file) => {
      if (file.path === 'tags/x/rss.xml') throw new Error('S3 is slow today');
    };

    const result = await publishChanges(changes, deps);

    expect(result.failures.map((f) => f.unit)).toEqual(['feed tag/x']);
    // The failed unit's lease is given up at once: the retry does not wait for it to expire.
    expect((await store.acquire('feed tag/x', 'retry', 1)).lease).toBeDefined();
    expect(result.failedRecordIds).toEqual([changes[0]?.recordId]);
    expect(bucket.paths()).toEqual(
      expect.arrayContaining([
        'tags/x/atom.xml',
        'tags/x/feed.json',
        ...feedFiles('tags/y/'),
        ...feedFiles(''),
        'articles/x.html',
        'articles/y.html',
        ...LISTINGS,
      ]),
    );
    expect(bucket.paths()).not.toContain('tags/x/rss.xml');
  });

  it("deletes a tag's and an author's feeds with their last article; the site feed stays, empty", async () => {
    const { store, bucket, publish, save } = rig();
    await save(testArticle('a', { tags: labels('X'), authors: labels('Ann') }));
    await save(testArticle('b', { tags: labels('Y') }));
    await publish();
    expect(bucket.text('feeds.opml')).toContain('tags/x/');

    // Withdrawn long ago (the clock is today's): no feed announces it any more.
    await removeArticle(store, 'a', '2020-01-01T00:00:00.000Z');
    const result = await publish();

    expect(result.deleted).toEqual(
      [...labelFiles('tags/x/'), ...labelFiles('authors/ann/')].sort(),
    );
    // Its address says it is gone, for good.
    expect(bucket.file('articles/a.html')).toMatchObject({ status: 410 });
    expect(bucket.text('articles/a.html')).toContain('This story was withdrawn');
    expect(bucket.text('articles/a.html')).not.toContain('Body of a');
    expect(bucket.paths()).not.toContain('tags/x/rss.xml');
    expect(bucket.text('feeds.opml')).not.toContain('tags/x/');
    expect(bucket.text('feeds.opml')).toContain('tags/y/');
    expect(store.snapshot().metas).not.toHaveProperty('tag/x');
    expect(bucket.text('rss.xml')).not.toContain('Title of a');
    expect(bucket.text('rss.xml')).toContain('Title of b');

    await removeArticle(store, 'b', '2020-01-01T00:00:00.000Z');
    await publish();
    expect(JSON.parse(bucket.text('feed.json') ?? '{}').items).toEqual([]);
    expect(bucket.paths()).not.toContain('tags/y/feed.json');
  });

  it('never dates a day back in the sitemap index: its newest-updated story leaving keeps the date', async () => {
    const { store, bucket, deps, save } = rig();
    const publish = () => publishChanges(store.takeChanges(), deps);
    const day = (published: string, updated: string) => ({ published, updated });
    await save(testArticle('a', day('2026-02-20T08:00:00.000Z', '2026-02-20T08:00:00.000Z')));
    await save(testArticle('b', day('2026-02-20T09:00:00.000Z', '2026-02-25T12:00:00.000Z')));
    await publish();
    const indexed = () =>
      /sitemaps\/2026-02-20\.xml<\/loc>\s*<lastmod>([^<]+)</.exec(
        bucket.text('sitemap.xml') ?? '',
      )?.[1];
    expect(indexed()).toBe('2026-02-25T12:00:00.000Z');

    // The newest-updated story goes: the day's sitemap loses it, its date stays (it went back
    // to the 20th before, which search engines read as nothing changed since then).
    await removeArticle(store, 'b', '2026-03-01T10:00:00.000Z');
    await publish();
    expect(sitemapStories(bucket.text('sitemaps/2026-02-20.xml'))).toEqual([
      ['a', '2026-02-20T08:00:00.000Z'],
    ]);
    expect(indexed()).toBe('2026-02-25T12:00:00.000Z');
    // A later change moves it on.
    await save(
      testArticle('a', {
        ...day('2026-02-20T08:00:00.000Z', '2026-03-02T00:00:00.000Z'),
        title: 'A again',
      }),
    );
    await publish();
    expect(indexed()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('announces a withdrawal in Atom (RFC 6721) in every feed that showed the story, within the window', async () => {
    const { store, bucket, deps, save } = rig();
    const clock = { now: Date.parse('2026-03-01T00:00:00.000Z') };
    const timed = { ...deps, config: { ...SITE, withdrawnDays: 10 }, now: () => clock.now };
    const publish = () => publishChanges(store.takeChanges(), timed);
    await save(testArticle('a', { tags: labels('X'), authors: labels('Ann') }));
    await save(testArticle('b', { tags: labels('Y') }));
    await publish();

    await removeArticle(store, 'a', '2026-02-28T09:30:00.000Z');
    const result = await publish();

    // The tag's and the author's feeds stay while they tell readers, unlisted, and so do their
    // pages, the feeds' home, with no story listed.
    expect(result.deleted).toEqual([]);
    for (const page of ['tags/x/index.html', 'authors/ann/index.html']) {
      expect(bucket.text(page)).toContain('<p>No stories.</p>');
      expect(bucket.text(page)).not.toContain('Title of a');
    }
    for (const path of ['atom.xml', 'tags/x/atom.xml', 'authors/ann/atom.xml']) {
      const atom = bucket.text(path) ?? '';
      expect(atom).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');
      expect(atom).toContain(
        '<at:deleted-entry ref="urn:uuid:test-a" when="2026-02-28T09:30:00.000Z">',
      );
      expect(atom).not.toContain('<title type="text">Title of a</title>');
    }
    expect(bucket.text('tags/y/atom.xml')).not.toContain('deleted-entry');
    expect(bucket.text('feeds.opml')).not.toContain('tags/x/');
    // Unlisted, but known: the site's periodic render finds it when its window is over.
    expect(store.snapshot().metas['tag/x']).toMatchObject({ count: 0, announcing: true });

    // Within the window the periodic render keeps it; past it, the feed and its meta go.
    await publishSite(timed);
    expect(bucket.paths()).toContain('tags/x/atom.xml');
    clock.now = Date.parse('2026-03-20T00:00:00.000Z');
    const tick = await publishSite(timed);
    expect(tick.deleted).toEqual(
      [
        ...feedFiles('tags/x/'),
        'tags/x/index.html',
        ...feedFiles('authors/ann/'),
        'authors/ann/index.html',
      ].sort(),
    );
    expect(store.snapshot().metas).not.toHaveProperty('tag/x');
    expect(bucket.text('atom.xml')).not.toContain('deleted-entry');
    // The author feed went the same way; the tag feed of a story still live is untouched.
    expect(bucket.text('tags/y/atom.xml')).toContain('Title of b');
  });
});
