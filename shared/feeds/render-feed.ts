import type { FeedFormat } from '../contract/site-layout.ts';
import { atom } from './atom.ts';
import { buildFeedView, type FeedInput, type FeedView } from './feed-view.ts';
import { jsonFeed } from './json-feed.ts';
import { rss } from './rss.ts';

/** One feed format: its key and a pure renderer (its Content-Type is in the site layout). */
export interface FeedFormatModule {
  key: FeedFormat;
  render(view: FeedView): string;
}

export const FEED_FORMAT_MODULES: readonly FeedFormatModule[] = [rss, atom, jsonFeed];

/** The three documents of one feed; same input, same bytes. */
export function renderFeed(input: FeedInput): Record<FeedFormat, string> {
  const view = buildFeedView(input);
  return Object.fromEntries(
    FEED_FORMAT_MODULES.map((format) => [format.key, format.render(view)]),
  ) as Record<FeedFormat, string>;
}
