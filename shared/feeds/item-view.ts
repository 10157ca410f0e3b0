import type { Article, Author, Label, MediaRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { MEDIA_SITE_PREFIX, mediaPlaceholderPath } from '../contract/media.ts';
import { dayOf, EPOCH, toDate } from './dates.ts';
import { itemId } from './item-id.ts';
import { type SiteWords, siteWords } from './site-words.ts';
import { articlePageUrl, emailAddress, httpUrl, languageTag, leadType } from './urls.ts';
import { escapeMarkup, oneLine, xmlSafe } from './xml-safe.ts';

export interface PersonView {
  name: string;
  slug?: string;
  email?: string;
  url?: string;
}

export interface ImageView {
  url: string;
  /** The published file's, else known from the extension; undefined when it cannot be told. */
  type?: string;
  /** Bytes: only for a file this site publishes (an external image's size is not known). */
  length?: number;
  /** One line each, XML-safe; absent when not given. */
  alt?: string;
  caption?: string;
  credit?: string;
}

/**
 * What the lead is, by its type: an image unless its type says audio or video (a podcast's
 * episode, a clip), which no `<img>`, share card or feed image may show.
 */
export function leadKind(image: Pick<ImageView, 'type'>): 'image' | 'audio' | 'video' {
  if (image.type?.startsWith('audio/')) return 'audio';
  if (image.type?.startsWith('video/')) return 'video';
  return 'image';
}

/**
 * The lead as a figure: an image with its alt text, or a player for audio and video (its alt
 * text as its label, a link to the file inside for readers that play neither), and its
 * caption and credit under it.
 */
export function imageFigure(image: ImageView, words: SiteWords, title: string): string {
  const kind = leadKind(image);
  const credited = kind === 'image' ? words.photo : words.credit;
  const under = [
    image.caption,
    image.credit ? `${credited}${words.colon}${image.credit}` : undefined,
  ]
    .filter((part): part is string => Boolean(part))
    .map(escapeMarkup)
    .join(' ');
  const caption = under ? `<figcaption>${under}</figcaption>` : '';
  const src = escapeMarkup(image.url);
  const alt = escapeMarkup(image.alt ?? '');
  if (kind === 'image') return `<figure><img src="${src}" alt="${alt}">${caption}</figure>`;
  // A player is named by its alt text, else by the story's title: never a nameless control.
  const label = ` aria-label="${alt || escapeMarkup(title)}"`;
  const link = `<a href="${src}">${alt || escapeMarkup(kind === 'audio' ? words.listen : words.watch)}</a>`;
  return `<figure><${kind} controls preload="none" src="${src}"${label}>${link}</${kind}>${caption}</figure>`;
}

/**
 * One article as every renderer sees it: strings free of XML-forbidden characters,
 * URLs absolute http(s), dates valid, no empty names. Each format only escapes.
 */
export interface ItemView {
  id: string;
  title: string;
  /** Where the item points: the article's own link, else its page on this site. */
  link: string;
  pageUrl: string;
  summary: string;
  contentHtml: string;
  published: Date;
  updated: Date;
  tags: Label[];
  authors: PersonView[];
  image?: ImageView;
  language?: string;
}

/**
 * What a list of stories (the home page, a tag's page, an archive page) shows of one: no
 * content, so a listing of fifty stories does not clean fifty bodies it never shows.
 */
export type TeaserView = Pick<
  ItemView,
  'title' | 'pageUrl' | 'summary' | 'published' | 'authors' | 'language'
>;

export function buildTeaserView(
  article: Article,
  site: Pick<SiteConfig, 'url' | 'language'>,
): TeaserView {
  const language = languageTag(article.language);
  return {
    title: oneLine(article.title) || siteWords(site).untitled,
    pageUrl: articlePageUrl(site.url, article.id),
    summary: xmlSafe(article.summary).trim(),
    published: toDate(article.published) ?? toDate(article.updated) ?? EPOCH,
    authors: cleanAuthors(article.authors),
    ...(language ? { language } : {}),
  };
}

export function buildItemView(
  stored: Article,
  site: Pick<SiteConfig, 'url' | 'language'>,
): ItemView {
  const article = mediaOnSite(stored, site.url);
  const teaser = buildTeaserView(article, site);
  const { title, pageUrl, summary, published } = teaser;
  const image = httpUrl(article.image, site.url);
  return {
    ...teaser,
    id: itemId(article.guid, article.id),
    link: httpUrl(article.link, site.url) ?? pageUrl,
    // Every format then carries content (Atom entries need a link or content; JSON needs one).
    contentHtml:
      (xmlSafe(article.contentHtml).trim() || `<p>${escapeMarkup(summary || title)}</p>`) +
      correctionLog(article.corrections, siteWords(site)),
    updated: toDate(article.updated) ?? published,
    tags: cleanLabels(article.tags),
    ...(image && !unpublished(article, image)
      ? { image: imageView(image, article.imageText, mediaOf(article, image)) }
      : {}),
  };
}

/**
 * The article with its media files' URLs on `siteUrl`: ingest wrote them absolute with the
 * site URL of its day, and a site that moved since (a new domain, `feedpub dev` on another
 * port) serves them under the new one. Its lead, enclosure, share image and the text's own
 * images and players follow (links to other pages in the text keep the URL they were given).
 */
function mediaOnSite(article: Article, siteUrl: string): Article {
  const moved = (article.media ?? []).flatMap((ref) => {
    // Its site path has as many segments as its placeholder's (`media/…/lead.jpg`; published,
    // `media/…/lead.<version>.jpg`): the stored URL's last ones, whatever site came before.
    const segments = mediaPlaceholderPath(ref.key).split('/').length;
    // Stored under this site already (the usual case, and no URL to parse for it).
    const here = ref.url.startsWith(siteUrl) ? ref.url.slice(siteUrl.length) : '';
    if (here.startsWith(MEDIA_SITE_PREFIX) && here.split('/').length === segments) return [];
    let path: string;
    try {
      path = new URL(ref.url).pathname.split('/').slice(-segments).join('/');
    } catch {
      return [];
    }
    if (!path.startsWith(MEDIA_SITE_PREFIX)) return [];
    const now = `${siteUrl}${path}`;
    return now === ref.url ? [] : [[ref.url, now] as const];
  });
  if (moved.length === 0) return article;
  const on = new Map(moved);
  let contentHtml = article.contentHtml;
  for (const [from, to] of moved) contentHtml = contentHtml.split(from).join(to);
  return {
    ...article,
    contentHtml,
    ...(article.image !== undefined ? { image: on.get(article.image) ?? article.image } : {}),
    media: (article.media ?? []).map((ref) => ({ ...ref, url: on.get(ref.url) ?? ref.url })),
  };
}

/**
 * Whether `url` is the placeholder of an inbox media file that is not published: not uploaded
 * yet, rejected, or of a type never published (SVG). Such a lead is no enclosure and no lead
 * figure until its file is published (the article is published again then, with it): a
 * podcast app would fetch a 404 and keep it, a reader see a broken image.
 */
function unpublished(article: Article, url: string): boolean {
  return article.media?.some((m) => m.url === url && m.type === undefined) ?? false;
}

/** An item's summary and a link to its page: what it carries instead of the whole story. */
export function summaryContent(
  item: Pick<ItemView, 'summary' | 'pageUrl'>,
  words: SiteWords,
): string {
  const teaser = item.summary ? `<p>${escapeMarkup(item.summary)}</p>` : '';
  return `${teaser}<p><a href="${escapeMarkup(item.pageUrl)}">${escapeMarkup(words.readFullStory)}</a></p>`;
}

/**
 * The dated correction log at the end of the story, in the page and in every feed's content:
 * what a reader of either sees, oldest first.
 */
export function correctionLog(corrections: Article['corrections'], words: SiteWords): string {
  const rows = (corrections ?? []).flatMap(({ date, text }) => {
    const when = toDate(date);
    const said = oneLine(text);
    if (!when || !said) return [];
    return [
      `<p><strong>${escapeMarkup(words.correction)}</strong> (${dayOf(when)})${escapeMarkup(words.colon)}${escapeMarkup(said)}</p>`,
    ];
  });
  return rows.length > 0 ? `\n${rows.join('\n')}` : '';
}

/** The inbox media file at `url`, when the article's lead image is one that is published. */
function mediaOf(article: Article, url: string): MediaRef | undefined {
  return article.media?.find((m) => m.url === url && m.type !== undefined);
}

function imageView(url: string, text: Article['imageText'], media?: MediaRef): ImageView {
  const line = (value: string | undefined) => (value ? oneLine(value) : '');
  const [alt, caption, credit] = [line(text?.alt), line(text?.caption), line(text?.credit)];
  return {
    url,
    type: media?.type ?? leadType(url),
    ...(media?.size !== undefined ? { length: media.size } : {}),
    ...(alt ? { alt } : {}),
    ...(caption ? { caption } : {}),
    ...(credit ? { credit } : {}),
  };
}

/** A label keeps a slug (term) and a name (label); one stands in for the other if empty. */
function cleanLabels(labels: readonly Label[]): Label[] {
  const bySlug = new Map<string, Label>();
  for (const label of labels) {
    const slug = oneLine(label.slug) || oneLine(label.name);
    const name = oneLine(label.name) || slug;
    if (slug && !bySlug.has(slug)) bySlug.set(slug, { slug, name });
  }
  return [...bySlug.values()];
}

function cleanAuthors(authors: readonly Author[]): PersonView[] {
  return authors.flatMap((author): PersonView[] => {
    const email = emailAddress(author.email);
    const name = oneLine(author.name) || oneLine(author.slug) || email;
    if (!name) return [];
    const slug = oneLine(author.slug);
    const url = httpUrl(author.url);
    return [
      { name, ...(slug ? { slug } : {}), ...(email ? { email } : {}), ...(url ? { url } : {}) },
    ];
  });
}
