import { type Article, feedKey } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { OPML_PATH, siteUrlOf } from '../contract/site-layout.ts';
import type { FeedListing } from './feed-listing.ts';
import { sortFeedListings } from './feed-listing.ts';
import { buildTeaserView, type TeaserView } from './item-view.ts';
import {
  feedLinks,
  htmlPage,
  languageAttributes,
  siteLanguage,
  timeTag,
  wordsIn,
} from './page-shell.ts';
import { type SiteWords, siteWords } from './site-words.ts';
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
  const { words, attributes } = wordsIn(site, siteLanguage(site));
  const list =
    items.length > 0
      ? items.map((item) => teaser(item, site)).join('\n')
      : `<p${attributes}>${e(words.noArticlesYet)}</p>`;
  const body = [
    '<main>',
    `<h1>${e(site.title)}</h1>`,
    site.description ? `<p>${e(site.description)}</p>` : '',
    `<nav${attributes} aria-label="${e(words.subscribe)}"><p>${e(words.subscribe + words.colon)}${feedLinks(site, { kind: 'all' })}</p>`,
    `<p><a href="${e(tagsPageUrl(site.url))}">${e(words.feedsByTagAndAuthor)}</a> · <a href="${e(siteUrlOf(site.url, OPML_PATH))}">${e(words.allFeeds)}</a></p>`,
    labelLine(site, feeds, words, languageAttributes(siteLanguage(site), words.lang)),
    '</nav>',
    `<section><h2${attributes}>${e(words.latest)}</h2>\n${list}\n</section>`,
    olderPage !== undefined
      ? `<nav${attributes} aria-label="${e(words.pages)}"><p><a href="${e(listingPageUrl(site.url, { kind: 'all' }, olderPage))}" rel="next">${e(words.olderStories)}</a></p></nav>`
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
export function teaser(item: TeaserView, site: SiteConfig, level: 2 | 3 = 3): string {
  const words = siteWords(site);
  const authors =
    item.authors.length > 0
      ? ` · ${item.authors.map((a) => `<bdi>${e(a.name)}</bdi>`).join(e(words.comma))}`
      : '';
  // A story in another language than the site's says so, for screen readers and hyphenation.
  const lang = languageAttributes(item.language, siteLanguage(site));
  return [
    `<article${lang}>`,
    `<h${level}><a href="${e(item.pageUrl)}">${e(item.title)}</a></h${level}>`,
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
function labelLine(
  site: SiteConfig,
  feeds: readonly FeedListing[],
  words: SiteWords,
  /** The names' language, inside the words (in theirs). */
  names: string,
): string {
  const tags = feeds.filter((listing) => listing.feed.kind === 'tag');
  if (tags.length === 0) return '';
  const mostUsed = [...tags]
    .sort(
      (a, b) => (b.count ?? 0) - (a.count ?? 0) || feedKey(a.feed).localeCompare(feedKey(b.feed)),
    )
    .slice(0, INDEX_TAG_LIMIT);
  const links = sortFeedListings(mostUsed).map(({ feed, count }) => {
    const name = feed.kind === 'all' ? '' : feed.name;
    // Isolated, as the byline's: a Latin name and its count on an Arabic page stay together.
    const shown = `<bdi${names}>${e(name)}</bdi>`;
    return `<a href="${e(listingPageUrl(site.url, feed))}">${shown}</a>${count === undefined ? '' : ` (${count})`}`;
  });
  const more = tags.length - mostUsed.length;
  const rest =
    more > 0
      ? `${e(words.comma)}<a href="${e(tagsPageUrl(site.url))}">${e(words.more(more))}</a>`
      : '';
  return `<p>${e(words.tags + words.colon)}${links.join(e(words.comma))}${rest}</p>`;
}
