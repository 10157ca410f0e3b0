import type { Article, FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { toDate } from './dates.ts';
import { guardHtml, unescapeValue } from './html-guard.ts';
import {
  buildItemView,
  type ItemView,
  imageFigure,
  leadKind,
  type PersonView,
} from './item-view.ts';
import {
  feedLinks,
  htmlPage,
  languageAttributes,
  movedPage,
  siteLanguage,
  timeTag,
  withHtml,
  wordsIn,
} from './page-shell.ts';
import { type SiteWords, siteWords } from './site-words.ts';
import { languageTag, listingPageUrl } from './urls.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/** The page every feed item links to: the article, its dates, authors and tag feeds. */
export function renderArticlePage(article: Article, site: SiteConfig): string {
  const item = buildItemView(article, site);
  const feeds = ownFeeds(item);
  // The site's own words (By, Published, Follow) say their language and direction inside a
  // story in another: in a right-to-left story they read backwards otherwise.
  const pageLang = item.language ?? siteLanguage(site);
  const { words, attributes } = wordsIn(site, pageLang);
  // Names among the words are not in theirs: isolated, and in the site's language (where its
  // tags and bylines are named), which may be neither the words' nor the story's.
  const named = (name: string) =>
    `<bdi${languageAttributes(siteLanguage(site), words.lang)}>${e(name)}</bdi>`;
  const body = [
    '<main><article>',
    `<h1>${e(item.title)}</h1>`,
    `<p class="meta"${attributes}>${byline(item, words, named)}${dateline(item, site, words)}</p>`,
    item.image ? imageFigure(item.image, words, item.title) : '',
    `<div class="content">\n${scrollable(underTheTitle(guardHtml(item.contentHtml)), words)}\n</div>`,
    feeds.length > 0 ? feedList(site, feeds, { words, attributes, named }) : '',
    '</article></main>',
  ];
  return htmlPage({
    site,
    ...(item.language ? { lang: item.language } : {}),
    title: `${item.title} — ${oneLine(site.title)}`,
    canonical: item.link,
    description: item.summary,
    feeds: [{ kind: 'all' }, ...feeds],
    body: body.filter(Boolean).join('\n'),
    jsonLd: newsArticleData(article, item, site),
    share: {
      type: 'article',
      title: item.title,
      ...(item.summary ? { description: item.summary } : {}),
      // The canonical URL: the story's own link when it has one elsewhere.
      url: item.link,
      ...(shownImage(item) ? { image: shownImage(item) } : {}),
      ...(item.image?.alt ? { imageAlt: item.image.alt } : {}),
      published: item.published,
      modified: item.updated,
    },
  });
}

/** The lead's URL where an image is wanted (share cards, schema.org): not audio or video. */
const shownImage = (item: ItemView) =>
  item.image && leadKind(item.image) === 'image' ? item.image.url : undefined;

/** schema.org NewsArticle: what search engines read of the page, its correction log included. */
function newsArticleData(article: Article, item: ItemView, site: SiteConfig) {
  const corrections = (article.corrections ?? []).map((c) => ({
    '@type': 'CorrectionComment',
    text: oneLine(c.text),
    datePublished: c.date,
  }));
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: item.title,
    // The canonical URL, as the page's canonical link and og:url say: the story's own link when
    // it has one elsewhere (search engines are not to read two addresses for it).
    url: item.link,
    mainEntityOfPage: item.link,
    inLanguage: item.language ?? siteLanguage(site),
    datePublished: item.published.toISOString(),
    dateModified: item.updated.toISOString(),
    ...(item.authors.length > 0 ? { author: item.authors.map((a) => personData(a, site)) } : {}),
    ...(shownImage(item) ? { image: [shownImage(item)] } : {}),
    publisher: { '@type': 'Organization', name: oneLine(site.title) || 'feedpub', url: site.url },
    ...(corrections.length > 0 ? { correction: corrections } : {}),
  };
}

/**
 * An author as schema.org Person: the page that names them (their own `url`, else their page
 * on this site, which lists their stories), as Google's article markup asks.
 */
function personData(author: PersonView, site: SiteConfig) {
  const page =
    author.url ??
    (author.slug
      ? listingPageUrl(site.url, { kind: 'author', slug: author.slug, name: author.name })
      : undefined);
  return { '@type': 'Person', name: author.name, ...(page ? { url: page } : {}) };
}

/** A moved story's old page: answered 301 to `to`; the body is for clients that show it. */
export function renderMovedPage(article: Article, to: string, site: SiteConfig): string {
  const words = siteWords(site);
  const title = oneLine(article.title) || words.untitled;
  return movedPage(site, {
    title: `${words.movedTitle(title)} — ${oneLine(site.title)}`,
    to,
    feeds: [{ kind: 'all' }],
    heading: words.movedTitle(title),
    linkText: title,
    lead: (link) => withHtml(words.storyMoved, link),
  });
}

/** A table's caption (its HTML), when the `<table>` at `at` starts with one. */
function captionAt(html: string, at: number): string | undefined {
  CAPTION.lastIndex = at;
  return CAPTION.exec(html)?.[1];
}
const CAPTION = /<table[^>]*>\s*<caption[^>]*>([\s\S]*?)<\/caption>/y;

/**
 * A story's tables and code blocks, each in a box of its own that scrolls sideways when it is
 * wider than the page, a region a keyboard can reach (tabindex) and a screen reader names (the
 * table's caption, else "Table"; "Code"). Pages only; the HTML is the guard's canonical form.
 */
function scrollable(html: string, words: SiteWords): string {
  if (!html.includes('<table') && !html.includes('<pre')) return html;
  let depth = 0;
  return html.replace(
    /<(\/?)(table|pre)(?=[ >])[^>]*>/g,
    (tag, close: string, name: string, at: number) => {
      if (close) {
        depth -= 1;
        return depth === 0 ? `${tag}</div>` : tag;
      }
      depth += 1;
      if (depth > 1) return tag;
      const caption = name === 'table' ? captionAt(html, at) : undefined;
      // The caption's text (markup gone, its entities read), escaped again for the attribute.
      const text = caption && unescapeValue(caption.replace(/<[^>]*>/g, '')).trim();
      const label = e(text || (name === 'table' ? words.table : words.code));
      return `<div class="scroll" role="region" tabindex="0" aria-label="${label}">${tag}`;
    },
  );
}

/**
 * A story's body under the page's own h1 (its title): a body with an h1 of its own has every
 * heading one level down (h1 as h2 … h5 as h6), so a page has one h1 and no level skipped after
 * it. Pages only; feeds carry the body as written. The HTML is the guard's canonical form.
 */
function underTheTitle(html: string): string {
  if (!html.includes('<h1')) return html;
  return html.replace(
    /<(\/?)h([1-5])(?=[ >])/g,
    (_, close: string, level: string) => `<${close}h${Number(level) + 1}`,
  );
}

/**
 * What a withdrawn story's page says (it answers 410 Gone, see SiteFile.status): that it was
 * withdrawn, when, and why, with its title; none of its content.
 */
export function renderWithdrawnPage(article: Article, site: SiteConfig): string {
  // The story's title and the editor's note are in the story's language; the notice in the
  // site's words.
  const lang = languageTag(article.language) ?? siteLanguage(site);
  const { words, attributes } = wordsIn(site, lang);
  const title = oneLine(article.title) || words.untitled;
  const at = toDate(article.withdrawn?.at);
  const note = oneLine(article.withdrawn?.note ?? '');
  const notice = at
    ? withHtml(words.withdrawn, timeTag(at, site, words.lang))
    : e(words.withdrawn(undefined));
  const body = [
    '<main><article>',
    // The heading says it went: someone jumping to it hears that, not the story as if there.
    `<h1>${e(words.withdrawnTitle(title))}</h1>`,
    `<p class="meta"${attributes}>${notice}</p>`,
    note ? `<p>${e(note)}</p>` : '',
    '</article></main>',
  ];
  return htmlPage({
    site,
    lang,
    title: `${words.withdrawnTitle(title)} — ${oneLine(site.title)}`,
    notice: {},
    feeds: [{ kind: 'all' }],
    body: body.filter(Boolean).join('\n'),
  });
}

function ownFeeds(item: ItemView): FeedRef[] {
  return [
    ...item.tags.map((t): FeedRef => ({ kind: 'tag', slug: t.slug, name: t.name })),
    ...item.authors.flatMap((a): FeedRef[] =>
      a.slug ? [{ kind: 'author', slug: a.slug, name: a.name }] : [],
    ),
  ];
}

function byline(item: ItemView, words: SiteWords, named: (name: string) => string): string {
  if (item.authors.length === 0) return '';
  // Each name isolated: an Arabic byline among English words keeps its own direction.
  const names = item.authors.map((a) => named(a.name)).join(e(words.comma));
  return `${withHtml(words.by, names)} · `;
}

function dateline(item: ItemView, site: SiteConfig, words: SiteWords): string {
  // The dates are in the site's language, inside the words (in theirs).
  const time = (d: Date) => timeTag(d, site, words.lang);
  const updated =
    item.updated.getTime() > item.published.getTime()
      ? withHtml(words.updated, time(item.updated))
      : '';
  return `${withHtml(words.published, time(item.published))}${updated}`;
}

function feedList(
  site: SiteConfig,
  feeds: readonly FeedRef[],
  {
    words,
    attributes,
    named,
  }: { words: SiteWords; attributes: string; named: (name: string) => string },
): string {
  const rows = feeds.map((feed) => {
    const name = feed.kind === 'all' ? '' : feed.name;
    const what = feed.kind === 'tag' ? words.tag : words.author;
    return `<li>${e(what)} <a href="${e(listingPageUrl(site.url, feed))}">${named(name)}</a>${e(words.colon)}${feedLinks(site, feed)}</li>`;
  });
  return `<footer${attributes}><h2>${e(words.follow)}</h2>\n<ul class="plain">\n${rows.join('\n')}\n</ul></footer>`;
}
