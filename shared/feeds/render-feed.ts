import type { FeedFormat } from '../contract/site-layout.ts';
import { atom } from './atom.ts';
import { buildFeedView, type FeedInput, type FeedView } from './feed-view.ts';
import { type ItemView, summaryContent } from './item-view.ts';
import { jsonFeed } from './json-feed.ts';
import type { RenderedItems } from './rendered-items.ts';
import { rss } from './rss.ts';

/** One feed format: its key and a pure renderer (its Content-Type is in the site layout). */
export interface FeedFormatModule {
  key: FeedFormat;
  /** `written`: items earlier renders wrote, to take instead of writing them again. */
  render(view: FeedView, written?: RenderedItems): string;
}

export const FEED_FORMAT_MODULES: readonly FeedFormatModule[] = [rss, atom, jsonFeed];

/**
 * The most a feed document may weigh: Google News and several readers refuse larger feeds, and
 * 50 articles of up to 350 KB each would make 17 MB.
 */
export const MAX_FEED_BYTES = 2_000_000;

/** An item past the budget: its summary and a link to the full story, instead of the story. */
function shortened(item: ItemView): ItemView {
  return { ...item, contentHtml: summaryContent(item) };
}

function renderAll(view: FeedView, written?: RenderedItems): Record<FeedFormat, string> {
  return Object.fromEntries(
    FEED_FORMAT_MODULES.map((format) => [format.key, format.render(view, written)]),
  ) as Record<FeedFormat, string>;
}

/**
 * How many bytes a document is over MAX_FEED_BYTES (0 or less: it fits). A UTF-16 code unit
 * takes 1 to 3 bytes of UTF-8 (a pair 4 for 2), so most documents are told by their length
 * alone, without the pass over a large string that counting their bytes is: -Infinity when it
 * fits however its characters are written, and at least its characters over when it has more
 * characters than the limit has bytes (a lower bound: the guess then starts high).
 */
function bytesOver(doc: string): number {
  if (doc.length * 3 <= MAX_FEED_BYTES) return Number.NEGATIVE_INFINITY;
  if (doc.length > MAX_FEED_BYTES) return doc.length - MAX_FEED_BYTES;
  return Buffer.byteLength(doc) - MAX_FEED_BYTES;
}

/** Whether every document is within MAX_FEED_BYTES. */
const allFit = (documents: Record<FeedFormat, string>) =>
  Object.values(documents).every((doc) => bytesOver(doc) <= 0);

/**
 * The three documents of one feed; same input, same bytes (with `written` or without). None
 * exceeds MAX_FEED_BYTES: when full content would, the newest items keep theirs and the older
 * ones carry their summary and a link, as few as need to (the same items in all three formats).
 */
export function renderFeed(input: FeedInput, written?: RenderedItems): Record<FeedFormat, string> {
  const view = buildFeedView(input, written);
  const documents = renderAll(view, written);
  const over = Object.values(documents).map(bytesOver);
  if (over.every((bytes) => bytes <= 0)) return documents;
  // The most full items that fit (each try renders the three formats), searched from where the
  // bytes the full documents are over say it lies; with none, every item shortened.
  const withFull = (full: number) =>
    renderAll(
      {
        ...view,
        items: view.items.map((item, index) => (index < full ? item : shortened(item))),
      },
      written,
    );
  let best: { full: number; documents: Record<FeedFormat, string> } | undefined;
  const full = mostThatFit(view.items.length, fullGuess(view.items, documents, over), (tried) => {
    const documents = withFull(tried);
    if (!allFit(documents)) return false;
    best = { full: tried, documents };
    return true;
  });
  return best?.full === full ? best.documents : withFull(full);
}

/**
 * How many of the newest items may keep their full content, as the full documents' bytes tell:
 * the older items are shortened until each format would have shed the bytes it is over, at its
 * document's bytes per character. A guess (escaping differs a little between formats), which
 * mostThatFit takes as its first try: it lands on or next to the answer, where a bisection from
 * nothing took seven or eight tries of the three formats for an archive page of 150 stories.
 */
function fullGuess(
  items: readonly ItemView[],
  documents: Record<FeedFormat, string>,
  over: readonly number[],
): number {
  const formats = Object.values(documents).map((doc, f) => {
    const by = over[f] ?? Number.NEGATIVE_INFINITY;
    // Bytes per character, of a document over the limit (the others need shed nothing).
    return { over: by, perChar: by > 0 ? (by + MAX_FEED_BYTES) / doc.length : 1 };
  });
  const shed = formats.map(() => 0);
  let full = items.length;
  while (full > 0 && formats.some(({ over }, f) => (shed[f] ?? 0) < over)) {
    full -= 1;
    const item = items[full] as ItemView;
    const saved = Math.max(0, item.contentHtml.length - summaryContent(item).length);
    formats.forEach(({ perChar }, f) => {
      shed[f] = (shed[f] ?? 0) + saved * perChar;
    });
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
