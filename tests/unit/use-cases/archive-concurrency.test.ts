import { describe, expect, it } from 'vitest';
import type { Article } from '../../../shared/articles/article.ts';
import type { SiteConfig } from '../../../shared/config/site.ts';
import type { ArticleChange } from '../../../shared/ports/feed-reader.ts';
import { publishChanges } from '../../../shared/publish/publish-changes.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { labels, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { InMemorySiteBucket } from '../../support/fakes/site-bucket.ts';
import { prng } from '../../support/prng.ts';

// Small pages, so a run of 60 batches starts many new ones.
const SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'T',
  description: 'D',
  language: 'en',
  itemLimit: 10,
};
const minute = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
const id = (n: number) => `s${String(n).padStart(5, '0')}`;
const tagOf = (n: number) => labels(n % 3 === 0 ? 'Fizz' : 'Plain');

/** The feeds and archive pages of a bucket, by path. */
function feedFiles(bucket: InMemorySiteBucket): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of bucket.paths())
    if (/(^|\/)(archive\/|atom\.xml|rss\.xml|feed\.json)/.test(path))
      files.set(path, bucket.text(path) ?? '');
  return files;
}

/**
 * 400 stories published, then 60 batches of new stories, stories dated back into the archive
 * and edits, published at once by overlapping publishers on one clock that moves at every read
 * and ledger call (some batches start late, as a slow lane or a retry does, so the renders of
 * others cover them); returns the bucket and a fresh render of the same stories.
 */
async function concurrentRun(seed: number) {
  const random = prng(seed);
  const store = new InMemoryArticleTable();
  const bucket = new InMemorySiteBucket();
  const clock = { now: 1_000_000 };
  store.now = () => clock.now;
  const saved: Article[] = [];
  const live = new Map<string, Article>();
  const save = async (article: Article) => {
    await saveArticle(store, article);
    live.set(article.id, article);
    saved.push(article);
  };
  let next = 1;
  for (; next <= 400; next++)
    await save(testArticle(id(next), { published: minute(next * 2), tags: tagOf(next) }));
  const deps = { feeds: store, ledger: store, bucket, config: SITE, now: () => clock.now };
  await publishChanges(store.takeChanges(), deps);
  const moveOn = async () => {
    clock.now += Math.floor(random() * 400);
    for (let i = Math.floor(random() * 6); i > 0; i--) await new Promise(setImmediate);
  };
  store.beforeRead = moveOn;
  store.beforeLedger = moveOn;
  const publish = async (changes: ArticleChange[]) => {
    let left = changes;
    for (let attempt = 0; left.length > 0 && attempt < 20; attempt++) {
      const result = await publishChanges(left, { ...deps, leaseMs: 600_000 });
      left = left.filter((c) => result.failedRecordIds.includes(c.recordId));
    }
    expect(left).toEqual([]);
  };
  const publishing: Promise<void>[] = [];
  for (let batch = 0; batch < 60; batch++) {
    for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
      const roll = random();
      const n = next++;
      if (roll < 0.45) await save(testArticle(id(n), { published: minute(n * 2), tags: tagOf(n) }));
      else if (roll < 0.8) {
        // Dated back into the archive, mostly near its newest pages.
        const depth = random() < 0.6 ? Math.floor(random() * 120) : Math.floor(random() * (n - 2));
        const at = Math.max(1, n - 1 - depth) * 2 + 1;
        await save(testArticle(id(n), { published: minute(at), tags: tagOf(n) }));
      } else {
        const ids = [...live.keys()];
        const old = live.get(ids[Math.floor(random() * ids.length)] as string) as Article;
        await save({ ...old, title: `${old.title}!`, contentHash: `${old.contentHash}!` });
      }
    }
    const committedAt = clock.now;
    const changes = store.takeChanges().map((c) => ({ ...c, committedAt }));
    clock.now += 50;
    const delay = Math.floor(random() * 40);
    publishing.push(
      (async () => {
        for (let i = 0; i < delay; i++) await moveOn();
        await publish(changes);
      })(),
    );
    if (random() < 0.3) await moveOn();
  }
  await Promise.all(publishing);
  store.beforeRead = undefined;
  store.beforeLedger = undefined;

  const fresh = new InMemoryArticleTable();
  for (const article of saved) await saveArticle(fresh, article);
  const freshBucket = new InMemorySiteBucket();
  await publishChanges(fresh.takeChanges(), {
    feeds: fresh,
    ledger: fresh,
    bucket: freshBucket,
    config: SITE,
  });
  return { site: feedFiles(bucket), fresh: feedFiles(freshBucket) };
}

describe('archive pages under concurrent publishers', () => {
  // The interleaving also follows real timers (a publisher waiting for a lease), so a seed does
  // not fix it. Before the pages from the newest down counted as in place only when found,
  // about one run in twelve left a page without its newest stories and its next-archive link
  // (9 of 90 scratch runs; none of 150 since).
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'end as one fresh render writes them (seed %i)',
    async (seed) => {
      const { site, fresh } = await concurrentRun(seed);
      expect([...site.keys()].sort()).toEqual([...fresh.keys()].sort());
      const differing = [...fresh].filter(([path, text]) => site.get(path) !== text);
      expect(differing.map(([path]) => path)).toEqual([]);
    },
    60_000,
  );
});
