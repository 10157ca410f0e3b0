import type { Article, FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { feedDescription, feedTitle } from './feed-titles.ts';
import { teaser } from './index-page.ts';
import { buildTeaserView } from './item-view.ts';
import {
  feedLinks,
  htmlPage,
  movedPage,
  siteLanguage,
  timeTag,
  withHtml,
  wordsIn,
} from './page-shell.ts';
import { siteWords } from './site-words.ts';
import { listingPageUrl } from './urls.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/** `2026-12-05`: a date as a title or a description names it, the same in every time zone. */
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Where a listing page sits among its feed's pages, by archive page name: `page` (this is that
 * archive page; absent: the feed's own page of its newest stories), `older` and `newer`.
 */
export interface ListingPlace {
  page?: string;
  older?: string;
  newer?: string;
}

/**
 * The HTML page of a tag's or author's stories, or of one archive page of any feed: the stories
 * newest first, the feed's subscribe links, and links to older and newer pages, so a reader can
 * page from a tag to its very first story. It mirrors the feed's RFC 5005 chain page for page.
 */
export function renderListingPage(
  site: SiteConfig,
  feed: FeedRef,
  articles: readonly Article[],
  place: ListingPlace,
): string {
  const items = articles.map((article) => buildTeaserView(article, site));
  const name = oneLine(feedTitle(site, feed));
  const [oldest, newest] = [items.at(-1)?.published, items[0]?.published];
  // The site's words, marked where they are not in the site's language (English words on a
  // site whose language this version has none for).
  const { words, attributes } = wordsIn(site, siteLanguage(site));
  const dates =
    place.page !== undefined && oldest && newest
      ? words.storiesFromTo(isoDay(oldest), isoDay(newest))
      : undefined;
  const span =
    place.page !== undefined && oldest && newest
      ? withHtml(
          words.storiesFromTo,
          timeTag(oldest, site, words.lang),
          timeTag(newest, site, words.lang),
        )
      : '';
  const nav = [
    place.newer !== undefined || place.page !== undefined
      ? `<a href="${e(listingPageUrl(site.url, feed, place.newer))}" rel="prev">${e(words.newerStories)}</a>`
      : '',
    place.older !== undefined
      ? `<a href="${e(listingPageUrl(site.url, feed, place.older))}" rel="next">${e(words.olderStories)}</a>`
      : '',
  ].filter(Boolean);
  const body = [
    '<main>',
    `<h1>${e(name)}</h1>`,
    span ? `<p class="meta"${attributes}>${span}</p>` : '',
    `<nav${attributes} aria-label="${e(words.subscribe)}"><p>${e(words.subscribe + words.colon)}${feedLinks(site, feed)}</p></nav>`,
    // The stories' headings right under the page's h1 (no level skipped).
    items.length > 0
      ? `<section>\n${items.map((item) => teaser(item, site, 2)).join('\n')}\n</section>`
      : `<p${attributes}>${e(words.noStories)}</p>`,
    nav.length > 0
      ? `<nav${attributes} aria-label="${e(words.pages)}"><p>${nav.join(' · ')}</p></nav>`
      : '',
    '</main>',
  ];
  return htmlPage({
    site,
    // An older page is named by its span, so no two pages of a feed share a title.
    title: place.page === undefined || !dates ? name : `${name}${words.colon}${dates}`,
    canonical: listingPageUrl(site.url, feed, place.page),
    description: dates
      ? `${dates} — ${oneLine(feedDescription(site, feed))}`
      : oneLine(feedDescription(site, feed)),
    // Its own feed first: a reader that takes the first one subscribes to this tag or author.
    feeds: feed.kind === 'all' ? [feed] : [feed, { kind: 'all' }],
    body: body.filter(Boolean).join('\n'),
    // A tag's or author's page whose last story went ("No stories"): no page for a search index.
    ...(items.length === 0 && feed.kind !== 'all' ? { noindex: true } : {}),
  });
}

/**
 * What an archive page that no longer exists says (it answers 301, see SiteFile.status): its
 * stories are now on the page at `to` (an older page, or the feed's own page).
 */
export function renderMovedListingPage(site: SiteConfig, feed: FeedRef, to: string): string {
  const name = oneLine(feedTitle(site, feed));
  const words = siteWords(site);
  return movedPage(site, {
    title: words.movedTitle(name),
    heading: words.movedTitle(name),
    to,
    feeds: [feed],
    lead: (link) => withHtml(words.pageMoved, e(name), link),
  });
}
