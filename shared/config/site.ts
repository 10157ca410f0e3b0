/** How the published site describes itself. Passed explicitly to every renderer. */
export interface SiteConfig {
  /** Absolute base URL with a trailing slash, e.g. https://news.example.com/ */
  url: string;
  title: string;
  description: string;
  /** BCP 47 language tag, e.g. en */
  language: string;
  /** Items per feed, newest first. */
  itemLimit: number;
  /** WebSub hubs every feed names, and publish pings (none when absent). */
  hubs?: readonly string[];
  /**
   * Days a withdrawn story stays in its Atom feeds as an RFC 6721 `at:deleted-entry`
   * (default DEFAULT_WITHDRAWN_DAYS).
   */
  withdrawnDays?: number;
  /**
   * What feed items carry: `full` content, or their `summary` and a link to the page. An
   * article's own `feedContent` wins.
   */
  feedContent?: FeedContent;
  /**
   * The site's icon: an absolute http(s) URL of a square image (PNG, at least 144 px) or a
   * path on the site. The feeds' image and icon (RSS `<image>`, Atom `<icon>`/`<logo>`, JSON
   * Feed `icon`/`favicon`) and the pages' favicon.
   */
  icon?: string;
  /**
   * Old addresses the edge sends on (`from to` each, shared/contract/redirects.ts): a site moved
   * here keeps its old links. The edge's concern: no file of the site changes with them.
   */
  redirects?: readonly string[];
}

export type FeedContent = 'full' | 'summary';
export const FEED_CONTENT_MODES: readonly FeedContent[] = ['full', 'summary'];

export const DEFAULT_ITEM_LIMIT = 50;
export const DEFAULT_WITHDRAWN_DAYS = 30;

/** Normalizes a site URL to an absolute http(s) URL ending in `/`; throws on anything else. */
export function normalizeSiteUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new Error(
      `site URL "${raw}" is not an absolute URL (example: https://news.example.com/)`,
      {
        cause,
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`site URL "${raw}" must use http or https`);
  }
  // Said, not dropped or kept silently: credentials would be published in every feed, and a
  // query or fragment cannot prefix the files' paths.
  if (url.username || url.password)
    throw new Error(
      `site URL "${raw}" carries a user name or password, which every feed and page would publish: leave them out`,
    );
  // (Raw: `?` and `#` alone leave url.search and url.hash empty.)
  if (/[?#]/.test(raw))
    throw new Error(
      `site URL "${raw}" has a ?query or #fragment: give the folder the site is served from, e.g. https://news.example.com/news/`,
    );
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}
