import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import type { SiteConfig } from '../../../shared/config/site.ts';
import { CACHE_CONTROL } from '../../../shared/contract/edge.ts';
import {
  archivePageName,
  startsArchivePage,
  subscriptionMost,
} from '../../../shared/publish/archive-pages.ts';
import { ArticleCache } from '../../../shared/publish/article-cache.ts';
import { type PublishResult, publishChanges } from '../../../shared/publish/publish-changes.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, removeArticle, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { bodyText, InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';
import { prng } from '../../support/prng.ts';
import { followRedirects } from '../../support/redirect-chains.ts';
import { jsonFeedProblems, rssProblems } from '../feeds/feed-checks.ts';
import { a, jingProblems, writeTemp, xpathCount, xpathString } from '../feeds/xml-tools.ts';

const SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Example News',
  description: 'Tests of feedpub',
  language: 'en',
  itemLimit: 20,
};

const FORMAT_FILES = { atom: 'atom.xml', rss: 'rss.xml', json: 'feed.json' } as const;
type Format = keyof typeof FORMAT_FILES;

/** A published time for story `n`: minutes apart, so the order is the number's. */
const minute = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();

function rig() {
  const store = new InMemoryArticleTable();
  const bucket = new InMemorySiteBucket();
  const deps = { feeds: store, ledger: store, bucket, config: SITE };
  return {
    store,
    bucket,
    publish: () => publishChanges(store.takeChanges(), deps),
    save: (article: Article) => saveArticle(store, article),
  };
}

/**
 * Publishes with the writes of the `held` paths held back until `awaited` is written, or until
 * nothing else moves (the in-memory table and bucket answer within a few turns of the event
 * loop): every path in the order it was put, and those put while the others were held.
 */
async function publishHolding(
  bucket: InMemorySiteBucket,
  publish: () => Promise<PublishResult>,
  held: (path: string) => boolean,
  awaited: string,
) {
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const order: string[] = [];
  bucket.beforePut = async (file) => {
    order.push(file.path);
    if (held(file.path)) await gate;
  };
  const published = publish();
  for (let turn = 0; turn < 1000 && !order.includes(awaited); turn++)
    await new Promise((resolve) => setImmediate(resolve));
  const whileHeld = [...order];
  open();
  expect((await published).failures).toEqual([]);
  bucket.beforePut = undefined;
  return { order, whileHeld };
}

const story = (n: number, extra: Partial<Article> = {}) =>
  testArticle(`s${String(n).padStart(5, '0')}`, {
    published: minute(n),
    tags: labels(n % 3 === 0 ? 'Fizz' : 'Plain'),
    ...extra,
  });

/** The numbers of the stories whose ids start an archive page (14, 16, 30, 263, …). */
const pageStarts = Array.from({ length: 4000 }, (_, i) => i + 1).filter((n) =>
  startsArchivePage(story(n).id),
);

/**
 * The story whose arrival archives the page that starts at story `start` (1: the first page):
 * the first to leave the page's oldest story beyond the newest `itemLimit`, once a story has
 * started the next page (publish/archive-pages.ts).
 */
const closing = (start: number) =>
  Math.max(start + SITE.itemLimit, pageStarts.find((n) => n > start) ?? Number.POSITIVE_INFINITY);

const pathOf = (url: string) => new URL(url).pathname.slice(1);

/** The links of one Atom or RSS document with this rel (atom:link in RSS). */
const linkOf = (xml: string, rel: string) =>
  xpathString(xml, `string(//${a('link')}[@rel='${rel}']/@href)`);

interface Walked {
  /**
   * Item ids (guids) in the order a reader walking the chain meets them, newest first, each
   * once: the newest archive page may hold some the subscription document shows too (the same
   * entries, merged by id), and no other document repeats one.
   */
  ids: string[];
  /** Each document's path, from the subscription document down. */
  documents: string[];
}

/**
 * Follows the chain as an RFC 5005 client does: from the subscription document along
 * prev-archive, each document read with a real feed parser; checks every archive document's
 * `current`, `fh:archive` and that its `next-archive` names the document it was reached from.
 */
function walkChain(bucket: InMemorySiteBucket, dir: string, format: Format): Walked {
  const ids: string[] = [];
  const documents: string[] = [];
  const met = new Set<string>();
  /** The subscription document's ids: the only ones a document may show again. */
  let subscription = new Set<string>();
  const meet = (found: string[]) => {
    if (documents.length === 1) subscription = new Set(found);
    const again = found.filter((id) => met.has(id));
    // Only the newest archive page (the second document) repeats any, and only from the first.
    if (documents.length !== 2) expect(again, documents.at(-1)).toEqual([]);
    expect(again.every((id) => subscription.has(id))).toBe(true);
    for (const id of found) if (!met.has(id)) ids.push(id);
    for (const id of found) met.add(id);
  };
  let path: string | undefined = `${dir}${FORMAT_FILES[format]}`;
  let newer: string | undefined;
  while (path) {
    const text = bucket.text(path);
    if (text === undefined) throw new Error(`${path} is linked but missing`);
    documents.push(path);
    let older: string | undefined;
    if (format === 'json') {
      // The parser reads XML feeds; JSON Feed is read as JSON.
      const doc = JSON.parse(text) as {
        next_url?: string;
        feed_url: string;
        items: { id: string }[];
      };
      meet(doc.items.map((item) => item.id));
      expect(doc.feed_url).toBe(`${SITE.url}${dir}feed.json`);
      older = doc.next_url;
    } else {
      meet(parseFeed(text).items.map((item) => item.id ?? ''));
      older = linkOf(text, 'prev-archive') || undefined;
      if (newer !== undefined) {
        expect(linkOf(text, 'current')).toBe(`${SITE.url}${dir}${FORMAT_FILES[format]}`);
        expect(xpathCount(text, `//${a('archive')}`)).toBe(1);
        // The newest archive page's next is the subscription document (`current`).
        if (newer !== `${dir}${FORMAT_FILES[format]}`)
          expect(pathOf(linkOf(text, 'next-archive'))).toBe(newer);
        else expect(linkOf(text, 'next-archive')).toBe('');
      } else expect(xpathCount(text, `//${a('archive')}`)).toBe(0);
    }
    newer = path;
    path = older ? pathOf(older) : undefined;
  }
  return { ids, documents };
}

/** The archive pages the bucket holds for one feed directory (not the redirects left where pages were). */
const archiveFiles = (bucket: InMemorySiteBucket, dir: string) =>
  bucket
    .paths()
    .filter((key) => key.startsWith(`${dir}archive/`) && bucket.file(key)?.status !== 301)
    .sort();

/**
 * Where each redirect left where an archive page was leads, followed as a reader's client
 * does (to a document that is there, never to another missing page), by path.
 */
function redirectsOf(bucket: InMemorySiteBucket, dir: string): Map<string, string> {
  const site = {
    locationOf: (path: string) =>
      bucket.file(path)?.status === 301 ? (bucket.file(path)?.location ?? '') : undefined,
    exists: (path: string) => bucket.file(path) !== undefined,
  };
  const ends = new Map<string, string>();
  for (const path of bucket.paths().filter((key) => key.startsWith(`${dir}archive/`))) {
    const followed = followRedirects(path, site, SITE.url);
    if ('problem' in followed) throw new Error(followed.problem);
    if (followed.end !== path) ends.set(path, followed.end);
  }
  return ends;
}

/** The live stories a reader should find, newest first, as feed item ids. */
const expectedIds = (numbers: Iterable<number>) =>
  [...numbers].sort((x, y) => y - x).map((n) => story(n).guid);

/**
 * A site of `count` stories, published, on a table whose clock the test moves (`clock.now`);
 * `at(now)`: publish deps whose changes were handed over at `now()`; `publishNow`.
 */
async function publishedSite(count: number) {
  const store = new InMemoryArticleTable();
  const bucket = new InMemorySiteBucket();
  const clock = { now: 0 };
  store.now = () => clock.now;
  const at = (now: () => number) => ({ feeds: store, ledger: store, bucket, config: SITE, now });
  for (let n = 1; n <= count; n++) await saveArticle(store, story(n, { tags: [] }));
  /** Publishes the changes made since, handed over now; the failures. */
  const publishNow = async () =>
    (
      await publishChanges(
        store.takeChanges(),
        at(() => clock.now),
      )
    ).failures;
  await publishNow();
  return { store, bucket, clock, at, count, publishNow };
}

describe('feed archives (RFC 5005)', () => {
  it('chains every story into archive pages, reached from the subscription document exactly once, in order, in all three formats', async () => {
    const { bucket, publish, save } = rig();
    const random = prng(5005);
    // 400 stories arriving in a random order, in batches: pages must not depend on the order.
    const numbers = Array.from({ length: 400 }, (_, i) => i + 1).sort(() => random() - 0.5);
    for (let i = 0; i < numbers.length; i += 37) {
      for (const n of numbers.slice(i, i + 37)) await save(story(n));
      expect((await publish()).failures).toEqual([]);
    }
    const live = new Set(numbers);
    for (const format of ['atom', 'rss', 'json'] as const) {
      const walked = walkChain(bucket, '', format);
      expect(walked.ids).toEqual(expectedIds(live));
      // 380 archived stories in pages of about 50.
      expect(walked.documents.length).toBeGreaterThan(3);
      expect(walked.documents.length).toBeLessThan(25);
    }
    // A tag feed has its own chain of its own stories.
    const fizz = [...live].filter((n) => n % 3 === 0);
    expect(walkChain(bucket, 'tags/fizz/', 'atom').ids).toEqual(expectedIds(fizz));
    // No file is left out of the chain.
    const walked = walkChain(bucket, '', 'rss').documents.slice(1);
    expect(archiveFiles(bucket, '').filter((f) => f.endsWith('rss.xml'))).toEqual(
      [...walked].sort(),
    );
  });

  it("pages a reader from a tag's page and the home page to every story, through each archive page", async () => {
    const { bucket, publish, save } = rig();
    for (let n = 1; n <= 260; n++) await save(story(n));
    await publish();
    /** The stories a reader meets following "Older stories" from `start`, newest first. */
    const follow = (start: string) => {
      const met: string[] = [];
      let path: string | undefined = start;
      let pages = 0;
      while (path) {
        const html: string = bucket.text(path) ?? '';
        expect(html, path).toContain('<!DOCTYPE html>');
        met.push(
          ...[...html.matchAll(/<h[23]><a href="[^"]*\/articles\/([^"]+)\.html">/g)].map(
            (m) => m[1] as string,
          ),
        );
        const older: string | undefined = /<a href="([^"]+)" rel="next">Older stories<\/a>/.exec(
          html,
        )?.[1];
        if (older) {
          // An archive page leads back to the one it was reached from.
          const back = /<a href="([^"]+)" rel="prev">Newer stories<\/a>/.exec(
            bucket.text(`${pathOf(older)}index.html`) ?? '',
          )?.[1];
          expect(back && `${pathOf(back)}index.html`).toBe(path);
        }
        path = older ? `${pathOf(older)}index.html` : undefined;
        pages += 1;
      }
      expect(pages).toBeGreaterThan(1);
      return met;
    };
    const ids = (numbers: number[]) => numbers.sort((x, y) => y - x).map((n) => story(n).id);
    const all = Array.from({ length: 260 }, (_, i) => i + 1);
    expect(follow('tags/fizz/index.html')).toEqual(ids(all.filter((n) => n % 3 === 0)));
    expect(follow('index.html')).toEqual(ids(all));
    // Tag links on a story's page lead to its tag's page.
    expect(bucket.text(`articles/${story(9).id}.html`)).toContain(
      `<a href="${SITE.url}tags/fizz/"><bdi>Fizz</bdi></a>`,
    );
  });

  it('links the page before a new newest page even when concurrent batches, none alone, pushed it out', async () => {
    const { bucket, store, save } = rig();
    const deps = { feeds: store, ledger: store, bucket, config: SITE };
    let n = 1;
    for (; n <= SITE.itemLimit + 5; n++) await save(story(n, { tags: [] }));
    await publishChanges(store.takeChanges(), deps);
    let pagesBefore = archiveFiles(bucket, '').length;
    // Each batch one new story; all published at once, after every story is in the table, as
    // Lambda's concurrent stream batches may be: each sees the others' stories.
    for (let round = 0; round < 6; round++) {
      const batches = [];
      for (let k = 0; k < 30; k++, n++) {
        await save(story(n, { tags: [] }));
        batches.push(store.takeChanges());
      }
      const results = await Promise.all(batches.map((changes) => publishChanges(changes, deps)));
      expect(results.flatMap((r) => r.failures)).toEqual([]);
      const all = Array.from({ length: n - 1 }, (_, i) => i + 1);
      for (const format of ['atom', 'rss'] as const)
        expect(walkChain(bucket, '', format).ids).toEqual(expectedIds(all));
      expect(archiveFiles(bucket, '').length).toBeGreaterThanOrEqual(pagesBefore);
      pagesBefore = archiveFiles(bucket, '').length;
    }
    expect(pagesBefore).toBeGreaterThan(8);
  });

  it('writes the same pages whatever order the stories came in', async () => {
    const build = async (seed: number) => {
      const { bucket, publish, save } = rig();
      const random = prng(seed);
      const numbers = Array.from({ length: 200 }, (_, i) => i + 1).sort(() => random() - 0.5);
      for (let i = 0; i < numbers.length; i += 23) {
        for (const n of numbers.slice(i, i + 23)) await save(story(n));
        await publish();
      }
      return Object.fromEntries(archiveFiles(bucket, '').map((f) => [f, bucket.text(f)]));
    };
    const [one, two] = [await build(1), await build(2)];
    expect(Object.keys(one).length).toBeGreaterThan(0);
    expect(two).toEqual(one);
  });

  it("makes a new story rewrite only the subscription documents, and archive pages only as a page closes, whatever the archive's size; a page's stories never change", async () => {
    const archiveWrites = async (stories: number) => {
      const { bucket, publish, save } = rig();
      for (let n = 1; n <= stories; n++) await save(story(n, { tags: [] }));
      await publish();
      /** Each archive page's stories, as first written (RFC 5005 §4.1: they never change). */
      const pages = new Map<string, string[]>();
      const checkPages = () => {
        for (const path of archiveFiles(bucket, '').filter((f) => f.endsWith('atom.xml'))) {
          const ids = parseFeed(bucket.text(path) ?? '').items.map((item) => item.id ?? '');
          expect(ids, path).toEqual(pages.get(path) ?? ids);
          pages.set(path, ids);
        }
      };
      checkPages();
      const counts: number[] = [];
      for (let n = stories + 1; n <= stories + 200; n++) {
        await save(story(n, { tags: [] }));
        const { written } = await publish();
        const archive = written.filter((path) => path.startsWith('archive/'));
        counts.push(archive.length);
        // At most two archive pages (the one that closed, and the one before it, which gains
        // its `next-archive` link), each in three formats and as an HTML page.
        expect(archive.length).toBeLessThanOrEqual(8);
        checkPages();
      }
      expect(archiveFiles(bucket, '').length).toBeGreaterThan(0);
      // Each page that closed was linked to the next one as it did.
      const all = Array.from({ length: stories + 200 }, (_, i) => i + 1);
      expect(walkChain(bucket, '', 'atom').ids).toEqual(expectedIds(all));
      // The stories that made a page close: a page start reached the `itemLimit`-th place.
      const closed = [1, ...pageStarts].filter(
        (n) => closing(n) > stories && closing(n) <= stories + 200,
      );
      expect(counts.filter((count) => count > 0)).toHaveLength(closed.length);
      return closed.length;
    };
    // Every other story writes no archive file, with 300 stories or 3,000 before it.
    expect(await archiveWrites(300)).toBeGreaterThan(1);
    expect(await archiveWrites(3000)).toBeGreaterThan(1);
  });

  it('keeps the subscription document within subscriptionMost stories where no page starts within reach, the newest archive page growing meanwhile', async () => {
    const { bucket, publish, save } = rig();
    // Stories 31 to 262 start no page: 230 in a row, more than the subscription may show.
    const [before, after] = [pageStarts[2] as number, pageStarts[3] as number];
    expect(after - before).toBeGreaterThan(subscriptionMost(SITE.itemLimit));
    for (let n = 1; n <= before + subscriptionMost(SITE.itemLimit) + 10; n++) {
      await save(story(n, { tags: [] }));
      if (n % 40 === 0) expect((await publish()).failures).toEqual([]);
    }
    expect((await publish()).failures).toEqual([]);
    const top = before + subscriptionMost(SITE.itemLimit) + 10;
    const shown = parseFeed(bucket.text('atom.xml') ?? '').items.length;
    expect(shown).toBe(subscriptionMost(SITE.itemLimit));
    const all = Array.from({ length: top }, (_, i) => i + 1);
    expect(walkChain(bucket, '', 'atom').ids).toEqual(expectedIds(all));
  });

  it('writes a new archive page before the feed that links it, the page before it after, and never links a page that is not there yet', async () => {
    const { bucket, publish, save } = rig();
    for (let n = 1; n <= 25; n++) await save(story(n, { tags: [] }));
    await publish();
    const pageAtom = (f: string) => /^archive\/[^/]+\/atom\.xml$/.test(f);
    const pagesBefore = archiveFiles(bucket, '').filter(pageAtom).length;
    let feedFirst = 0;
    let pageFirst = 0;
    const linkedMissing: string[] = [];
    for (let n = 26; n <= 140; n++) {
      await save(story(n, { tags: [] }));
      const order: string[] = [];
      bucket.beforePut = (file) => {
        // A redirect where a page was is written only over it: none is here, none is written.
        if (!file.replaceOnly) order.push(file.path);
        if (file.path !== 'atom.xml') return;
        // What the subscription document is about to link must be in the bucket already.
        const older = linkOf(bodyText(file.body), 'prev-archive');
        if (older && bucket.text(pathOf(older)) === undefined) linkedMissing.push(`${n}: ${older}`);
      };
      expect((await publish()).failures).toEqual([]);
      const feedAt = order.indexOf('atom.xml');
      const pagesAt = order
        .map((path, i) => ({ path, i }))
        .filter(({ path }) => /^archive\/[^/]+\/atom\.xml$/.test(path));
      expect(feedAt, `story ${n}`).toBeGreaterThanOrEqual(0);
      for (const { path, i } of pagesAt) {
        if (i > feedAt) feedFirst += 1;
        else {
          // Written first only when the feed links it for the first time.
          pageFirst += 1;
          expect(`${SITE.url}${path}`).toBe(linkOf(bucket.text('atom.xml') ?? '', 'prev-archive'));
        }
      }
    }
    bucket.beforePut = undefined;
    expect(linkedMissing).toEqual([]);
    // Each new page was written once, before the feed; the page before it once more, after
    // the feed, with its `next-archive` link.
    const pages = archiveFiles(bucket, '').filter(pageAtom).length;
    expect(pagesBefore).toBeGreaterThan(0);
    expect(pages).toBeGreaterThan(pagesBefore);
    expect(pageFirst).toBe(pages - pagesBefore);
    expect(feedFirst).toBe(pageFirst);
    const all = Array.from({ length: 140 }, (_, i) => i + 1);
    expect(walkChain(bucket, '', 'atom').ids).toEqual(expectedIds(all));
  });

  it("renders the site feed without waiting for another feed's new archive page, which still goes before its own feed", async () => {
    const { bucket, publish, save } = rig();
    const last = closing(1);
    for (let n = 1; n < last; n++) await save(story(n, { tags: labels('Fizz') }));
    await publish();
    // One more story leaves the oldest beyond the newest itemLimit in both feeds: each feed's
    // first page is archived, and linked.
    await save(story(last, { tags: labels('Fizz') }));
    // The tag's new page is held until the site feed is out.
    const { order, whileHeld } = await publishHolding(
      bucket,
      publish,
      (path) => path.startsWith('tags/fizz/archive/'),
      'rss.xml',
    );

    expect(whileHeld).toEqual(
      expect.arrayContaining([
        'rss.xml',
        'archive/first/atom.xml',
        'tags/fizz/archive/first/atom.xml',
      ]),
    );
    expect(whileHeld).not.toContain('tags/fizz/atom.xml');
    expect(order.indexOf('archive/first/atom.xml')).toBeLessThan(order.indexOf('atom.xml'));
    const all = Array.from({ length: last }, (_, i) => i + 1);
    for (const dir of ['', 'tags/fizz/'])
      expect(walkChain(bucket, dir, 'atom').ids).toEqual(expectedIds(all));
  });

  it("writes a feed's archive pages once its own feed is written, without waiting for the batch's other feeds", async () => {
    const { bucket, publish, save } = rig();
    const last = closing(pageStarts[0] as number);
    for (let n = 1; n < last; n++) await save(story(n, { tags: labels('Fizz') }));
    await publish();
    // Both feeds' newest archive page (already linked, the first) gains its `next-archive`
    // link as the page above it is archived.
    await save(story(last, { tags: labels('Fizz') }));
    // The tag's feed is held until the site's page is out.
    const { order, whileHeld } = await publishHolding(
      bucket,
      publish,
      (path) => /^tags\/fizz\/[^/]+$/.test(path),
      'archive/first/atom.xml',
    );

    expect(whileHeld).toContain('archive/first/atom.xml');
    expect(whileHeld).not.toContain('tags/fizz/archive/first/atom.xml');
    for (const format of ['atom.xml', 'rss.xml', 'feed.json'])
      expect(order.indexOf(`archive/first/${format}`)).toBeGreaterThan(order.indexOf(format));
    const all = Array.from({ length: last }, (_, i) => i + 1);
    for (const dir of ['', 'tags/fizz/'])
      expect(walkChain(bucket, dir, 'atom').ids).toEqual(expectedIds(all));
  });

  it("searches a feed's archive on its render's own read: a new story's batch walks no feed on its own", async () => {
    const { store, bucket, publish, save } = rig();
    for (let n = 1; n <= 5; n++) await save(story(n));
    await publish();
    const reads: string[] = [];
    store.beforeRead = (read) => {
      reads.push(read);
    };

    await save(story(6));
    expect((await publish()).failures).toEqual([]);

    // The site feed, the story's tag feed and the index: each read once, from the newest entry
    // down; no archive yet, so nothing else walks either feed.
    expect(reads.filter((read) => read === 'feedHead')).toHaveLength(3);
    expect(reads.filter((read) => read === 'walkEntries')).toEqual([]);
    expect(walkChain(bucket, '', 'atom').ids).toEqual(expectedIds([1, 2, 3, 4, 5, 6]));
    expect(walkChain(bucket, 'tags/fizz/', 'atom').ids).toEqual(expectedIds([3, 6]));
  });

  it("renders the archive page of a story deep in the archive when another batch's render covered its feed", async () => {
    const { store, bucket, clock, at, count, publishNow } = await publishedSite(300);
    // Batch B: a story dated among the oldest, committed at 10 s.
    clock.now = 10_000;
    const deep = testArticle('deep', { published: minute(5.5), tags: [] });
    await saveArticle(store, deep);
    const b = store.takeChanges();
    // Batch A: a new story, published first, from a read at 20 s: it covers B's feed.
    clock.now = 20_000;
    await saveArticle(store, story(count + 1, { tags: [] }));
    expect(await publishNow()).toEqual([]);

    const late = await publishChanges(
      b,
      at(() => 10_000),
    );

    expect(late.failures).toEqual([]);
    expect(late.coveredByOthers).toBeGreaterThan(0);
    expect(late.written.filter((path) => path.startsWith('archive/')).length).toBeGreaterThan(0);
    const ids = walkChain(bucket, '', 'atom').ids;
    const all = Array.from({ length: count + 1 }, (_, i) => i + 1);
    expect(ids.filter((id) => id !== deep.guid)).toEqual(expectedIds(all));
    expect(ids.indexOf(deep.guid)).toBe(ids.indexOf(story(5).guid) - 1);
  });

  it("finds a covered batch's pages from what the covering render saw of the archive, without a search of its own; one that removed a story searches", async () => {
    const { store, bucket, clock, at, count, publishNow } = await publishedSite(300);
    const searches: string[] = [];
    const archiveLink = store.archiveLink.bind(store);
    store.archiveLink = (feed) => {
      searches.push(feed);
      return archiveLink(feed);
    };
    // Batch B: a story dated a few pages below the frontier, committed at 10 s; then a story
    // removed from the archive, at 12 s.
    clock.now = 10_000;
    const older = testArticle('older', { published: minute(count - 100.5), tags: [] });
    await saveArticle(store, older);
    const b = store.takeChanges();
    clock.now = 12_000;
    await removeArticle(store, story(count - 150).id);
    const removal = store.takeChanges();
    // Batch A: a new story and one dated among the oldest (so its search walks the archive),
    // from a read at 20 s: its render covers both batches' feed.
    clock.now = 20_000;
    await saveArticle(store, story(count + 1, { tags: [] }));
    const oldest = testArticle('oldest', { published: minute(10.5), tags: [] });
    await saveArticle(store, oldest);
    expect(await publishNow()).toEqual([]);

    searches.length = 0;
    const late = await publishChanges(
      b,
      at(() => 10_000),
    );
    expect(late.failures).toEqual([]);
    expect(late.coveredByOthers).toBeGreaterThan(0);
    expect(searches).toEqual([]);
    expect(late.written.filter((path) => path.startsWith('archive/')).length).toBeGreaterThan(0);
    const removed = await publishChanges(
      removal,
      at(() => 12_000),
    );
    expect(removed.failures).toEqual([]);
    expect(searches).toEqual(['all']);

    const ids = walkChain(bucket, '', 'atom').ids;
    const all = Array.from({ length: count + 1 }, (_, i) => i + 1).filter((n) => n !== count - 150);
    expect(ids.filter((id) => id !== older.guid && id !== oldest.guid)).toEqual(expectedIds(all));
    expect(ids.indexOf(older.guid)).toBe(ids.indexOf(story(count - 101).guid) - 1);
    expect(ids.indexOf(oldest.guid)).toBe(ids.indexOf(story(10).guid) - 1);
  });

  it('renders the pages of stories dated deep in the archive from their own start, without walking the feed from the top', async () => {
    const { store, bucket, publish, save } = rig();
    for (let n = 1; n <= 400; n++) await save(story(n, { tags: [] }));
    await publish();
    const fromTheTop: string[] = [];
    const walk = store.walkEntries.bind(store);
    store.walkEntries = (feed, start) => {
      if (start.order === 'newest first' && !start.bound) fromTheTop.push(feed);
      return walk(feed, start);
    };

    const old = [20.5, 70.5, 120.5].map((n) =>
      testArticle(`old-${n}`, { published: minute(n), tags: [] }),
    );
    for (const article of old) await save(article);
    const result = await publish();

    expect(result.failures).toEqual([]);
    expect(result.written.filter((path) => path.startsWith('archive/')).length).toBeGreaterThan(0);
    // The search went on from the feed's own read, and each story's page was read from its
    // start: no walk from the top (the newest page, unchanged, is not rendered again).
    expect(fromTheTop).toEqual([]);
    const ids = walkChain(bucket, '', 'atom').ids;
    for (const article of old) {
      const below = story(Math.floor(Number(article.id.slice(4)))).guid;
      expect(ids.indexOf(article.guid)).toBe(ids.indexOf(below) - 1);
    }
  });

  it("renders a story's archive pages in every feed close together: a batch dated across the archive reads each story once, though the cache holds only part of it", async () => {
    const store = new InMemoryArticleTable();
    const bucket = new InMemorySiteBucket();
    const count = 600;
    const tagged = (n: number) => (n % 3 === 0 ? labels('Fizz') : labels('Plain'));
    for (let n = 1; n <= count; n++) await saveArticle(store, story(n, { tags: tagged(n) }));
    // Room for about half the archive's articles (ArticleCache counts 1 KB and the texts each).
    const articles = new ArticleCache({ maxBytes: 300 * 1100 });
    const deps = { feeds: store, ledger: store, bucket, config: SITE, articles, concurrency: 4 };
    await publishChanges(store.takeChanges(), deps);
    // Stories dated across the archive: nearly every page of the site feed and of both tags
    // changes, each showing 50 stories the cache may have let go.
    const old = Array.from({ length: 47 }, (_, i) => 5.5 + 12 * i).map((n) =>
      testArticle(`old-${n}`, { published: minute(n), tags: tagged(Math.floor(n)) }),
    );
    for (const article of old) await saveArticle(store, article);
    const read: string[] = [];
    const getArticles = store.getArticles.bind(store);
    store.getArticles = (ids) => {
      read.push(...ids);
      return getArticles(ids);
    };
    const result = await publishChanges(store.takeChanges(), deps);

    expect(result.failures).toEqual([]);
    const pages = result.written.filter((path) =>
      /^(tags\/[^/]+\/)?archive\/.*atom\.xml$/.test(path),
    );
    expect(pages.length).toBeGreaterThan(15);
    // Every story of the archive is in a page the batch rendered in the site feed and in its
    // tag's, and is read once: rendered feed by feed, the cache let most go before the second.
    const once = new Set(read);
    expect(once.size).toBeGreaterThan(count * 0.8);
    expect(read.length).toBeLessThan(once.size * 1.1);
    expect(walkChain(bucket, '', 'atom').ids.length).toBe(count + old.length);
  });

  it('leaves the archive pages it has no time for to the retry of their records, which renders only those', async () => {
    const store = new InMemoryArticleTable();
    const bucket = new InMemorySiteBucket();
    const clock = { now: 0 };
    store.now = () => clock.now;
    const deps = (inTime?: () => boolean) => ({
      feeds: store,
      ledger: store,
      bucket,
      config: SITE,
      now: () => clock.now,
      ...(inTime ? { inTime } : {}),
    });
    const count = 400;
    for (let n = 1; n <= count; n++) await saveArticle(store, story(n, { tags: [] }));
    await publishChanges(store.takeChanges(), deps());
    // Stories dated across the archive, committed at 10 s, as the stream dates its records.
    clock.now = 10_000;
    const old = [15.5, 65.5, 115.5, 165.5, 215.5, 265.5].map((n) =>
      testArticle(`old-${n}`, { published: minute(n), tags: [] }),
    );
    for (const article of old) await saveArticle(store, article);
    const changes = store.takeChanges().map((change) => ({ ...change, committedAt: 10_000 }));

    // The first attempt has time for two archive pages.
    clock.now = 20_000;
    let starts = 0;
    const first = await publishChanges(
      changes,
      deps(() => ++starts <= 2),
    );
    expect(first.failures).toEqual([]);
    expect(first.deferred.length).toBeGreaterThan(0);
    expect(first.failedRecordIds.length).toBeGreaterThan(0);
    expect(first.deferredRecordIds).toEqual(first.failedRecordIds);

    // The retry (Lambda sends the records again) renders what the first attempt left, and the
    // listings (rendered whenever they run): the rest is covered by the first attempt's renders.
    clock.now = 30_000;
    let renders = 0;
    store.beforeLedger = (call) => {
      if (call === 'release') renders++;
    };
    const retry = await publishChanges(
      changes,
      deps(() => true),
    );
    store.beforeLedger = undefined;
    expect(retry.failures).toEqual([]);
    expect(retry.failedRecordIds).toEqual([]);
    expect(renders).toBe(first.deferred.length + 1);
    const ids = walkChain(bucket, '', 'atom').ids;
    for (const article of old) {
      const below = story(Math.floor(Number(article.id.slice(4)))).guid;
      expect(ids.indexOf(article.guid)).toBe(ids.indexOf(below) - 1);
    }
  });

  it('keeps the chain whole through withdrawals, stories published with old dates, moves of date and removals', async () => {
    const { bucket, publish, save, store } = rig();
    const live = new Set<number>();
    for (let n = 1; n <= 300; n += 1) {
      await save(story(n * 10));
      live.add(n * 10);
    }
    await publish();
    const random = prng(6721);
    for (let round = 0; round < 8; round++) {
      for (let k = 0; k < 15; k++) {
        const n = [...live][Math.floor(random() * live.size)] as number;
        const choice = random();
        if (choice < 0.3) {
          await save(story(n, { status: 'withdrawn', withdrawn: { at: minute(99_999) } }));
          live.delete(n);
        } else if (choice < 0.5) {
          await removeArticle(store, story(n).id);
          live.delete(n);
        } else if (choice < 0.8) {
          // A story with an old date, between two others.
          const old = Math.floor(random() * 3000) * 10 + 5;
          if (!live.has(old)) {
            await save(story(old));
            live.add(old);
          }
        } else {
          await save(story(n, { title: `Corrected ${round}` }));
        }
      }
      expect((await publish()).failures).toEqual([]);
      for (const format of ['atom', 'json'] as const)
        expect(walkChain(bucket, '', format).ids).toEqual(expectedIds(live));
      const chained = walkChain(bucket, '', 'atom').documents.slice(1);
      expect(archiveFiles(bucket, '').filter((f) => f.endsWith('atom.xml'))).toEqual(
        [...chained].sort(),
      );
      // A page whose first story went answers 301 to the page that holds its place now.
      for (const [from, to] of redirectsOf(bucket, '')) {
        const format = from.slice(from.lastIndexOf('/') + 1);
        expect(to.endsWith(`/${format}`) || to === format, `${from} → ${to}`).toBe(true);
      }
    }
    // Shrinking back below one document's worth leaves no archive page; where each was, a
    // redirect to the subscription document.
    for (const n of [...live].slice(0, live.size - 5)) {
      await removeArticle(store, story(n).id);
      live.delete(n);
    }
    await publish();
    expect(archiveFiles(bucket, '')).toEqual([]);
    const left = redirectsOf(bucket, '');
    expect(new Set(left.values())).toEqual(
      new Set(['atom.xml', 'rss.xml', 'feed.json', 'index.html']),
    );
    expect(walkChain(bucket, '', 'rss').ids).toEqual(expectedIds(live));
  });

  it('leaves a redirect where a page was when its first story goes (moved to another id, removed): never a 404 for a page readers were linked to', async () => {
    const { bucket, publish, save, store } = rig();
    for (let n = 1; n <= 200; n++) await save(story(n));
    await publish();
    // A page of a few stories deep in the archive, and the one before it, which takes them.
    const at = pageStarts.findIndex(
      (n, k) => k > 0 && closing(n) < 200 && (pageStarts[k + 1] ?? 0) - n >= 3,
    );
    const [older, start] = [pageStarts[at - 1], pageStarts[at]] as [number, number];
    const atomOf = (n: number) => {
      const sortKey = `${minute(n)}#${story(n).id}`;
      return `archive/${archivePageName(sortKey)}/atom.xml`;
    };
    const page = atomOf(start);
    const held = parseFeed(bucket.text(page) ?? '').items.map((item) => item.id);
    expect(held.length).toBeGreaterThan(1);

    // Its first story moves to another id (a renamed file): it leaves this feed's place.
    await removeArticle(store, story(start).id);
    expect((await publish()).failures).toEqual([]);

    const to = atomOf(older);
    for (const format of ['atom.xml', 'rss.xml', 'feed.json', 'index.html']) {
      const gone = bucket.file(page.replace('atom.xml', format));
      expect(gone?.status, format).toBe(301);
      const target = to.replace('atom.xml', format === 'index.html' ? '' : format);
      expect(gone?.location).toBe(`${SITE.url}${target}`);
    }
    const now = parseFeed(bucket.text(to) ?? '').items.map((item) => item.id);
    expect(now).toEqual(expect.arrayContaining(held.filter((id) => id !== story(start).guid)));
    expect(walkChain(bucket, '', 'atom').ids).toEqual(
      expectedIds(Array.from({ length: 200 }, (_, i) => i + 1).filter((n) => n !== start)),
    );
  });

  it('writes valid archive documents: Atom against its schema, RSS and JSON Feed checks; full pages are cached longer', async () => {
    const { bucket, publish, save } = rig();
    for (let n = 1; n <= 200; n++) await save(story(n));
    await publish();
    const { documents } = walkChain(bucket, '', 'atom');
    const atoms = Object.fromEntries(
      documents.map((path, i) => [`doc${i}.xml`, bucket.text(path) ?? '']),
    );
    expect([...jingProblems(Object.values(writeTemp(atoms))).values()].flat()).toEqual([]);
    for (const path of documents.slice(1)) {
      const rss = path.replace('atom.xml', 'rss.xml');
      const json = path.replace('atom.xml', 'feed.json');
      expect(rssProblems(bucket.text(rss) ?? '', `${SITE.url}${rss}`)).toEqual([]);
      expect(jsonFeedProblems(bucket.text(json) ?? '', `${SITE.url}feed.json`)).toEqual([]);
    }
    // The newest archive page still grows; the ones behind it are full.
    expect(bucket.file(documents[1] as string)?.cacheControl).toBe(CACHE_CONTROL.feed);
    for (const path of documents.slice(2))
      expect(bucket.file(path)?.cacheControl).toBe(CACHE_CONTROL.archive);
  });
});
