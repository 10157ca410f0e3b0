import { type Article, feedKey } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { OPML_PATH, siteUrlOf } from '../contract/site-layout.ts';
import type { FeedListing } from './feed-listing.ts';
import { sortFeedListings } from './feed-listing.ts';
import { buildTeaserView, type TeaserView } from './item-view.ts';
import { feedLinks, htmlPage, languageAttributes, siteLanguage, timeTag } from './page-shell.ts';
import { listingPageUrl, tagsPageUrl } from './urls.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/** The home page: latest articles (newest first, as given) and where to subscribe. */
export function renderIndex(
  site: SiteConfig,
  articles: readonly Article[],
  feeds: readonly FeedListing[],
  /** The site feed's newest archive page, when it has one: where older stories are. */
  olderPage?: string,
): string {
  const items = articles.map((article) => buildTeaserView(article, site));
  const list =
    items.length > 0
      ? items.map((item) => teaser(item, site)).join('\n')
      : '<p>No articles yet.</p>';
  const body = [
    '<main>',
    `<h1>${e(site.title)}</h1>`,
    site.description ? `<p>${e(site.description)}</p>` : '',
    `<nav><p>Subscribe: ${feedLinks(site, { kind: 'all' })}</p>`,
    `<p><a href="${e(tagsPageUrl(site.url))}">Feeds by tag and author</a> · <a href="${e(siteUrlOf(site.url, OPML_PATH))}">All feeds (OPML)</a></p>`,
    labelLine(site, feeds),
    '</nav>',
    `<section><h2>Latest</h2>\n${list}\n</section>`,
    olderPage !== undefined
      ? `<nav><p><a href="${e(listingPageUrl(site.url, { kind: 'all' }, olderPage))}" rel="next">Older stories</a></p></nav>`
      : '',
    '</main>',
  ];
  return htmlPage({
    site,
    title: oneLine(site.title),
    canonical: site.url,
    description: site.description,
    share: {
      type: 'website',
      title: oneLine(site.title),
      ...(site.description ? { description: oneLine(site.description) } : {}),
      url: site.url,
    },
    feeds: [{ kind: 'all' }],
    body: body.filter(Boolean).join('\n'),
  });
}

/** One story in a list of stories: its headline, date, authors and summary. */
export function teaser(item: TeaserView, site: SiteConfig): string {
  const authors =
    item.authors.length > 0 ? ` · ${item.authors.map((a) => e(a.name)).join(', ')}` : '';
  // A story in another language than the site's says so, for screen readers and hyphenation.
  const lang = languageAttributes(item.language, siteLanguage(site));
  return [
    `<article${lang}>`,
    `<h3><a href="${e(item.pageUrl)}">${e(item.title)}</a></h3>`,
    `<p class="meta">${timeTag(item.published, site, item.language)}${authors}</p>`,
    item.summary ? `<p>${e(item.summary)}</p>` : '',
    '</article>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The home page names at most this many tags, the most used; the tags page lists them all. */
export const INDEX_TAG_LIMIT = 30;

/** "Tags: a (3), b (1)": the most used tags, each linking to the page of its stories. */
function labelLine(site: SiteConfig, feeds: readonly FeedListing[]): string {
  const tags = feeds.filter((listing) => listing.feed.kind === 'tag');
  if (tags.length === 0) return '';
  const mostUsed = [...tags]
    .sort(
      (a, b) => (b.count ?? 0) - (a.count ?? 0) || feedKey(a.feed).localeCompare(feedKey(b.feed)),
    )
    .slice(0, INDEX_TAG_LIMIT);
  const links = sortFeedListings(mostUsed).map(({ feed, count }) => {
    const name = feed.kind === 'all' ? '' : feed.name;
    return `<a href="${e(listingPageUrl(site.url, feed))}">${e(name)}</a>${count === undefined ? '' : ` (${count})`}`;
  });
  const more = tags.length - mostUsed.length;
  const rest = more > 0 ? `, <a href="${e(tagsPageUrl(site.url))}">${more} more</a>` : '';
  return `<p>Tags: ${links.join(', ')}${rest}</p>`;
}
