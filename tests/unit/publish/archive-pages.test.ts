import { describe, expect, it } from 'vitest';
import type { WalkStart } from '../../../shared/ports/feed-reader.ts';
import {
  FIRST_PAGE,
  readArchivePage,
  startsArchivePage,
} from '../../../shared/publish/archive-pages.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { removeArticle, saveArticle, testArticle } from '../../support/fakes/articles.ts';
import { prng } from '../../support/prng.ts';

const LIMIT = 20;
const SITE_FEED = 'all';
const minute = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();

/** A site of `count` stories, a minute apart, with ids drawn from `seed` (so page starts vary). */
async function site(count: number, seed: number) {
  const store = new InMemoryArticleTable();
  const random = prng(seed);
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = `s${n}-${Math.floor(random() * 1e9).toString(36)}`;
    ids.push(id);
    await saveArticle(store, testArticle(id, { published: minute(n), tags: [] }));
  }
  return { store, ids };
}

async function sortKeys(store: InMemoryArticleTable) {
  const keys: string[] = [];
  for await (const entry of store.walkEntries(SITE_FEED, { order: 'oldest first' }))
    keys.push(entry.sortKey);
  return keys;
}

/** Every walk of the feed the reads make, with where it starts. */
function recordWalks(store: InMemoryArticleTable) {
  const walks: WalkStart[] = [];
  const walk = store.walkEntries.bind(store);
  store.walkEntries = (feed, start) => {
    walks.push(start);
    return walk(feed, start);
  };
  return walks;
}

/** A walk from the feed's newest entry down, unbounded: what finds the frontier. */
const fromTheTop = (start: WalkStart) => start.order === 'newest first' && !start.bound;

describe('reading an archive page (RFC 5005)', () => {
  it('reads every page the same from its own start as from the top, wherever it lies, and none where no page starts', async () => {
    for (const seed of [1, 2, 3]) {
      const { store, ids } = await site(800, seed);
      // Removals leave gaps, and some of them were page starts.
      for (const id of ids.filter((_, i) => i % 37 === 5)) await removeArticle(store, id);
      const keys = await sortKeys(store);
      const walks = recordWalks(store);
      let readFromStart = 0;
      for (const start of [...keys, `${minute(3.5)}#gone`, FIRST_PAGE]) {
        const fromTop = await readArchivePage(store, SITE_FEED, start, LIMIT);
        walks.length = 0;
        const fromStart = await readArchivePage(store, SITE_FEED, start, LIMIT, { deep: true });
        expect(fromStart).toEqual(fromTop);
        if (fromTop && !walks.some(fromTheTop)) readFromStart++;
      }
      // Most pages are deep: the comparison covered the read from their own start.
      expect(readFromStart).toBeGreaterThan(8);
    }
  });

  it('reads a page deep in the archive without walking the feed from its newest entry; one at the frontier from the top', async () => {
    const { store } = await site(600, 7);
    const keys = await sortKeys(store);
    const starts = keys.filter((key) => startsArchivePage(key.slice(key.indexOf('#') + 1)));
    const walks = recordWalks(store);

    const deep = await readArchivePage(store, SITE_FEED, starts[1] as string, LIMIT, {
      deep: true,
    });
    expect(deep?.entries[0]?.sortKey).toBe(starts[1]);
    expect(walks.filter(fromTheTop)).toEqual([]);

    // The newest page reaches the subscription document: only the top shows where it ends.
    const newest = starts.filter((key) => keys.indexOf(key) < keys.length - LIMIT).at(-1);
    walks.length = 0;
    const page = await readArchivePage(store, SITE_FEED, newest as string, LIMIT, { deep: true });
    expect(page?.newer).toBeUndefined();
    expect(walks.filter(fromTheTop)).toHaveLength(1);
  });
});
