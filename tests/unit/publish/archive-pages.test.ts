import { describe, expect, it } from 'vitest';
import type { WalkStart } from '../../../shared/ports/feed-reader.ts';
import {
  archivePagesAffected,
  FIRST_PAGE,
  pagesFromView,
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
      let hintedOnce = 0;
      for (const start of [...keys, `${minute(3.5)}#gone`, FIRST_PAGE]) {
        const fromTop = await readArchivePage(store, SITE_FEED, start, LIMIT);
        walks.length = 0;
        const fromStart = await readArchivePage(store, SITE_FEED, start, LIMIT, { deep: true });
        expect(fromStart).toEqual(fromTop);
        if (fromTop && !walks.some(fromTheTop)) readFromStart++;
        // From the older page's start as a search saw it, right or since changed: the same.
        const older = fromTop?.older;
        const hints = [
          ...(older !== undefined ? [older] : []),
          FIRST_PAGE,
          keys[Math.max(0, keys.indexOf(start) - 60)] as string,
          keys[Math.max(0, keys.indexOf(start) - 1)] as string,
          `${minute(1.5)}#gone`,
        ];
        for (const hint of hints) {
          walks.length = 0;
          const hinted = await readArchivePage(store, SITE_FEED, start, LIMIT, {
            deep: true,
            older: hint,
          });
          expect(hinted).toEqual(fromTop);
          // The right hint: one walk up from it shows the older page's start, none down to it.
          if (hint === older && !walks.some(fromTheTop)) {
            expect(walks.filter((walk) => walk.order === 'newest first')).toEqual([]);
            hintedOnce++;
          }
        }
      }
      // Most pages are deep: the comparison covered the read from their own start.
      expect(readFromStart).toBeGreaterThan(8);
      expect(hintedOnce).toBeGreaterThan(8);
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

describe("a feed render's view of its archive (ArchiveView)", () => {
  const idOf = (key: string) => key.slice(key.indexOf('#') + 1);
  const sorted = (list: readonly string[]) => [...new Set(list)].sort();

  it('finds the pages a covered batch changed as a search of its own would, or says it cannot', async () => {
    let fromView = 0;
    let cannot = 0;
    for (const [count, seed] of [
      [1_200, 1],
      [1_200, 2],
      [150, 3],
    ] as const) {
      const { store, ids } = await site(count, seed);
      for (const id of ids.filter((_, i) => i % 41 === 7)) await removeArticle(store, id);
      const keys = await sortKeys(store);
      const starts = keys.filter((key) => startsArchivePage(idOf(key)));
      const random = prng(seed + 100);
      const any = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
      /** A changed place: an entry's, a start's, or one no entry holds any more (a move's old place). */
      const place = () => {
        const roll = random();
        if (roll < 0.2) return any(starts);
        if (roll < 0.4) return `${minute(Math.floor(random() * count) + 0.5)}#gone-${seed}`;
        // Mostly near the top, as a newsroom's changes are; some anywhere.
        return roll < 0.7 ? (keys.at(-1 - Math.floor(random() * 4 * LIMIT)) as string) : any(keys);
      };
      // No link recorded (a new feed), then the newest page, then one a few pages down.
      const links = [undefined, starts.at(-1), starts.at(-4)];
      for (const linked of links) {
        if (linked !== undefined) await store.saveArchiveLink(SITE_FEED, linked);
        for (let render = 0; render < 4; render++) {
          const own = Array.from({ length: 1 + Math.floor(random() * 4) }, place);
          const { view } = await archivePagesAffected(store, SITE_FEED, LIMIT, own, false);
          if (!view) {
            cannot++;
            continue;
          }
          for (let batch = 0; batch < 12; batch++) {
            const changed = Array.from({ length: 1 + Math.floor(random() * 6) }, place);
            const seen = pagesFromView(view, LIMIT, changed, false);
            if (!seen) {
              cannot++;
              continue;
            }
            fromView++;
            const searched = await archivePagesAffected(store, SITE_FEED, LIMIT, changed, false);
            expect(sorted(seen.starts)).toEqual(sorted(searched.starts));
            expect(sorted(seen.newest ?? [])).toEqual(sorted(searched.newest ?? []));
            expect(seen.deep.every((start) => seen.starts.includes(start))).toBe(true);
          }
        }
      }
    }
    // Both ways were taken: most batches from the view, some left to their own search.
    expect(fromView).toBeGreaterThan(100);
    expect(cannot).toBeGreaterThan(10);
  });

  it('leaves a batch with removals, or an archive cut at another item limit, to its own search', async () => {
    const { store, ids } = await site(300, 4);
    const { view } = await archivePagesAffected(store, SITE_FEED, LIMIT, [], false);
    expect(view?.complete).toBe(true);
    const key = (await sortKeys(store))[10] as string;
    if (!view) return;
    expect(pagesFromView(view, LIMIT, [key], false)?.starts.length).toBeGreaterThan(0);
    expect(pagesFromView(view, LIMIT, [key], true)).toBeUndefined();
    expect(pagesFromView(view, LIMIT + 1, [key], false)).toBeUndefined();
    // A feed with no archive: nothing to render for a batch that removed nothing.
    const small = await site(LIMIT - 2, 5);
    const { view: none } = await archivePagesAffected(small.store, SITE_FEED, LIMIT, [], false);
    expect(none?.frontier).toBeUndefined();
    const top = (await sortKeys(small.store)).at(-1) as string;
    expect(none && pagesFromView(none, LIMIT, [top], false)).toEqual({
      starts: [],
      deep: [],
      newest: [],
    });
    expect(ids.length).toBe(300);
  });
});
