import type { Article } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import type { FeedFormat } from '../contract/site-layout.ts';
import { renderArticlePage } from '../feeds/article-page.ts';
import type { FeedInput } from '../feeds/feed-view.ts';
import { renderFeedBytes } from '../feeds/render-feed.ts';
import { RenderedItems } from '../feeds/rendered-items.ts';

/**
 * Where publish's pure renders run. The Lambda renders in its own thread (keepingRenderer);
 * `feedpub build` spreads them over worker threads (shared/local/render-pool.ts), so the
 * renders of a large batch use every core. Same functions, same bytes.
 */
export interface Renderer {
  /** The feed's three documents, as the UTF-8 they are written in. */
  feed(input: FeedInput): Promise<Record<FeedFormat, Uint8Array>>;
  page(article: Article, site: SiteConfig): Promise<string>;
}

export const renderInProcess: Renderer = {
  feed: async (input) => renderFeedBytes(input),
  page: async (article, site) => renderArticlePage(article, site),
};

/**
 * In this thread, keeping the feed items it writes (RenderedItems) for the renders after: a
 * publish container's, made with its handler, so a feed rendered again for one new story
 * writes that story's item and takes the others'. Same bytes as renderInProcess.
 */
export function keepingRenderer(written = new RenderedItems()): Renderer {
  return {
    feed: async (input) => renderFeedBytes(input, written),
    page: renderInProcess.page,
  };
}
