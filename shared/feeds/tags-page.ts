import type { FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { type FeedListing, sortFeedListings } from './feed-listing.ts';
import { feedLinks, htmlPage, siteLanguage, wordsIn } from './page-shell.ts';
import type { SiteWords } from './site-words.ts';
import { feedAnchor, listingPageUrl, tagsPageUrl } from './urls.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/** Every tag and author with its three feeds; anchors are `tag-<slug>` / `author-<slug>`. */
export function renderTagsPage(site: SiteConfig, feeds: readonly FeedListing[]): string {
  const sorted = sortFeedListings(feeds);
  const everything = ofKind(sorted, 'all')[0] ?? { feed: { kind: 'all' } };
  const { words, attributes } = wordsIn(site, siteLanguage(site));
  const about = oneLine(site.description);
  const body = [
    '<main>',
    `<h1${attributes}>${e(words.feedsByTagAndAuthor)}</h1>`,
    section(site, words, attributes, words.everything, [everything]),
    section(site, words, attributes, words.tags, ofKind(sorted, 'tag')),
    section(site, words, attributes, words.authors, ofKind(sorted, 'author')),
    '</main>',
  ];
  return htmlPage({
    site,
    title: `${words.feedsByTagAndAuthor} — ${oneLine(site.title)}`,
    canonical: tagsPageUrl(site.url),
    // What search results show under its title: what it lists, and the site's own description.
    description: about
      ? `${words.feedsByTagAndAuthor}${words.colon}${about}`
      : words.feedsByTagAndAuthor,
    feeds: [{ kind: 'all' }],
    body: body.filter(Boolean).join('\n'),
  });
}

function ofKind(listings: readonly FeedListing[], kind: FeedRef['kind']): FeedListing[] {
  return listings.filter((listing) => listing.feed.kind === kind);
}

function section(
  site: SiteConfig,
  words: SiteWords,
  attributes: string,
  heading: string,
  listings: readonly FeedListing[],
): string {
  if (listings.length === 0) return '';
  const rows = listings.map((listing) => row(site, words, attributes, listing));
  return `<section><h2${attributes}>${e(heading)}</h2>\n<ul class="plain">\n${rows.join('\n')}\n</ul></section>`;
}

function row(
  site: SiteConfig,
  words: SiteWords,
  attributes: string,
  { feed, count }: FeedListing,
): string {
  const articles =
    count === undefined
      ? ''
      : ` <span class="meta"${attributes}>(${e(words.articles(count))})</span>`;
  // A feed kept only to announce withdrawals has no stories to list (count 0).
  const name =
    count === 0
      ? e(nameOf(site, feed))
      : `<a href="${e(listingPageUrl(site.url, feed))}">${e(nameOf(site, feed))}</a>`;
  return `<li id="${e(feedAnchor(feed))}"><strong>${name}</strong>${articles}<br>${feedLinks(site, feed)}</li>`;
}

function nameOf(site: SiteConfig, feed: FeedRef): string {
  return feed.kind === 'all' ? oneLine(site.title) : oneLine(feed.name) || oneLine(feed.slug);
}
