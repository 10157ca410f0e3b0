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
 * Whether every document is within MAX_FEED_BYTES. A UTF-16 code unit takes 1 to 3 bytes of
 * UTF-8 (a pair 4 for 2), so most documents are told by their length alone, without the pass
 * over a large string that counting their bytes is.
 */
const allFit = (documents: Record<FeedFormat, string>) =>
  Object.values(documents).every(
    (doc) =>
      doc.length * 3 <= MAX_FEED_BYTES ||
      (doc.length <= MAX_FEED_BYTES && Buffer.byteLength(doc) <= MAX_FEED_BYTES),
  );

/**
 * The three documents of one feed; same input, same bytes (with `written` or without). None
 * exceeds MAX_FEED_BYTES: when full content would, the newest items keep theirs and the older
 * ones carry their summary and a link, as few as need to (the same items in all three formats).
 */
export function renderFeed(input: FeedInput, written?: RenderedItems): Record<FeedFormat, string> {
  const view = buildFeedView(input, written);
  const documents = renderAll(view, written);
  if (allFit(documents)) return documents;
  // The most full items that fit, by bisection (each try renders the three formats); with
  // none, every item shortened.
  const withFull = (full: number) =>
    renderAll(
      {
        ...view,
        items: view.items.map((item, index) => (index < full ? item : shortened(item))),
      },
      written,
    );
  let fits = 0;
  let tooMany = view.items.length;
  let best: Record<FeedFormat, string> | undefined;
  while (tooMany - fits > 1) {
    const full = Math.floor((fits + tooMany) / 2);
    const tried = withFull(full);
    if (allFit(tried)) {
      fits = full;
      best = tried;
    } else tooMany = full;
  }
  return best ?? withFull(0);
}
