import type { FeedFormat } from '../contract/site-layout.ts';
import { atom } from './atom.ts';
import { buildFeedView, type FeedInput, type FeedView } from './feed-view.ts';
import { type ItemView, summaryContent } from './item-view.ts';
import { jsonFeed } from './json-feed.ts';
import { type DocumentPiece, documentBytes, type RenderedItems } from './rendered-items.ts';
import { rss } from './rss.ts';
import { type SiteWords, siteWords } from './site-words.ts';

/** One feed format: its key and a pure renderer (its Content-Type is in the site layout). */
export interface FeedFormatModule {
  key: FeedFormat;
  /**
   * The document's pieces, in order (documentBytes makes the document). `written`: items
   * earlier renders wrote, to take (as their bytes) instead of writing them again.
   */
  render(view: FeedView, written?: RenderedItems): DocumentPiece[];
}

export const FEED_FORMAT_MODULES: readonly FeedFormatModule[] = [rss, atom, jsonFeed];

/**
 * The most a feed document may weigh: Google News and several readers refuse larger feeds, and
 * 50 articles of up to 350 KB each would make 17 MB.
 */
export const MAX_FEED_BYTES = 2_000_000;

/** An item past the budget: its summary and a link to the full story, instead of the story. */
function shortened(item: ItemView, words: SiteWords): ItemView {
  return { ...item, contentHtml: summaryContent(item, words) };
}

/** A feed's three documents, as UTF-8. */
export type FeedDocuments = Record<FeedFormat, Buffer>;

function renderAll(view: FeedView, written?: RenderedItems): FeedDocuments {
  return Object.fromEntries(
    FEED_FORMAT_MODULES.map((format) => [format.key, documentBytes(format.render(view, written))]),
  ) as FeedDocuments;
}

/** How many bytes a document is over MAX_FEED_BYTES (0 or less: it fits). */
const bytesOver = (doc: Buffer) => doc.length - MAX_FEED_BYTES;

/** Whether every document is within MAX_FEED_BYTES. */
const allFit = (documents: FeedDocuments) =>
  Object.values(documents).every((doc) => bytesOver(doc) <= 0);

/**
 * The three documents of one feed, as the UTF-8 they are written in; same input, same bytes
 * (with `written` or without). None exceeds MAX_FEED_BYTES: when full content would, the newest
 * items keep theirs and the older ones carry their summary and a link, as few as need to (the
 * same items in all three formats).
 */
export function renderFeedBytes(input: FeedInput, written?: RenderedItems): FeedDocuments {
  const view = buildFeedView(input, written);
  const documents = renderAll(view, written);
  if (allFit(documents)) return documents;
  const words = siteWords(input.site);
  // The most full items that fit (each try renders the three formats), searched from where the
  // bytes the full documents are over say it lies; with none, every item shortened.
  const withFull = (full: number) =>
    renderAll(
      {
        ...view,
        items: view.items.map((item, index) => (index < full ? item : shortened(item, words))),
      },
      written,
    );
  let best: { full: number; documents: FeedDocuments } | undefined;
  const full = mostThatFit(view.items.length, fullGuess(view.items, documents, words), (tried) => {
    const documents = withFull(tried);
    if (!allFit(documents)) return false;
    best = { full: tried, documents };
    return true;
  });
  return best?.full === full ? best.documents : withFull(full);
}

/**
 * The three documents of one feed as text: renderFeedBytes's, decoded (for readers of the
 * documents, such as the tests; publish writes the bytes).
 */
export function renderFeed(input: FeedInput, written?: RenderedItems): Record<FeedFormat, string> {
  const documents = renderFeedBytes(input, written);
  return Object.fromEntries(
    Object.entries(documents).map(([format, bytes]) => [format, bytes.toString('utf8')]),
  ) as Record<FeedFormat, string>;
}

/**
 * How many of the newest items may keep their full content, as the full documents' bytes tell:
 * the older items are shortened until each document would have shed the bytes it is over (an
 * item's content against its summary and link, in UTF-8). A guess (each format escapes content
 * its own way), which mostThatFit takes as its first try: it lands on or next to the answer,
 * where a bisection from nothing took seven or eight tries of the three formats for an archive
 * page of 150 stories.
 */
function fullGuess(items: readonly ItemView[], documents: FeedDocuments, words: SiteWords): number {
  const over = Object.values(documents).map(bytesOver);
  let shed = 0;
  let full = items.length;
  while (full > 0 && over.some((bytes) => shed < bytes)) {
    full -= 1;
    const item = items[full] as ItemView;
    shed += Math.max(
      0,
      Buffer.byteLength(item.contentHtml) - Buffer.byteLength(summaryContent(item, words)),
    );
  }
  return full;
}

/**
 * The largest count below `count` that `fits`, for a `fits` that holds up to some count and not
 * above it (`count` itself is known not to fit; 0 is taken as the answer when nothing fits,
 * untried unless the search reaches it). The first try is `guess` (0 if not a number); from
 * there the search steps away by 1, 2, 4… until the answer is bracketed, then bisects: two
 * tries when the guess is right, and never more than about twice a bisection's.
 */
export function mostThatFit(count: number, guess: number, fits: (n: number) => boolean): number {
  let fitting = 0;
  let tooMany = count;
  const first = Math.min(Math.max(Number.isFinite(guess) ? Math.round(guess) : 0, 0), count - 1);
  if (count > 1) {
    if (fits(first)) {
      fitting = first;
      for (let step = 1; fitting + step < tooMany; step *= 2) {
        if (!fits(fitting + step)) {
          tooMany = fitting + step;
          break;
        }
        fitting += step;
      }
    } else {
      tooMany = first;
      for (let step = 1; tooMany - step > fitting; step *= 2) {
        if (fits(tooMany - step)) {
          fitting = tooMany - step;
          break;
        }
        tooMany -= step;
      }
    }
  }
  while (tooMany - fitting > 1) {
    const middle = Math.floor((fitting + tooMany) / 2);
    if (fits(middle)) fitting = middle;
    else tooMany = middle;
  }
  return fitting;
}
