import type { FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import {
  CONTENT_TYPE,
  FEED_FORMATS,
  type FeedFormat,
  OPML_PATH,
  siteUrlOf,
} from '../contract/site-layout.ts';
import { dayIn } from './dates.ts';
import { feedTitle } from './feed-titles.ts';
import { type SiteWords, siteWords } from './site-words.ts';
import { feedUrl, languageTag, siteIconUrl, tagsPageUrl } from './urls.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

export interface PageParts {
  site: SiteConfig;
  lang?: string;
  title: string;
  canonical?: string;
  description?: string;
  /** Feeds announced with <link rel="alternate">, the one a reader should take first. */
  feeds: readonly FeedRef[];
  body: string;
  /** schema.org data about the page: written as an `application/ld+json` data block. */
  jsonLd?: Record<string, unknown>;
  /** How the page looks when shared (OpenGraph, Twitter cards); absent: not shareable. */
  share?: ShareCard;
  /**
   * A notice in place of a story (withdrawn, moved): kept out of search indexes, and a moved
   * story's notice sends browsers on (`redirect`), for hosts that cannot answer 301 themselves.
   */
  notice?: { redirect?: string };
  /** Kept out of search indexes (a tag's page with no story left: a soft 404 otherwise). */
  noindex?: boolean;
}

/** What a link preview shows: OpenGraph (Facebook, LinkedIn, Slack, …) and Twitter cards. */
export interface ShareCard {
  type: 'article' | 'website';
  title: string;
  description?: string;
  /** Absolute URL of the page. */
  url: string;
  /** Absolute https URL of the lead image. */
  image?: string;
  /** The lead image's text alternative (`image_alt`), for those who cannot see the preview. */
  imageAlt?: string;
  published?: Date;
  modified?: Date;
}

/**
 * Open Graph's locale (`language_TERRITORY`, two letters each) of a BCP 47 tag, its territory
 * the likely one where the tag names none (Unicode's likely subtags: `ar` is `ar_EG`, `zh-Hant`
 * `zh_TW`); undefined where it has no such form (`es-419`, `fil`, `x-klingon`), rather than a
 * value link previews cannot read (they then take `en_US`).
 */
export function openGraphLocale(lang: string): string | undefined {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(lang).maximize();
  } catch {
    return undefined;
  }
  const { language, region } = locale;
  return /^[a-z]{2}$/.test(language) && region && /^[A-Z]{2}$/.test(region)
    ? `${language}_${region}`
    : undefined;
}

/** The `<meta>` tags of a share card in a page in `lang`; every value escaped. */
function shareTags(site: SiteConfig, card: ShareCard, lang: string): string[] {
  const property = (name: string, value: string | undefined) =>
    value ? `<meta property="${name}" content="${e(value)}">` : '';
  const named = (name: string, value: string | undefined) =>
    value ? `<meta name="${name}" content="${e(value)}">` : '';
  return [
    property('og:type', card.type),
    property('og:site_name', oneLine(site.title)),
    property('og:title', card.title),
    property('og:description', card.description),
    property('og:url', card.url),
    property('og:locale', openGraphLocale(lang)),
    property('og:image', card.image),
    property('og:image:alt', card.image ? card.imageAlt : undefined),
    property('article:published_time', card.published?.toISOString()),
    property('article:modified_time', card.modified?.toISOString()),
    named('twitter:card', card.image ? 'summary_large_image' : 'summary'),
    named('twitter:title', card.title),
    named('twitter:description', card.description),
    named('twitter:image', card.image),
    named('twitter:image:alt', card.image ? card.imageAlt : undefined),
  ].filter(Boolean);
}

/**
 * JSON as the content of a `<script type="application/ld+json">` data block: a browser never
 * runs it (CSP aside, it is not script), and with `<`, `>`, `&` and the line separators escaped
 * as JSON escapes, no text in it can end the element or be read as markup.
 */
export function jsonLdBlock(data: Record<string, unknown>): string {
  const json = JSON.stringify(data).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<script type="application/ld+json">${json}</script>`;
}

export const FORMAT_LABEL: Record<FeedFormat, string> = {
  rss: 'RSS',
  atom: 'Atom',
  json: 'JSON Feed',
};

/**
 * The pages' one style sheet, inline (the edge's CSP allows inline styles, not scripts). Made to
 * fit a phone: nothing may be wider than the screen. Long words and URLs break anywhere; media
 * shrink to the column; tables and code, which cannot break, scroll sideways in their own box
 * (a table keeps its cells' words whole, and scrolls only when they do not fit).
 */
const STYLE = [
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  'body{margin:0 auto;max-width:42rem;padding:1rem;font:1.05rem/1.6 system-ui,sans-serif;color:#222;background:#fff;overflow-wrap:anywhere}',
  'a{color:#0645ad}h1,h2,h3{line-height:1.25}',
  'img,video,audio,svg,canvas{max-width:100%}img,video,svg,canvas{height:auto}figure{margin:1rem 0}',
  // A story's tables and code scroll sideways in a box of their own (a region a keyboard can reach).
  '.scroll{max-width:100%;overflow-x:auto}pre{padding:.5rem;background:#f4f4f4}',
  'table{border-collapse:collapse}',
  'caption,th,td{text-align:start}th,td{overflow-wrap:normal;padding:.25rem .5rem;border-bottom:1px solid #ddd}',
  // Logical sides: a quote's bar and a list's indent at the start of a line, right in Arabic.
  'blockquote{margin:1rem 0;padding-inline-start:1rem;border-inline-start:3px solid #ddd}ul,ol{padding-inline-start:1.5rem}',
  'header,nav{margin-bottom:1.5rem}footer{margin-top:2rem;border-top:1px solid #ddd;padding-top:1rem}',
  '.meta{color:#555;font-size:.9rem}ul.plain{list-style:none;padding:0}',
  '@media (prefers-color-scheme:dark){body{color:#ddd;background:#111}a{color:#8ab4f8}.meta{color:#aaa}pre{background:#222}}',
].join('');

/** Scripts written right to left (ISO 15924), as a language tag may name them. */
const RTL_SCRIPTS = new Set([
  'arab',
  'hebr',
  'thaa',
  'syrc',
  'nkoo',
  'adlm',
  'rohg',
  'samr',
  'mand',
]);
/** Languages written right to left unless their tag names another script. */
const RTL_LANGUAGES = new Set([
  'ar',
  'arc',
  'ckb',
  'dv',
  'fa',
  'he',
  'iw',
  'ps',
  'sd',
  'syr',
  'ug',
  'ur',
  'yi',
  'ji',
  'ks',
  'nqo',
  'prs',
  'pnb',
]);

/** Which way a language is written: its tag's script subtag if any, else the language's own. */
export function textDirection(lang: string): 'rtl' | 'ltr' {
  const [language = '', ...subtags] = lang.toLowerCase().split('-');
  const script = subtags.find((subtag) => /^[a-z]{4}$/.test(subtag));
  if (script !== undefined) return RTL_SCRIPTS.has(script) ? 'rtl' : 'ltr';
  return RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr';
}

/**
 * ` lang="…"` (and ` dir="…"` when its direction differs) for an element in `lang` inside one
 * in `outer`; nothing when they are the same language.
 */
export function languageAttributes(lang: string | undefined, outer: string): string {
  if (!lang || lang === outer) return '';
  const dir = textDirection(lang);
  return ` lang="${e(lang)}"${dir === textDirection(outer) ? '' : ` dir="${dir}"`}`;
}

/** The site's language tag: what its pages are written in unless an article says otherwise. */
export function siteLanguage(site: SiteConfig): string {
  return languageTag(site.language) ?? 'en';
}

/**
 * A date on a page: the instant for machines (`datetime`), the day for people in the site's
 * language. On a page in another language (`pageLang`) the element says which it is in.
 */
export function timeTag(date: Date, site: SiteConfig, pageLang?: string): string {
  const language = siteLanguage(site);
  const lang = pageLang ? languageAttributes(language, pageLang) : '';
  return `<time datetime="${date.toISOString()}"${lang}>${e(dayIn(date, language))}</time>`;
}

/**
 * The page left at an address that answers 301 (a moved story, an archive page that went):
 * `lead` (HTML) and a link to `to`, kept out of search indexes, sending browsers on for hosts
 * that cannot answer 301 themselves.
 */
export function movedPage(
  site: SiteConfig,
  {
    title,
    heading,
    to,
    linkText = to,
    feeds,
    lead,
  }: {
    title: string;
    /** The page's h1 (text). */
    heading: string;
    to: string;
    /** What the link to `to` says (default: its URL). */
    linkText?: string;
    feeds: PageParts['feeds'];
    /** The notice (HTML), around the link (HTML) it is given. */
    lead: (link: string) => string;
  },
): string {
  return htmlPage({
    site,
    // The page says only the site's words (and the link).
    lang: siteWords(site).lang,
    title,
    canonical: to,
    notice: { redirect: to },
    feeds,
    body: `<main><h1>${e(heading)}</h1>\n<p>${lead(`<a href="${e(to)}">${e(linkText)}</a>`)}</p></main>`,
  });
}

/** A complete HTML5 document; every value in `parts` except `body` is escaped here. */
export function htmlPage(parts: PageParts): string {
  const lang = languageTag(parts.lang) ?? siteLanguage(parts.site);
  const icon = siteIconUrl(parts.site);
  const indexed = !parts.notice && !parts.noindex;
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(parts.title)}</title>`,
    parts.description ? `<meta name="description" content="${e(parts.description)}">` : '',
    parts.canonical ? `<link rel="canonical" href="${e(parts.canonical)}">` : '',
    indexed ? '' : '<meta name="robots" content="noindex">',
    // A story's page: search engines may show its image large (Google Search's and Discover's cards).
    indexed && parts.share ? '<meta name="robots" content="max-image-preview:large">' : '',
    parts.notice?.redirect
      ? `<meta http-equiv="refresh" content="0; url=${e(parts.notice.redirect)}">`
      : '',
    icon ? `<link rel="icon" href="${e(icon)}">` : '',
    ...(parts.share ? shareTags(parts.site, parts.share, lang) : []),
    ...parts.feeds.flatMap((feed) => alternateLinks(parts.site, feed)),
    `<style>${STYLE}</style>`,
    parts.jsonLd ? jsonLdBlock(parts.jsonLd) : '',
  ].filter(Boolean);
  const dir = textDirection(lang) === 'rtl' ? ' dir="rtl"' : '';
  // The site's title (header) and its own words (footer) say their language where the page is
  // in another.
  const titled = languageAttributes(siteLanguage(parts.site), lang);
  const words = siteWords(parts.site);
  return `<!DOCTYPE html>\n<html lang="${e(lang)}"${dir}>\n<head>\n${head.join('\n')}\n</head>\n<body>\n${siteHeader(parts.site, titled)}\n${parts.body}\n${siteFooter(parts.site, words, languageAttributes(words.lang, lang))}\n</body>\n</html>\n`;
}

export function mediaType(format: FeedFormat): string {
  return CONTENT_TYPE[format].split(';')[0] ?? CONTENT_TYPE[format];
}

function alternateLinks(site: SiteConfig, feed: FeedRef): string[] {
  const title = feedTitle(site, feed);
  return FEED_FORMATS.map(
    (format) =>
      `<link rel="alternate" type="${mediaType(format)}" title="${e(`${title} (${FORMAT_LABEL[format]})`)}" href="${e(feedUrl(site.url, feed, format))}">`,
  );
}

/** "RSS · Atom · JSON Feed" links to one feed. */
export function feedLinks(site: SiteConfig, feed: FeedRef): string {
  // Named with the feed too (`RSS: Libya`), so a screen reader's list of links tells the many
  // "RSS" of a page apart; the visible word starts the name.
  const name = feed.kind === 'all' ? oneLine(site.title) : oneLine(feed.name) || feed.slug;
  const { colon } = siteWords(site);
  return FEED_FORMATS.map(
    (format) =>
      `<a href="${e(feedUrl(site.url, feed, format))}" type="${mediaType(format)}" aria-label="${e(`${FORMAT_LABEL[format]}${colon}${name}`)}">${FORMAT_LABEL[format]}</a>`,
  ).join(' · ');
}

function siteHeader(site: SiteConfig, lang: string): string {
  return `<header${lang}><a href="${e(site.url)}"><strong>${e(site.title)}</strong></a></header>`;
}

function siteFooter(site: SiteConfig, words: SiteWords, lang: string): string {
  const links = [
    `<a href="${e(site.url)}">${e(words.home)}</a>`,
    `<a href="${e(tagsPageUrl(site.url))}">${e(words.tagsAndAuthors)}</a>`,
    `<a href="${e(siteUrlOf(site.url, OPML_PATH))}">${e(words.allFeeds)}</a>`,
    `${e(words.subscribe + words.colon)}${feedLinks(site, { kind: 'all' })}`,
  ];
  return `<footer${lang}><p>${links.join(' | ')}</p></footer>`;
}

/**
 * A phrase of the site's words around HTML (a time, a link, isolated names): the words escaped,
 * the HTML as it is (`withHtml(words.published, timeTag(…))`; up to 16 pieces).
 */
export function withHtml(phrase: (...html: string[]) => string, ...html: string[]): string {
  const slots = html.map((_, index) => String.fromCharCode(SLOT + index));
  return e(phrase(...slots)).replace(SLOTS, (slot) => html[slot.charCodeAt(0) - SLOT] ?? '');
}

/** Where withHtml's HTML goes: private-use characters, which escaping keeps and no word has. */
const SLOT = 0xe000;
const SLOTS = /[\ue000-\ue00f]/g;

/**
 * ` lang`/` dir` for an element of the site's words inside one in `outer` (nothing when the
 * words are in that language), and the words.
 */
export function wordsIn(site: SiteConfig, outer: string): { words: SiteWords; attributes: string } {
  const words = siteWords(site);
  return { words, attributes: languageAttributes(words.lang, outer) };
}
